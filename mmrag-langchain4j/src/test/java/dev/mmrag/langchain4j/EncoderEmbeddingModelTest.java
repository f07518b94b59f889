package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.mmrag.api.Content;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import dev.mmrag.test.KeywordTestEncoder;
import dev.mmrag.test.TestData;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EncoderEmbeddingModel} with mmrag's {@link KeywordTestEncoder} (a deterministic stand-in for CLIP that
 * embeds text and "test images" in one space), used through LangChain4j's own API and its
 * {@link InMemoryEmbeddingStore}.
 */
class EncoderEmbeddingModelTest {

    private final KeywordTestEncoder encoder = new KeywordTestEncoder();
    private final EncoderEmbeddingModel model = EncoderEmbeddingModel.of(encoder, "keyword-test");

    private static EmbeddingRequest imageRequest(ImageContent image) {
        return EmbeddingRequest.builder().inputs(List.of(EmbeddingInput.from(image))).build();
    }

    private static ImageContent testImage(String words) {
        return ImageContent.from(Base64.getEncoder().encodeToString(KeywordTestEncoder.imageBytes(words)), "image/x-test");
    }

    @Test
    void textAndImagesAreEmbeddedAsTheEncoderEmbedsThem() {
        float[] text = model.embed("red striped t-shirt").content().vector();
        float[] image = model.embed(imageRequest(testImage("red striped t-shirt"))).embeddings().get(0).vector();

        assertThat(text).containsExactly(encoder.encode(Content.text("red striped t-shirt")));
        assertThat(image).containsExactly(encoder.encode(KeywordTestEncoder.image("red striped t-shirt")));
        assertThat(image).as("text and image share one space").containsExactly(text);
    }

    @Test
    void embedAllKeepsTheOrderAndEncodesInOneBatch() {
        List<TextSegment> segments = List.of(TextSegment.from("red hat"), TextSegment.from("blue bag"),
                TextSegment.from("green dress"));
        int callsBefore = encoder.calls();

        List<Embedding> embeddings = model.embedAll(segments).content();

        assertThat(encoder.calls() - callsBefore).isEqualTo(1);
        assertThat(embeddings).hasSize(3);
        for (int i = 0; i < segments.size(); i++) {
            assertThat(embeddings.get(i).vector()).containsExactly(encoder.encode(Content.text(segments.get(i).text())));
        }
    }

    @Test
    void mixedTextAndImageInputsInOneRequest() {
        EmbeddingRequest request = EmbeddingRequest.builder().inputs(List.of(
                EmbeddingInput.from(TextContent.from("yellow skirt")),
                EmbeddingInput.from(testImage("black shoe")))).build();

        List<Embedding> embeddings = model.embed(request).embeddings();

        assertThat(embeddings.get(0).vector()).containsExactly(encoder.encode(Content.text("yellow skirt")));
        assertThat(embeddings.get(1).vector()).containsExactly(encoder.encode(KeywordTestEncoder.image("black shoe")));
    }

    @Test
    void imagesGivenByDataUrlOrFileUrlAreRead(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("shoe.img"), KeywordTestEncoder.imageBytes("black shoe"));
        URI dataUrl = URI.create("data:image/x-test;base64,"
                + Base64.getEncoder().encodeToString(KeywordTestEncoder.imageBytes("black shoe")));
        float[] expected = encoder.encode(KeywordTestEncoder.image("black shoe"));

        assertThat(model.embed(imageRequest(ImageContent.from(dataUrl))).embeddings().get(0).vector())
                .containsExactly(expected);
        assertThat(model.embed(imageRequest(ImageContent.from(file.toUri()))).embeddings().get(0).vector())
                .containsExactly(expected);
    }

    @Test
    void dimensionNameAndContentTypesFollowTheEncoder() {
        EncoderEmbeddingModel textOnly = EncoderEmbeddingModel.of(new KeywordTestEncoder(64, Set.of(Modality.TEXT)));

        assertThat(model.dimension()).isEqualTo(encoder.dimension());
        assertThat(model.modelName()).isEqualTo("keyword-test");
        assertThat(model.supportedContentTypes()).containsExactlyInAnyOrder(
                dev.langchain4j.data.message.ContentType.TEXT, dev.langchain4j.data.message.ContentType.IMAGE);
        assertThat(textOnly.dimension()).isEqualTo(64);
        assertThat(textOnly.supportedContentTypes()).containsExactly(dev.langchain4j.data.message.ContentType.TEXT);
        assertThatThrownBy(() -> textOnly.embed(imageRequest(testImage("red hat"))))
                .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("IMAGE");
    }

    @Test
    void anInputWithSeveralContentsIsRefused() {
        EmbeddingRequest request = EmbeddingRequest.builder().inputs(List.of(EmbeddingInput.from("fine"),
                EmbeddingInput.from(TextContent.from("red hat"), testImage("red hat")))).build();

        assertThatThrownBy(() -> model.embed(request)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("embedding input 1 has 2 contents").hasMessageContaining("exactly one");
    }

    @Test
    void badImageDataIsAClearError() {
        assertThatThrownBy(() -> model.embed(imageRequest(ImageContent.from("not base64 at all!", "image/png"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not valid base64");
        assertThatThrownBy(() -> model.embed(imageRequest(ImageContent.from(URI.create("data:image/png,plain")))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not base64");
        assertThatThrownBy(() -> model.embed(imageRequest(ImageContent.from(
                Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}), "image/png"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a readable image");
    }

    /**
     * The catalogue's product texts go into LangChain4j's InMemoryEmbeddingStore through this model; a query
     * photo (a test image of a red striped t-shirt, whose labelled answer is sku-0002) gets the same best scores
     * as an exhaustive search over the encoder's own vectors, and sku-0002 first.
     */
    @Test
    void feedsALangChain4jEmbeddingStoreAndAnImageQueryFindsTheRightProduct() throws IOException {
        List<TextSegment> segments = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.styleCatalog().resolve("catalog.jsonl"))) {
            Map<String, Object> product = StylePrompts.JSON.readValue(line, new TypeReference<Map<String, Object>>() { });
            segments.add(TextSegment.from(product.get("name") + ". " + product.get("description"),
                    dev.langchain4j.data.document.Metadata.from("id", (String) product.get("id"))));
        }
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        List<Embedding> embeddings = model.embedAll(segments).content();
        store.addAll(embeddings, segments);

        Embedding query = model.embed(imageRequest(testImage("red striped t-shirt"))).embeddings().get(0);
        List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder()
                .queryEmbedding(query).maxResults(5).build()).matches();

        // The store reports relevance (cosine + 1) / 2; the vectors are unit length, so cosine is the dot product.
        double[] storeCosines = matches.stream().mapToDouble(m -> 2 * m.score() - 1).toArray();
        double[] exhaustiveCosines = embeddings.stream().mapToDouble(e -> dot(query.vector(), e.vector()))
                .map(d -> -d).sorted().map(d -> -d).limit(5).toArray();
        assertThat(storeCosines).containsExactly(exhaustiveCosines, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(matches.get(0).embedded().metadata().getString("id")).isEqualTo("sku-0002");
        assertThat(storeCosines[0]).isGreaterThan(storeCosines[1]);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
