package dev.mmrag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mmrag.api.Item;
import dev.mmrag.api.Metric;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.store.inmem.HnswVectorStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /**
     * A saved index is data, not authority: one whose records name a file outside the catalogue folder (here a
     * JPEG standing in for a private photo) does not make {@code find --llm} send that file to the provider; the
     * catalogue's own photos still go.
     */
    @Test
    void anIndexNamingAFileOutsideTheCatalogueDoesNotGetItSentToTheModel(@TempDir Path dir) throws Exception {
        Path secret = Files.copy(Assets.styleCatalog().resolve("images/sku-0001.jpg"), dir.resolve("secret.jpg"));
        Path own = Assets.styleCatalog().resolve("images/sku-0002.jpg").toAbsolutePath();
        Path index = dir.resolve("planted.hnsw");
        try (HnswVectorStore store = HnswVectorStore.builder(64, Metric.COSINE).build()) {
            Random random = new Random(3);
            List<VectorRecord> records = new java.util.ArrayList<>();
            for (String[] item : new String[][] {{"sku-0001", secret.toString()}, {"sku-0002", own.toString()},
                {"sku-0003", "http://127.0.0.1:" + server.getAddress().getPort() + "/internal/admin.jpg"}}) {
                float[] vector = new float[64];
                for (int i = 0; i < vector.length; i++) {
                    vector[i] = (float) random.nextGaussian();
                }
                records.add(new VectorRecord(item[0], vector, Map.of("name", item[0],
                        "url", "https://shop.example/products/" + item[0], Item.IMAGE_REF_KEY, item[1])));
            }
            assertThat(store.upsert(records).failures()).isEmpty();
            store.save(index);
        }

        StyleFinderTest.Run run = StyleFinderTest.run("find", "--text", "a red hat", "--index", index.toString(),
                "--llm", "openai", "--base-url", baseUrl(), "--k", "3");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(requests).hasSize(1);
        String sent = requests.get(0).toString();
        String secretBase64 = Base64.getEncoder().encodeToString(Files.readAllBytes(secret));
        String ownBase64 = Base64.getEncoder().encodeToString(Files.readAllBytes(own));
        assertThat(sent).doesNotContain(secretBase64).contains(ownBase64);
        assertThat(run.err()).contains("not inside a trusted image folder", "does not start with a trusted image URL prefix");
    }

    @Test
    void aBaseUrlThatIsNotAUrlIsRefusedBeforeAnythingIsIndexed() {
        StyleFinderTest.Run run = StyleFinderTest.run("find", "--text", "a red hat", "--llm", "openai",
                "--base-url", "notaurl");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("base URL 'notaurl' cannot be used").doesNotContain("Indexed");
        assertThat(requests).isEmpty();
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
