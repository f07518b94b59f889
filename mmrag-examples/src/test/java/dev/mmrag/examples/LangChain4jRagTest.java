package dev.mmrag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.UserMessage;
import dev.mmrag.api.Item;
import dev.mmrag.api.Metric;
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.langchain4j.MultimodalContentInjector;
import dev.mmrag.langchain4j.MultimodalRagContentRetriever;
import dev.mmrag.onnx.ClipOnnxEncoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * mmrag inside a LangChain4j {@code AiServices} application with the real mini-clip model: the catalogue's
 * products are indexed from their photos only (no text), and a question in words retrieves them through
 * {@link MultimodalRagContentRetriever}, so the request that reaches the chat model carries the right product's
 * details and photo. The chat model is LangChain4j's OpenAI model talking to a local HTTP server that speaks
 * OpenAI's chat-completions protocol; no language model runs there (its reply is fixed).
 */
class LangChain4jRagTest {

    /** The application's AI service. */
    interface Shopper {
        String ask(@UserMessage String question);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

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

    private void chat(HttpExchange exchange) throws IOException {
        requests.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
        ObjectNode body = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
                .put("created", 1).put("model", "fake-vision");
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", "See [1].");
        body.putObject("usage").put("prompt_tokens", 1).put("completion_tokens", 1).put("total_tokens", 2);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void aTextQuestionFindsProductsIndexedFromTheirPhotosAndTheModelGetsTheirDetailsAndPhotos() throws IOException {
        List<Item> products = Catalog.load(Assets.styleCatalog()).items().subList(0, 60);
        try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(Assets.miniClip()).build()) {
            MultimodalRag rag = MultimodalRag.builder().encoder(clip)
                    .store(new ExactVectorStore(clip.dimension(), Metric.COSINE)).build();
            assertThat(rag.index(products).failures()).isEmpty();
            Shopper shopper = AiServices.builder(Shopper.class)
                    .chatModel(OpenAiChatModel.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort()
                            + "/v1").apiKey("test-key").modelName("fake-vision").maxRetries(0).build())
                    .retrievalAugmentor(DefaultRetrievalAugmentor.builder()
                            .contentRetriever(MultimodalRagContentRetriever.of(rag::retrieve).withTopK(3))
                            .contentInjector(MultimodalContentInjector.create())
                            .build())
                    .build();

            assertThat(shopper.ask("a red striped t-shirt")).isEqualTo("See [1].");
        }

        JsonNode content = requests.get(0).get("messages").get(0).get("content");
        List<String> texts = new ArrayList<>();
        List<String> images = new ArrayList<>();
        for (JsonNode part : content) {
            if (part.get("type").asText().equals("text")) {
                texts.add(part.get("text").asText());
            } else {
                images.add(part.get("image_url").get("url").asText());
            }
        }
        assertThat(texts.get(0)).startsWith("a red striped t-shirt")
                .contains("<source n=\"1\" id=\"sku-0002\">").contains("name: Red Striped T-Shirt")
                .contains("url: https://shop.example/products/sku-0002");
        assertThat(images).hasSize(2);
        byte[] photo = Files.readAllBytes(Assets.styleCatalog().resolve("images/sku-0002.jpg"));
        assertThat(images.get(0)).isEqualTo("data:image/jpeg;base64," + Base64.getEncoder().encodeToString(photo));
    }
}
