package dev.mmrag.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValueTypesTest {

    /** Lone surrogates anywhere (start, end, reversed pair, two highs) are found; pairs are not. */
    @Test
    void loneSurrogatesAreFoundAndPairsAreNot() {
        assertThat(Unicode.loneSurrogateIndex("")).isEqualTo(-1);
        assertThat(Unicode.loneSurrogateIndex("plain \u00e9 \uD83D\uDE00\uD834\uDD1E")).isEqualTo(-1);
        assertThat(Unicode.loneSurrogateIndex("\uD800")).isZero();
        assertThat(Unicode.loneSurrogateIndex("ab\uDC00")).isEqualTo(2);
        assertThat(Unicode.loneSurrogateIndex("a\uDE00\uD83D")).isEqualTo(1);
        assertThat(Unicode.loneSurrogateIndex("\uD83D\uD83D\uDE00")).isZero();
        assertThat(Unicode.loneSurrogateIndex("\uD83D\uDE00\uD83D")).isEqualTo(2);
        assertThatThrownBy(() -> Unicode.requireWellFormed("sku-\uD83D\uDE00-\uD800", "id"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("id is not well-formed Unicode: \"sku-\uD83D\uDE00-\\uD800\" holds a lone UTF-16 surrogate "
                        + "\\uD800 at index 7, which UTF-8 cannot encode");
    }

    @Test
    void metadataIsNormalisedAndCopied() {
        List<Object> tags = new ArrayList<>(List.of("a", 1));
        Map<String, Object> input = new HashMap<>();
        input.put("int", 3);
        input.put("float", 1.5f);
        input.put("big", BigDecimal.valueOf(2.25));
        input.put("bigint", BigInteger.TEN);
        input.put("tags", tags);
        Map<String, Object> metadata = Metadata.copyOf(input);
        tags.add("later");

        assertThat(metadata).containsEntry("int", 3L).containsEntry("float", 1.5).containsEntry("big", 2.25)
                .containsEntry("bigint", 10L).containsEntry("tags", List.of("a", 1L));
        assertThatThrownBy(() -> metadata.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void metadataRejectsWhatStoresCannotHold() {
        assertThatThrownBy(() -> Metadata.copyOf(Map.of("when", new java.util.Date())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'when'").hasMessageContaining("java.util.Date");
        assertThatThrownBy(() -> Metadata.copyOf(Map.of("nested", List.of(List.of(1)))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("metadata key 'nested' has a list element of unsupported type List; expected a String, "
                        + "Boolean or number");
        assertThatThrownBy(() -> Metadata.copyOf(Map.of("score", Double.NaN)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("non-finite");
        assertThatThrownBy(() -> Metadata.copyOf(Map.of("huge", BigInteger.TWO.pow(70))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("64-bit");
        assertThatThrownBy(() -> Metadata.copyOf(Map.of("has space", 1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'has space'");
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("gone", null);
        assertThatThrownBy(() -> Metadata.copyOf(withNull))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'gone'");
    }

    @Test
    void idsMustBeUsableByEveryStore() {
        assertThat(Ids.check("sku-0001")).isEqualTo("sku-0001");
        assertThatThrownBy(() -> Ids.check(null)).isInstanceOf(InvalidInputException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> Ids.check("  ")).isInstanceOf(InvalidInputException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> Ids.check("a\nb")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("control character at index 1");
        assertThatThrownBy(() -> Ids.check("x".repeat(513))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("513 UTF-8 bytes");
        assertThat(Ids.check("é".repeat(256))).hasSize(256);
        assertThatThrownBy(() -> Ids.check("é".repeat(257))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("514 UTF-8 bytes");
    }

    @Test
    void itemNeedsAnIdAndContent() {
        assertThatThrownBy(() -> Item.of(" ", Content.text("hat"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> Item.of("sku-1")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'sku-1' has no content");
        assertThatThrownBy(() -> Item.builder("sku-1").text("hat").metadata("when", new Object()).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> Item.builder("sku-1").text("hat").metadata(Item.IMAGE_REF_KEY, "/etc/passwd").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'mmrag_image', which is reserved");
        Item item = Item.builder("sku-1").text("red hat").image(Path.of("hat.jpg")).metadata("price", 10).build();
        assertThat(item.contents()).hasSize(2);
        assertThat(item.metadata()).containsEntry("price", 10L);
    }

    @Test
    void textContentRejectsBlankText() {
        assertThatThrownBy(() -> Content.text("\t ")).isInstanceOf(InvalidInputException.class).hasMessageContaining("blank");
        assertThat(Content.text("a".repeat(100)).describe()).hasSizeLessThan(80);
    }

    @Test
    void imageContentReadsLazilyAndNamesItsSource(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hat.PNG");
        ImageContent image = ImageContent.of(file);
        assertThat(image.mediaType()).contains("image/png");
        assertThatThrownBy(image::readAllBytes).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("image file " + file).hasMessageContaining("does not exist");
        Files.write(file, new byte[] {1, 2, 3});
        assertThat(image.readAllBytes()).containsExactly(1, 2, 3);
        assertThat(ImageContent.fromReference(image.reference().orElseThrow())).isEqualTo(image);

        byte[] bytes = {9, 8};
        ImageContent inMemory = ImageContent.of(bytes, "image/jpeg");
        bytes[0] = 0;
        assertThat(inMemory.readAllBytes()).containsExactly(9, 8);
        assertThat(inMemory.reference()).isEmpty();
        assertThat(inMemory).isEqualTo(ImageContent.of(new byte[] {9, 8}, "image/jpeg"));
    }

    @Test
    void imageContentRejectsUnsupportedUrlsAndTypes() {
        assertThatThrownBy(() -> ImageContent.of(URI.create("ftp://example.org/a.png"), null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'ftp'");
        assertThatThrownBy(() -> ImageContent.of(new byte[] {1}, "text/html"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("text/html");
        assertThatThrownBy(() -> ImageContent.of(new byte[0], null)).isInstanceOf(InvalidInputException.class);
        ImageContent url = ImageContent.fromReference("https://shop.example/img/1.webp?w=2");
        assertThat(url.url()).contains(URI.create("https://shop.example/img/1.webp?w=2"));
        assertThat(url.mediaType()).contains("image/webp");
    }

    @Test
    void vectorRecordCopiesItsVectorAndRejectsNonFiniteValues() {
        float[] vector = {1, 2};
        VectorRecord record = VectorRecord.of("a", vector);
        vector[0] = 5;
        assertThat(record.vector()).containsExactly(1, 2);
        record.vector()[1] = 7;
        assertThat(record.vector()).containsExactly(1, 2);
        assertThat(record).isEqualTo(VectorRecord.of("a", new float[] {1, 2}));
        assertThatThrownBy(() -> VectorRecord.of("a", new float[] {1, Float.POSITIVE_INFINITY}))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("Infinity at index 1");
    }

    @Test
    void queryNeedsTextOrImageAndAValidTopK() {
        assertThatThrownBy(() -> Query.builder().build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("text, an image, or both");
        assertThatThrownBy(() -> Query.builder().text("hat").topK(0).build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("topK is 0");
        assertThatThrownBy(() -> Query.builder().text(" ").build()).isInstanceOf(InvalidInputException.class);
        Query query = Query.ofText("red hat");
        assertThat(query.topK()).isEqualTo(Query.DEFAULT_TOP_K);
        assertThat(query.withTopK(9).topK()).isEqualTo(9);
    }

    @Test
    void vectorChecksNameTheProblem() {
        assertThatThrownBy(() -> Vectors.check("query", new float[] {0, 0}, 2, Metric.COSINE))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("all zeros");
        Vectors.check("query", new float[] {0, 0}, 2, Metric.EUCLIDEAN);
        assertThatThrownBy(() -> Vectors.check("query", new float[] {1}, 2, Metric.DOT_PRODUCT))
                .isInstanceOf(InvalidInputException.class).hasMessage("query has dimension 1, expected 2");
    }

    @Test
    void metricsScoreHigherForMoreSimilarVectors() {
        float[] a = {1, 0};
        float[] b = {0.8f, 0.6f};
        float[] c = {-1, 0};
        assertThat(Metric.COSINE.score(a, a)).isEqualTo(1.0);
        assertThat(Metric.COSINE.score(a, c)).isEqualTo(-1.0);
        assertThat(Metric.DOT_PRODUCT.score(new float[] {2, 0}, b)).isCloseTo(1.6, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(Metric.EUCLIDEAN.score(a, a)).isEqualTo(1.0);
        assertThat(Metric.EUCLIDEAN.score(a, c)).isEqualTo(1.0 / 5);
        for (Metric metric : Metric.values()) {
            assertThat(metric.score(a, b)).isGreaterThan(metric.score(a, c));
        }
    }

    @Test
    void batchResultThrowsTheRightKindOfException() {
        ItemFailure bad = ItemFailure.of("a", 0, new InvalidInputException("vector of item 'a' has dimension 3, expected 8"));
        assertThatThrownBy(() -> new BatchResult(2, List.of(bad)).throwIfFailed())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("item 'a': vector of item 'a' has dimension 3");
        ItemFailure io = ItemFailure.of("b", 1, new StoreException("disk full"));
        assertThatThrownBy(() -> new BatchResult(2, List.of(bad, io)).throwIfFailed())
                .isInstanceOf(StoreException.class).hasMessageContaining("2 of 2 items failed");
        assertThat(BatchResult.ok(3).throwIfFailed().succeeded()).isEqualTo(3);
    }
}
