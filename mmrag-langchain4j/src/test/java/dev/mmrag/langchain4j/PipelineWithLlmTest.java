package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mmrag.api.Answer;
import dev.mmrag.api.Content;
import dev.mmrag.api.Item;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Query;
import dev.mmrag.api.TrustedImageSources;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.core.TemplateGenerator;
import dev.mmrag.test.KeywordTestEncoder;
import dev.mmrag.test.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline with this module's generator: mmrag-core's {@link MultimodalRag} indexes the style catalogue
 * (text through {@link KeywordTestEncoder}, each product's real JPEG remembered in its stored metadata), retrieves for a
 * question, and streams the answer from a {@link FakeLlmServer} that speaks OpenAI's protocol. No language model
 * runs here: the server's answer is scripted, and it includes a link that no product has.
 */
class PipelineWithLlmTest {

    private FakeLlmServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeLlmServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void askStreamsAGuardedAnswerBuiltFromTheRetrievedProductsAndTheirPhotos() throws IOException {
        KeywordTestEncoder encoder = new KeywordTestEncoder();
        LangChain4jGenerator llm = LangChain4jGenerator.forProvider(LlmProvider.OPENAI).baseUrl(server.url() + "/v1")
                .apiKey("pipeline-key").fallback(TemplateGenerator.create())
                .trustedImages(TrustedImageSources.ofFolders(TestData.styleCatalog())).build();
        MultimodalRag rag = MultimodalRag.builder().encoder(encoder)
                .store(new ExactVectorStore(encoder.dimension(), Metric.COSINE)).generator(llm).build();
        store(rag, encoder);
        server.enqueue(OpenAiProtocolTest.OPENAI.stream(List.of("The Red Striped T-Shirt [1] is at ",
                "https://shop.example/products/sku-0002", " (not at https://sh", "op.example.evil/sku-0002).")));
        List<String> received = new ArrayList<>();

        Answer answer = rag.ask(Query.builder().text("red striped t-shirt").topK(3).build(), received::add);

        assertThat(answer.sources().get(0).id()).isEqualTo("sku-0002");
        assertThat(answer.text()).isEqualTo("The Red Striped T-Shirt [1] is at https://shop.example/products/sku-0002"
                + " (not at [link removed]).");
        assertThat(String.join("", received)).isEqualTo(answer.text());
        assertThat(answer.warnings()).singleElement().asString().contains("shop.example.evil");
        JsonNode request = ChatProtocolContract.json(server.lastRequest().body());
        assertThat(OpenAiProtocolTest.OPENAI.userText(request)).contains("<source n=\"1\" id=\"sku-0002\">");
        List<WireProtocol.SentImage> images = OpenAiProtocolTest.OPENAI.images(request);
        assertThat(images).hasSize(2);
        assertThat(Base64.getDecoder().decode(images.get(0).base64()))
                .isEqualTo(StylePrompts.bytes(StylePrompts.productImage("sku-0002")));
    }

    /**
     * Stores each product's text embedding with its metadata and its real JPEG's path under
     * {@link Item#IMAGE_REF_KEY}, as indexing a photographed item would (the keyword encoder cannot read JPEGs, so
     * the records are written to the store directly).
     */
    private static void store(MultimodalRag rag, KeywordTestEncoder encoder) throws IOException {
        List<VectorRecord> records = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.styleCatalog().resolve("catalog.jsonl"))) {
            Map<String, Object> p = StylePrompts.JSON.readValue(line, new TypeReference<Map<String, Object>>() { });
            String id = (String) p.get("id");
            float[] vector = encoder.encode(Content.text(p.get("name") + ". " + p.get("description")));
            records.add(new VectorRecord(id, vector, Map.of("name", p.get("name"), "price", p.get("price"),
                    "url", p.get("url"), Item.IMAGE_REF_KEY, StylePrompts.productImage(id).toString())));
        }
        assertThat(rag.store().upsert(records).failures()).isEmpty();
    }
}
