package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mmrag.api.Answer;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.core.TemplateGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that streams {@code See https://evil.example/} and then an endless run of characters without a space,
 * in OpenAI's server-sent-events protocol (a local JDK HTTP server; no language model runs here). Before the
 * bounds, the link guard held the whole run back, rescanning it at every piece, and the event queue grew without
 * limit: a JVM with a 256 MB heap ran out of memory. Now the generator runs in a child JVM with a 48 MB heap,
 * which must finish normally: the answer is cut at the length limit, the foreign link never shown, and the
 * fallback answer follows, marked. The server counts what it sent, to show the client stopped reading. Not a timed
 * test: the child has three minutes, and before the bounds it ran out of memory in about 90 s.
 */
class EndlessStreamTest {

    private static final String CHUNK = "a".repeat(4000);

    @Test
    void anEndlessRunAfterALinkEndsWithTheFallbackInASmallHeap(@TempDir Path dir) throws Exception {
        String printed = runChild(dir, out -> {
            out.write(event("See https://evil.example/"));
            byte[] run = event(CHUNK);
            for (long total = 0; total < 2_000_000_000L; total += CHUNK.length()) { // 2 G characters at most
                out.write(run);
                sent.addAndGet(CHUNK.length());
            }
        });

        assertThat(printed).contains("fallback=true", "shown-link=false", "longer than the limit of 100000 characters",
                "removed a link to evil.example");
        long shown = Long.parseLong(printed.replaceAll("(?s).*shown=(\\d+).*", "$1"));
        assertThat(shown).isLessThan(120_000);
        assertThat(sent.get()).as("characters the server could send before the client stopped").isLessThan(50_000_000L);
    }

    /**
     * The same run inside one server-sent event that never ends its line: LangChain4j's parser reads a line whole,
     * so the bound is on the stream itself ({@link BoundedResponses}).
     */
    @Test
    void anEndlessLineEndsWithTheFallbackInASmallHeap(@TempDir Path dir) throws Exception {
        String printed = runChild(dir, out -> {
            out.write(("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"See https://evil.example/").getBytes(StandardCharsets.UTF_8));
            byte[] run = CHUNK.getBytes(StandardCharsets.UTF_8);
            for (long total = 0; total < 2_000_000_000L; total += CHUNK.length()) {
                out.write(run);
                sent.addAndGet(CHUNK.length());
            }
        });

        assertThat(printed).contains("fallback=true", "shown-link=false", "a line longer than 1048576 bytes");
        assertThat(sent.get()).as("characters the server could send before the client stopped").isLessThan(50_000_000L);
    }

    /** The same for a non-streamed answer whose JSON body never ends. */
    @Test
    void anEndlessAnswerBodyEndsWithTheFallbackInASmallHeap(@TempDir Path dir) throws Exception {
        String printed = runChild(dir, "application/json", "generate", out -> {
            out.write("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"See https://evil.example/".getBytes(StandardCharsets.UTF_8));
            byte[] run = CHUNK.getBytes(StandardCharsets.UTF_8);
            for (long total = 0; total < 2_000_000_000L; total += CHUNK.length()) {
                out.write(run);
                sent.addAndGet(CHUNK.length());
            }
        });

        assertThat(printed).contains("fallback=true", "shown-link=false", "the response is longer than 16777216 bytes");
        assertThat(sent.get()).as("characters the server could send before the client stopped").isLessThan(50_000_000L);
    }

    /** What the fake server writes after the headers of its 200 answer. */
    @FunctionalInterface
    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    private final AtomicLong sent = new AtomicLong();

    /** Runs {@link Child} in a JVM with a 48 MB heap against a server writing this body; @return what it printed. */
    private String runChild(Path dir, Body body) throws Exception {
        return runChild(dir, "text/event-stream", "stream", body);
    }

    private String runChild(Path dir, String contentType, String mode, Body body) throws Exception {
        ExecutorService executor = Executors.newCachedThreadPool();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                body.write(out);
            } catch (IOException e) {
                // the client stopped reading and closed the connection: expected
            }
        });
        server.start();
        try {
            Path output = dir.resolve("child.out");
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx48m", "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/v1", mode)
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean ended = child.waitFor(180, TimeUnit.SECONDS);
            if (!ended) {
                child.destroyForcibly().waitFor();
            }
            String printed = Files.readString(output);
            assertThat(ended).as("the child JVM ended; it printed:\n%s", printed).isTrue();
            assertThat(child.exitValue()).as(printed).isZero();
            return printed;
        } finally {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private static byte[] event(String content) {
        return ("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"}}]}\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The child JVM: streams one answer from the server and prints what happened. */
    public static final class Child {
        private Child() {
        }

        /** @param args the server's base URL, and {@code stream} or {@code generate} */
        public static void main(String[] args) {
            LangChain4jGenerator generator = LangChain4jGenerator.forProvider(LlmProvider.OPENAI).baseUrl(args[0])
                    .apiKey("test-key").fallback(TemplateGenerator.create()).build();
            Prompt prompt = new Prompt(Query.ofText("a red hat"), "", "Question: a red hat", List.of(),
                    List.of(new Retrieved("sku-1", 0.9, Map.of("name", "Red Hat", "url", "https://shop.example/p/1"))));
            long[] shown = {0};
            boolean[] link = {false};
            Answer answer;
            if (args[1].equals("stream")) {
                answer = generator.stream(prompt, piece -> {
                    shown[0] += piece.length();
                    link[0] |= piece.contains("evil.example");
                });
            } else {
                answer = generator.generate(prompt);
                shown[0] = answer.text().length();
                link[0] = answer.text().contains("evil.example");
            }
            System.out.println("fallback=" + answer.fallback() + " shown=" + shown[0] + " shown-link=" + link[0]);
            answer.warnings().forEach(System.out::println);
            System.exit(0);
        }
    }
}
