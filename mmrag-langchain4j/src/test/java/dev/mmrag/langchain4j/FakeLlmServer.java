package dev.mmrag.langchain4j;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP server (the JDK's {@link HttpServer} on 127.0.0.1) that stands in for a language-model provider in
 * tests: it answers each request with the next scripted {@link Reply} and records what it received. No model
 * runs here; the replies are written in the provider's wire format by the tests.
 *
 * <p>Thread-safety: safe for concurrent requests.
 */
final class FakeLlmServer implements AutoCloseable {

    /** A request as the server received it. Header names are lower case. */
    record Recorded(String method, String path, Map<String, List<String>> headers, String body) {

        /** @return the first value of a header, or null */
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** How the server answers one request. */
    @FunctionalInterface
    interface Reply {
        void send(HttpExchange exchange, CountDownLatch closed) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Deque<Reply> replies = new ArrayDeque<>();
    private final List<Recorded> requests = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    FakeLlmServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** @return {@code http://127.0.0.1:PORT} */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @param next replies for the next requests, in order */
    synchronized FakeLlmServer enqueue(Reply... next) {
        replies.addAll(List.of(next));
        return this;
    }

    /** @return the requests received so far */
    synchronized List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** @return the last request received */
    synchronized Recorded lastRequest() {
        if (requests.isEmpty()) {
            throw new AssertionError("the fake server received no request");
        }
        return requests.get(requests.size() - 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        Reply reply;
        synchronized (this) {
            requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body));
            reply = replies.isEmpty() ? json(599, "{\"error\":\"the test scripted no reply for this request\"}")
                    : replies.removeFirst();
        }
        try {
            reply.send(exchange, closed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client went away (a timeout or a cancelled stream): nothing more to send.
        } finally {
            exchange.close();
        }
    }

    /**
     * @param status the HTTP status
     * @param body a JSON body
     * @param headers extra headers, as name, value, name, value ...
     * @return a reply with that status and body
     */
    static Reply json(int status, String body, String... headers) {
        return (exchange, closed) -> {
            for (int i = 0; i + 1 < headers.length; i += 2) {
                exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    /**
     * @param status the HTTP status
     * @param contentType the content type
     * @param body the body, sent as it is
     * @return a reply with that status, type and body
     */
    static Reply raw(int status, String contentType, String body) {
        return (exchange, closed) -> {
            exchange.getResponseHeaders().add("Content-Type", contentType);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    /**
     * @param contentType the stream's content type ({@code text/event-stream}, {@code application/x-ndjson})
     * @param chunks the chunks, each written and flushed on its own, with a short pause between them
     * @return a 200 reply streamed in chunks
     */
    static Reply stream(String contentType, List<String> chunks) {
        return (exchange, closed) -> {
            OutputStream out = startStream(exchange, contentType);
            for (String chunk : chunks) {
                out.write(chunk.getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(5);
            }
        };
    }

    /**
     * @param contentType the stream's content type
     * @param chunks chunks to send before going silent
     * @return a 200 reply that sends some chunks, then neither sends more nor closes until the server closes
     */
    static Reply streamThenHang(String contentType, List<String> chunks) {
        return (exchange, closed) -> {
            OutputStream out = startStream(exchange, contentType);
            for (String chunk : chunks) {
                out.write(chunk.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            closed.await(60, TimeUnit.SECONDS);
        };
    }

    /** @return a reply that never answers (until the server closes) */
    static Reply hang() {
        return (exchange, closed) -> closed.await(60, TimeUnit.SECONDS);
    }

    private static OutputStream startStream(HttpExchange exchange, String contentType) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
