package dev.mmrag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.Answer;
import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.EncodingException;
import dev.mmrag.api.EncodingListener;
import dev.mmrag.api.Filter;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.IndexingListener;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import dev.mmrag.api.ItemFailure;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Modality;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.TextContent;
import dev.mmrag.api.UnsupportedModalityException;
import dev.mmrag.test.KeywordTestEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline, end to end, with a deterministic keyword encoder (test scope only; it stands in for CLIP
 * by embedding words, see {@link KeywordTestEncoder}) and the exact store.
 */
class MultimodalRagTest {

    private static final String[][] CATALOGUE = {
        {"sku-1", "red plain hat", "hat"},
        {"sku-2", "red striped hat", "hat"},
        {"sku-3", "blue striped hat", "hat"},
        {"sku-4", "blue plain shoe", "shoe"},
        {"sku-5", "green checked dress", "dress"},
        {"sku-6", "yellow dotted bag", "bag"},
    };

    private final KeywordTestEncoder encoder = new KeywordTestEncoder();
    private ExactVectorStore store;
    private MultimodalRag rag;

    @BeforeEach
    void setUp() {
        store = new ExactVectorStore(encoder.dimension(), Metric.COSINE);
        rag = MultimodalRag.builder().encoder(encoder).store(store).batchSize(4).build();
    }

    private static Item product(String[] row) {
        return Item.builder(row[0])
                .text(row[1])
                .content(KeywordTestEncoder.image(row[1]))
                .metadata("name", title(row[1]))
                .metadata("type", row[2])
                .metadata("price", 10.0 + row[0].charAt(4) - '0')
                .metadata("url", "https://shop.example/products/" + row[0])
                .build();
    }

    private static String title(String words) {
        StringBuilder s = new StringBuilder();
        for (String w : words.split(" ")) {
            s.append(s.length() == 0 ? "" : " ").append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
        }
        return s.toString();
    }

    private void indexCatalogue() {
        List<Item> items = new ArrayList<>();
        for (String[] row : CATALOGUE) {
            items.add(product(row));
        }
        assertThat(rag.index(items).hasFailures()).isFalse();
    }

    @Test
    void textQueryAnswersWithTheMatchingProductAsFirstSource() {
        indexCatalogue();
        Answer answer = rag.ask(Query.builder().text("blue shoe").topK(3).build());
        assertThat(answer.sources()).hasSize(3);
        assertThat(answer.sources().get(0).id()).isEqualTo("sku-4");
        assertThat(answer.text()).contains("[1] Blue Plain Shoe - 14.00 - https://shop.example/products/sku-4");
    }

    @Test
    void imageQueryFindsTheProductInThePhoto() {
        indexCatalogue();
        List<Retrieved> found = rag.retrieve(Query.builder().image(KeywordTestEncoder.image("green checked dress"))
                .topK(2).build());
        assertThat(found.get(0).id()).isEqualTo("sku-5");
        assertThat(found.get(0).score()).isGreaterThan(found.get(1).score());
    }

    @Test
    void mixedQueryFusesTextAndImageRankings() {
        indexCatalogue();
        Query query = Query.builder().text("striped").image(KeywordTestEncoder.image("red hat")).topK(3).build();
        Answer answer = rag.ask(query);
        // "striped" alone ranks sku-2 and sku-3 first; the photo of a red hat ranks sku-1 and sku-2 first.
        assertThat(answer.sources().get(0).id()).isEqualTo("sku-2");
        assertThat(answer.text()).startsWith("Best matches for \"striped\" and your photo:");
    }

    @Test
    void filtersAndMinimumScoresApplyToEveryPart() {
        indexCatalogue();
        List<Retrieved> hats = rag.retrieve(Query.builder().text("blue").filter(Filter.eq("type", "hat")).topK(6).build());
        assertThat(hats).extracting(Retrieved::id).containsExactlyInAnyOrder("sku-1", "sku-2", "sku-3");
        assertThat(hats.get(0).id()).isEqualTo("sku-3");

        List<Retrieved> strong = rag.retrieve(Query.builder().text("blue").minScore(0.2).topK(6).build());
        assertThat(strong).extracting(Retrieved::id).containsExactlyInAnyOrder("sku-3", "sku-4");

        assertThatThrownBy(() -> rag.retrieve(Query.builder().text("blue").filter(Filter.eq("colour", "blue")).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'colour'");
    }

    @Test
    void badItemsFailAloneAndEveryOtherItemIsIndexed(@TempDir Path dir) {
        List<Item> items = new ArrayList<>();
        for (String[] row : CATALOGUE) {
            items.add(product(row));
        }
        items.add(2, Item.of("corrupt", ImageContent.of(new byte[] {(byte) 0xFF, (byte) 0xD8, 0, 1}, "image/jpeg")));
        items.add(5, Item.of("missing-file", ImageContent.of(dir.resolve("nope.jpg"))));
        items.add(Item.of("broken-model", KeywordTestEncoder.image("nan-pixels")));
        items.add(null);
        List<String> events = new ArrayList<>();
        IndexingListener listener = new IndexingListener() {
            @Override
            public void onProgress(int done, int total) {
                events.add(done + "/" + total);
            }

            @Override
            public void onFailure(ItemFailure failure) {
                events.add("failed " + failure.id());
            }
        };

        IndexReport report = rag.index(items, listener);

        assertThat(report.total()).isEqualTo(10);
        assertThat(report.indexed()).isEqualTo(6);
        assertThat(report.failures()).extracting(ItemFailure::id)
                .containsExactly("corrupt", "missing-file", "broken-model", null);
        assertThat(report.failures().get(0).message()).contains("in-memory image").contains("not a readable image");
        assertThat(report.failures().get(1).message()).contains("nope.jpg").contains("does not exist");
        assertThat(report.failures().get(2).message()).contains("NaN");
        assertThat(report.failures().get(3).message()).contains("index 9 is null");
        assertThat(events).containsSubsequence("4/10", "8/10", "10/10")
                .contains("failed corrupt", "failed missing-file", "failed broken-model", "failed null");
        assertThat(store.count()).isEqualTo(6);
        assertThat(rag.retrieve(Query.builder().text("yellow bag").topK(1).build()).get(0).id()).isEqualTo("sku-6");
    }

    @Test
    void aStoreRejectionIsReportedPerItem() {
        KeywordTestEncoder textOnly = new KeywordTestEncoder(128, Set.of(Modality.TEXT));
        MultimodalRag textRag = MultimodalRag.builder().encoder(textOnly).store(store).build();
        IndexReport report = textRag.index(List.of(
                Item.of("empty-words", Content.text("!!!")),
                Item.of("photo", KeywordTestEncoder.image("red hat")),
                Item.of("ok", Content.text("red hat"))));
        assertThat(report.indexed()).isEqualTo(1);
        assertThat(report.failures()).extracting(ItemFailure::id).containsExactly("empty-words", "photo");
        assertThat(report.failures().get(0).message()).contains("all zeros");
        assertThat(report.failures().get(1).cause()).isInstanceOf(UnsupportedModalityException.class);
        assertThat(report.failures().get(1).message()).contains("does not embed IMAGE");
        assertThatThrownBy(() -> textRag.retrieve(Query.ofImage(KeywordTestEncoder.image("red hat"))))
                .isInstanceOf(UnsupportedModalityException.class);
    }

    @Test
    void itemsFromFilesCarryTheirImageIntoThePrompt(@TempDir Path dir) throws Exception {
        Path photo = dir.resolve("sku-9.jpg");
        Files.write(photo, KeywordTestEncoder.imageBytes("purple striped skirt"));
        rag.index(List.of(Item.builder("sku-9").image(photo).metadata("name", "Purple Skirt").build()));
        indexCatalogue();

        Query query = Query.ofImage(KeywordTestEncoder.image("purple skirt"));
        Prompt prompt = rag.prompt(query);
        assertThat(prompt.sources().get(0).id()).isEqualTo("sku-9");
        assertThat(prompt.sources().get(0).metadata()).containsEntry(Item.IMAGE_REF_KEY, photo.toString());
        assertThat(prompt.images()).startsWith(query.image(), ImageContent.of(photo));
    }

    @Test
    void aRelativeImagePathIsStoredAbsolute() throws Exception {
        Path relative = Path.of("target", "relative-photo.jpg");
        Files.createDirectories(relative.getParent());
        Files.write(relative, KeywordTestEncoder.imageBytes("grey wool scarf"));
        rag.index(List.of(Item.builder("scarf").image(relative).build()));
        assertThat(store.get("scarf").orElseThrow().metadata())
                .containsEntry(Item.IMAGE_REF_KEY, relative.toAbsolutePath().normalize().toString());
    }

    @Test
    void reindexingAnIdReplacesIt() {
        indexCatalogue();
        rag.index(List.of(Item.builder("sku-1").text("white dotted scarf").metadata("name", "Scarf").build()));
        assertThat(store.count()).isEqualTo(CATALOGUE.length);
        Retrieved first = rag.retrieve(Query.ofText("white scarf")).get(0);
        assertThat(first.id()).isEqualTo("sku-1");
        assertThat(first.metadata()).containsEntry("name", "Scarf").doesNotContainKey("type");
        assertThat(rag.delete(List.of("sku-1", "sku-1", "unknown"))).isEqualTo(1);
        assertThat(store.count()).isEqualTo(CATALOGUE.length - 1);
    }

    @Test
    void streamingDeliversTheSameAnswerText() {
        indexCatalogue();
        StringBuilder streamed = new StringBuilder();
        Answer answer = rag.ask(Query.ofText("red hat"), streamed::append);
        assertThat(streamed.toString()).isEqualTo(answer.text()).contains("Red Plain Hat");
    }

    @Test
    void anIdGivenTwiceIsStoredLastWinsAndNamedInAWarning() {
        Item first = product(CATALOGUE[0]);
        Item second = product(new String[] {"sku-1", "blue plain shoe", "shoe"});
        IndexReport report = rag.index(List.of(first, product(CATALOGUE[1]), second));
        assertThat(report.indexed()).isEqualTo(3);
        assertThat(store.count()).isEqualTo(2);
        assertThat(report.warnings()).containsExactly("item 'sku-1' is given 2 times (at [0, 2]); each replaces the "
                + "one before it, so the store keeps the last one stored");
        assertThat(store.get("sku-1")).hasValueSatisfying(r -> assertThat(r.metadata()).containsEntry("type", "shoe"));
    }

    @Test
    void encoderWarningsAreReportedWithTheirItem() {
        Encoder warning = new KeywordEncoderWithListener() {
            @Override
            public List<float[]> encode(List<? extends Content> contents, EncodingListener listener) {
                for (int i = 0; i < contents.size(); i++) {
                    if (contents.get(i) instanceof TextContent && ((TextContent) contents.get(i)).text().length() > 20) {
                        listener.onWarning(i, contents.get(i), "text truncated");
                    }
                }
                return encode(contents);
            }
        };
        MultimodalRag warned = MultimodalRag.builder().encoder(warning).store(store).build();
        IndexReport report = warned.index(List.of(Item.of("short", Content.text("hat")),
                Item.of("long", Content.text("a very long description of a hat"))));
        assertThat(report.warnings()).containsExactly("item 'long': text truncated");
        assertThat(report.indexed()).isEqualTo(2);
    }

    /**
     * The batch call returns a short vector for B's second content, so the batch is retried item by item; A's own
     * call then fails (after a warning). A must end up failed and not stored, B stored, and nothing of the
     * failed batch call, vector or warning, may survive.
     */
    @Test
    void anItemWhoseRetryFailsIsNotStoredFromTheFailedBatch() {
        List<String> calls = new ArrayList<>();
        Encoder scripted = new KeywordEncoderWithListener() {
            @Override
            public List<float[]> encode(List<? extends Content> contents, EncodingListener listener) {
                List<String> texts = new ArrayList<>();
                contents.forEach(c -> texts.add(((TextContent) c).text()));
                calls.add(String.join("+", texts));
                listener.onWarning(0, contents.get(0), "call " + calls.size());
                if (texts.equals(List.of("red hat"))) {
                    throw new EncodingException("service unavailable (A's retry)");
                }
                List<float[]> vectors = new ArrayList<>(encoder.encode(contents));
                if (calls.size() == 1) {
                    vectors.set(2, new float[dimension() - 1]);
                }
                return vectors;
            }
        };
        MultimodalRag scriptedRag = MultimodalRag.builder().encoder(scripted).store(store).build();
        List<ItemFailure> reported = new ArrayList<>();
        IndexingListener listener = new IndexingListener() {
            @Override
            public void onFailure(ItemFailure failure) {
                reported.add(failure);
            }
        };

        IndexReport report = scriptedRag.index(List.of(Item.of("A", Content.text("red hat")),
                Item.of("B", Content.text("blue shoe"), Content.text("blue plain shoe"))), listener);

        assertThat(calls).containsExactly("red hat+blue shoe+blue plain shoe", "red hat", "blue shoe+blue plain shoe");
        assertThat(report.total()).isEqualTo(2);
        assertThat(report.indexed()).isEqualTo(1);
        assertThat(report.failures()).extracting(ItemFailure::id).containsExactly("A");
        assertThat(report.failures().get(0).message()).contains("A's retry");
        assertThat(reported).isEqualTo(report.failures());
        assertThat(report.warnings()).containsExactly("item 'B': call 3");
        assertThat(store.get("A")).isEmpty();
        assertThat(store.get("B")).isPresent();
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void builderNamesWhatIsMissingOrMismatched() {
        assertThatThrownBy(() -> MultimodalRag.builder().store(store).build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("needs an encoder");
        assertThatThrownBy(() -> MultimodalRag.builder().encoder(encoder).build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("needs a vector store");
        assertThatThrownBy(() -> MultimodalRag.builder().encoder(encoder).store(new ExactVectorStore(64, Metric.COSINE))
                .build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("encoder dimension 128 does not match store dimension 64");
        assertThatThrownBy(() -> MultimodalRag.builder().batchSize(0)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void nullAndEmptyItemsAreRejectedClearly() {
        assertThatThrownBy(() -> rag.index(null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Item.of(null, Content.text("x"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("id must not be null");
        assertThat(rag.index(List.of()).total()).isZero();
    }

    /** The keyword encoder, for tests that override what it does with an {@link EncodingListener}. */
    private abstract class KeywordEncoderWithListener implements Encoder {
        @Override
        public int dimension() {
            return encoder.dimension();
        }

        @Override
        public Set<Modality> modalities() {
            return encoder.modalities();
        }

        @Override
        public List<float[]> encode(List<? extends Content> contents) {
            return encoder.encode(contents);
        }

        @Override
        public abstract List<float[]> encode(List<? extends Content> contents, EncodingListener listener);
    }
}
