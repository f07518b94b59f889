package dev.mmrag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code style-finder find --llm openai --base-url ...} against a local HTTP server that speaks OpenAI's chat
 * completions protocol (no language model runs here: the server writes a fixed reply around the first source the
 * request carries). It checks the command line's wiring: the request carries the photos and the catalogue
 * context, the answer and its sources are printed, a link that is not the catalogue's is removed, and a failing
 * server falls back to the offline answer.
 */
class StyleFinderLlmTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FIRST_SOURCE = Pattern.compile("<source n=\"1\" id=\"([^\"]+)\">");

    private HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", this::chat);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void chat(HttpExchange exchange) throws IOException {
        JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
        requests.add(request);
        if (failuresLeft.getAndDecrement() > 0) {
            reply(exchange, 500, "{\"error\": {\"message\": \"overloaded\", \"type\": \"server_error\"}}");
            return;
        }
        Matcher m = FIRST_SOURCE.matcher(request.toString().replace("\\\"", "\""));
        String id = m.find() ? m.group(1) : "nothing";
        String text = "That looks like [1], https://shop.example/products/" + id
                + " - or order it cheaper at https://evil.example/deal";
        if (request.path("stream").asBoolean()) {
            stream(exchange, text);
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
                .put("created", 1).put("model", "fake-vision");
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", text);
        body.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 10).put("total_tokens", 20);
        reply(exchange, 200, body.toString());
    }

    /** Sends the text as server-sent events, a few words per chunk, as OpenAI streams. */
    private static void stream(HttpExchange exchange, String text) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        String[] words = text.split("(?<= )");
        for (int i = 0; i < words.length; i += 3) {
            StringBuilder piece = new StringBuilder();
            for (int j = i; j < Math.min(words.length, i + 3); j++) {
                piece.append(words[j]);
            }
            ObjectNode chunk = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion.chunk")
                    .put("created", 1).put("model", "fake-vision");
            chunk.putArray("choices").addObject().put("index", 0).putObject("delta").put("content", piece.toString());
            exchange.getResponseBody().write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
        }
        ObjectNode last = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion.chunk")
                .put("created", 1).put("model", "fake-vision");
        last.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("delta");
        exchange.getResponseBody().write(("data: " + last + "\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
        exchange.close();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void answerFromTheModelWithSourcesAndOnlyCatalogueLinks() throws Exception {
        JsonNode query = StyleFinderTest.labelledPhoto();
        String expected = query.get("expected").asText();
        StyleFinderTest.Run run = StyleFinderTest.run("find", "--image", StyleFinderTest.photo(query).toString(),
                "--llm", "openai", "--llm-model", "fake-vision", "--base-url", baseUrl(), "--k", "3");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(requests).hasSize(1);
        String sent = requests.get(0).toString();
        assertThat(requests.get(0).get("model").asText()).isEqualTo("fake-vision");
        assertThat(sent).contains("<source n=\\\"1\\\" id=\\\"" + expected + "\\\">")
                .contains("data:image/jpeg;base64,");
        assertThat(run.out()).startsWith("That looks like [1], https://shop.example/products/" + expected)
                .doesNotContain("evil.example")
                .contains("Sources:\n  [1] ").contains("https://shop.example/products/" + expected + " (score ");
        assertThat(run.err()).contains("warning: ").contains("evil.example");
    }

    @Test
    void failingModelFallsBackToTheOfflineAnswer() throws Exception {
        failuresLeft.set(100);
        StyleFinderTest.Run run = StyleFinderTest.run("find", "--text", "a red hat", "--llm", "openai",
                "--base-url", baseUrl(), "--k", "2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(requests).hasSize(3);
        assertThat(run.out()).startsWith("Best matches for \"a red hat\":");
        assertThat(run.err()).contains("note: the language model could not answer; this is the offline answer.");
    }

    @Test
    void streamedAnswerIsPrintedAsItArrives() throws Exception {
        StyleFinderTest.Run run = StyleFinderTest.run("find", "--text", "a red hat", "--llm", "openai",
                "--base-url", baseUrl(), "--stream");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).get("stream").asBoolean()).isTrue();
        assertThat(run.out()).startsWith("That looks like [1], https://shop.example/products/sku-").contains("Sources:")
                .doesNotContain("evil.example");
    }
}
