package dev.mmrag.examples.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.mmrag.api.Answer;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.langchain4j.LangChain4jGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What {@link LangChain4jGenerator#stream} costs on top of LangChain4j's own streaming model: its queue to the
 * calling thread, the link guard that holds back text that may be part of a link, and the bookkeeping for
 * retries. Baseline: the same {@code OpenAiStreamingChatModel} called directly with a plain handler.
 *
 * <p>Both stream the same answer from a local HTTP server (on 127.0.0.1) that speaks OpenAI's streaming
 * protocol and sends every piece at once, so no network or model time is included: what is measured is the
 * client's own cost. The answer has {@code pieces} pieces of a few words; every 50th piece starts a catalogue link
 * that the next piece completes, so the guard has to hold text back and let it go.
 *
 * <p>Usage: {@code StreamingOverheadBenchmark [pieces] [runs]} (defaults 2000 and 40, after 15 warm-up runs of
 * each). Runs of the two alternate, so that machine noise hits both alike. Prints the configuration, medians and
 * 90th percentiles of the time of a whole answer and of the time to the first piece, and the ratios.
 *
 * <p>Thread-safety: a program; not for concurrent use.
 */
public final class StreamingOverheadBenchmark {

    private static final int WARMUP_RUNS = 15;
    private static final String LINK = "https://shop.example/products/sku-0001";

    private StreamingOverheadBenchmark() {
    }

    /**
     * @param args optional: the number of pieces, the number of measured runs
     * @throws Exception when the local server cannot start or a run fails
     */
    public static void main(String[] args) throws Exception {
        int pieces = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        List<String> answer = answerPieces(pieces);
        String expected = String.join("", answer);
        try (SseServer server = new SseServer(answer)) {
            StreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(server.url()).apiKey("bench")
                    .modelName("bench").build();
            LangChain4jGenerator generator = LangChain4jGenerator.builder().streamingChatModel(model).name("bench").build();
            Prompt prompt = new Prompt(Query.ofText("Which item?"), "Answer from the sources.", "Question: which item?",
                    List.of(), List.of(new Retrieved("sku-0001", 0.9, Map.of("name", "Red T-Shirt", "url", LINK))));

            System.out.printf(Locale.ROOT, "StreamingOverheadBenchmark: %d pieces (%d chars) per answer, %d warm-up + %d "
                    + "measured runs each, Java %s, %d cores%n", pieces, expected.length(), WARMUP_RUNS, runs,
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
            System.out.println("baseline: OpenAiStreamingChatModel.chat(request, handler) directly; "
                    + "measured: LangChain4jGenerator.stream(prompt, onText) over the same model");
            for (int i = 0; i < WARMUP_RUNS; i++) {
                raw(model, expected);
                wrapped(generator, prompt, expected);
            }
            long[][] rawTimes = new long[2][runs];
            long[][] wrappedTimes = new long[2][runs];
            for (int i = 0; i < runs; i++) {
                long[] r = raw(model, expected);
                long[] w = wrapped(generator, prompt, expected);
                rawTimes[0][i] = r[0];
                rawTimes[1][i] = r[1];
                wrappedTimes[0][i] = w[0];
                wrappedTimes[1][i] = w[1];
            }
            report("whole answer", rawTimes[0], wrappedTimes[0]);
            report("first piece", rawTimes[1], wrappedTimes[1]);
            double perPiece = (median(wrappedTimes[0]) - median(rawTimes[0])) / 1e3 / pieces;
            System.out.printf(Locale.ROOT, "added cost per piece (median difference / pieces): %.2f us%n", perPiece);
        }
    }

    /** One direct call; returns {total, first piece} in nanoseconds. */
    private static long[] raw(StreamingChatModel model, String expected) throws Exception {
        StringBuilder text = new StringBuilder();
        long[] first = {0};
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        long start = System.nanoTime();
        model.chat("Which item?", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String piece) {
                if (first[0] == 0) {
                    first[0] = System.nanoTime();
                }
                text.append(piece);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        done.get(60, TimeUnit.SECONDS);
        long total = System.nanoTime() - start;
        check(text.toString(), expected, "baseline");
        return new long[] {total, first[0] - start};
    }

    /** One call through the generator; returns {total, first piece} in nanoseconds. */
    private static long[] wrapped(LangChain4jGenerator generator, Prompt prompt, String expected) {
        StringBuilder text = new StringBuilder();
        long[] first = {0};
        long start = System.nanoTime();
        Answer answer = generator.stream(prompt, piece -> {
            if (first[0] == 0) {
                first[0] = System.nanoTime();
            }
            text.append(piece);
        });
        long total = System.nanoTime() - start;
        check(text.toString(), expected, "generator");
        check(answer.text(), expected, "generator's answer");
        return new long[] {total, first[0] - start};
    }

    private static void check(String got, String expected, String who) {
        if (!got.equals(expected)) {
            throw new IllegalStateException(who + " received " + got.length() + " chars, expected " + expected.length());
        }
    }

    private static List<String> answerPieces(int count) {
        List<String> pieces = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (i % 50 == 0 && i + 1 < count) {
                pieces.add("see " + LINK.substring(0, 20));
                pieces.add(LINK.substring(20) + " now ");
                i++;
            } else {
                pieces.add("word" + i + " and more ");
            }
        }
        return pieces;
    }

    private static void report(String what, long[] raw, long[] wrapped) {
        System.out.printf(Locale.ROOT, "%-12s baseline median %7.3f ms p90 %7.3f ms | generator median %7.3f ms "
                + "p90 %7.3f ms | ratio of medians %.3f%n", what, median(raw) / 1e6, percentile(raw, 0.9) / 1e6,
                median(wrapped) / 1e6, percentile(wrapped, 0.9) / 1e6, median(wrapped) / median(raw));
    }

    private static double median(long[] values) {
        return percentile(values, 0.5);
    }

    private static double percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    /** A local server that answers every chat request with the same OpenAI-style event stream, sent at once. */
    private static final class SseServer implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService executor = Executors.newFixedThreadPool(2);
        private final byte[] events;

        SseServer(List<String> pieces) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String piece : pieces) {
                out.writeBytes(("data: {\"id\":\"b\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + piece + "\"}}]}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.writeBytes(("data: {\"id\":\"b\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench\","
                    + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            events = out.toByteArray();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(executor);
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        }

        private void handle(HttpExchange exchange) throws IOException {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(events);
            }
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
