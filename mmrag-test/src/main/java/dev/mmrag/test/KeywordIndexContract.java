package dev.mmrag.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.BatchResult;
import dev.mmrag.api.Filter;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.KeywordDocument;
import dev.mmrag.api.KeywordIndex;
import dev.mmrag.api.KeywordSearchRequest;
import dev.mmrag.api.SearchHit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour every {@link KeywordIndex} keeps. An adapter's test extends this class and implements
 * {@link #newIndex()}; the filter cases are the ones {@link VectorStoreContract} runs on vector stores, on the
 * same metadata, so that a filter means the same on both sides of a hybrid query.
 *
 * <p>The texts use plain English words and a product code, which any reasonable analyzer splits the same way;
 * nothing here depends on a particular engine's scores beyond "more matching words rank higher".
 *
 * <p>Thread-safety: a JUnit test class; each test gets a fresh index.
 */
public abstract class KeywordIndexContract {

    private final List<KeywordIndex> created = new ArrayList<>();

    /**
     * Creates an empty index. Writes must be visible to searches when the write call returns.
     *
     * @return a new, empty index, not shared with other tests
     */
    protected abstract KeywordIndex newIndex();

    /** @return a new index that this suite closes after the test */
    protected final KeywordIndex index() {
        KeywordIndex index = newIndex();
        created.add(index);
        return index;
    }

    @AfterEach
    void closeIndexes() {
        for (KeywordIndex index : created) {
            index.close();
        }
        created.clear();
    }

    /**
     * @param id an id
     * @param text the text of its field {@code text}
     * @return a document with that one field and no metadata
     */
    protected static KeywordDocument doc(String id, String text) {
        return new KeywordDocument(id, Map.of("text", text), Map.of());
    }

    /**
     * @param hits hits
     * @return their ids in order
     */
    protected static List<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::id).collect(Collectors.toList());
    }

    private static List<String> search(KeywordIndex index, String text, int topK) {
        return ids(index.search(KeywordSearchRequest.of(text, topK)));
    }

    // ---------------------------------------------------------------- basics

    @Test
    void newIndexIsEmptyAndFindsNothing() {
        KeywordIndex index = index();
        assertThat(index.count()).isZero();
        assertThat(index.metadataKeys()).isEmpty();
        assertThat(index.search(KeywordSearchRequest.of("anything", 5))).isEmpty();
    }

    @Test
    void findsDocumentsByTheirWordsBestFirstAndOnlyThoseThatMatch() {
        KeywordIndex index = index();
        index.upsert(List.of(doc("a", "red striped shirt"), doc("b", "red plain shirt"), doc("c", "blue hat"),
                doc("d", "green scarf")));
        List<SearchHit> hits = index.search(KeywordSearchRequest.of("red striped shirt", 10));
        assertThat(ids(hits)).containsExactly("a", "b");
        assertThat(hits.get(0).score()).isGreaterThan(hits.get(1).score());
        assertThat(hits.get(0).vector()).isNull();
        assertThat(search(index, "hat", 10)).containsExactly("c");
        assertThat(search(index, "umbrella", 10)).isEmpty();
    }

    @Test
    void returnsAtMostTopK() {
        KeywordIndex index = index();
        List<KeywordDocument> docs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            docs.add(doc("id-" + i, "common word number" + i));
        }
        assertThat(index.upsert(docs).hasFailures()).isFalse();
        assertThat(index.count()).isEqualTo(30);
        assertThat(index.search(KeywordSearchRequest.of("common", 7))).hasSize(7);
        assertThat(index.search(KeywordSearchRequest.of("common", 100))).hasSize(30);
    }

    @Test
    void hitsCarryTheDocumentsMetadata() {
        KeywordIndex index = index();
        Map<String, Object> metadata = Map.of("brand", "Harbor & Pine", "price", 19.99, "tags", List.of("a", "b"));
        index.upsert(new KeywordDocument("x", Map.of("text", "linen skirt"), metadata));
        assertThat(index.search(KeywordSearchRequest.of("skirt", 1)).get(0).metadata()).isEqualTo(metadata);
    }

    /**
     * @return the spellings of the product code {@code sku-0042} that must find it; by default any case and
     *     separator, or none ({@code sku-0042}, {@code SKU 0042}, {@code sku0042}, {@code SKU-0042},
     *     {@code Sku_0042}); an index whose analyzer cannot split codes (Elasticsearch without its analysis-common
     *     module) narrows it and says why
     */
    protected List<String> productCodeSpellings() {
        return List.of("sku-0042", "SKU 0042", "sku0042", "SKU-0042", "Sku_0042");
    }

    @Test
    void aProductCodeIsFoundWhateverItsCaseAndSeparators() {
        KeywordIndex index = index();
        index.upsert(List.of(doc("sku-0042", "sku-0042 red hat"), doc("sku-0043", "sku-0043 red hat"),
                doc("sku-0420", "sku-0420 blue hat")));
        for (String spelling : productCodeSpellings()) {
            assertThat(search(index, spelling, 3)).as("query %s", spelling).first().isEqualTo("sku-0042");
        }
    }

    @Test
    void aQueryWithoutSearchableWordsFindsNothing() {
        KeywordIndex index = index();
        index.upsert(doc("a", "red shirt"));
        assertThat(index.search(KeywordSearchRequest.of("&&& -- !!", 5))).isEmpty();
    }

    @Test
    void fieldBoostsWeighFieldsAndNameTheFieldsSearched() {
        KeywordIndex index = index();
        index.upsert(List.of(
                new KeywordDocument("in-name", Map.of("name", "meadowlark", "description", "a coat"), Map.of()),
                new KeywordDocument("in-description", Map.of("name", "coat", "description", "meadowlark"),
                        Map.of())));
        KeywordSearchRequest request = KeywordSearchRequest.of("meadowlark", 5);
        assertThat(ids(index.search(request.withFieldBoosts(Map.of("name", 5.0, "description", 1.0)))))
                .containsExactly("in-name", "in-description");
        assertThat(ids(index.search(request.withFieldBoosts(Map.of("name", 1.0, "description", 5.0)))))
                .containsExactly("in-description", "in-name");
        assertThat(ids(index.search(request.withFieldBoosts(Map.of("description", 1.0)))))
                .containsExactly("in-description");
    }

    // ---------------------------------------------------------------- writes follow the item

    @Test
    void reIndexingWithNewTextReplacesTheOldWords() {
        KeywordIndex index = index();
        index.upsert(new KeywordDocument("a", Map.of("text", "velvet jacket"), Map.of("color", "red")));
        index.upsert(doc("b", "cotton jacket"));
        index.upsert(new KeywordDocument("a", Map.of("text", "linen trousers"), Map.of("color", "blue")));
        assertThat(index.count()).isEqualTo(2);
        assertThat(search(index, "velvet", 5)).isEmpty();
        assertThat(search(index, "jacket", 5)).containsExactly("b");
        List<SearchHit> hits = index.search(KeywordSearchRequest.of("linen", 5));
        assertThat(ids(hits)).containsExactly("a");
        assertThat(hits.get(0).metadata()).isEqualTo(Map.of("color", "blue"));
    }

    @Test
    void lastDocumentForAnIdWithinOneBatchWins() {
        KeywordIndex index = index();
        BatchResult result = index.upsert(List.of(doc("a", "first words"), doc("a", "second words")));
        assertThat(result.hasFailures()).isFalse();
        assertThat(index.count()).isEqualTo(1);
        assertThat(search(index, "first", 5)).isEmpty();
        assertThat(search(index, "second", 5)).containsExactly("a");
    }

    @Test
    void deleteRemovesDocumentsAndIsIdempotent() {
        KeywordIndex index = index();
        index.upsert(List.of(doc("a", "wool sweater"), doc("b", "wool hat")));
        assertThat(index.delete(List.of("a", "unknown"))).isEqualTo(1);
        assertThat(index.delete(List.of("a"))).isZero();
        assertThat(index.count()).isEqualTo(1);
        assertThat(search(index, "wool", 5)).containsExactly("b");
        assertThat(search(index, "sweater", 5)).isEmpty();
        index.upsert(doc("a", "silk sweater"));
        assertThat(search(index, "sweater", 5)).containsExactly("a");
    }

    @Test
    void aNullDocumentFailsAloneAndTheOthersAreIndexed() {
        KeywordIndex index = index();
        List<KeywordDocument> batch = new ArrayList<>();
        batch.add(doc("a", "one"));
        batch.add(null);
        batch.add(doc("b", "two"));
        BatchResult result = index.upsert(batch);
        assertThat(result.failures()).hasSize(1);
        assertThat(result.failures().get(0).index()).isEqualTo(1);
        assertThat(index.count()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- filters (VectorStoreContract's cases)

    /** The vector contract's catalogue: colour, price, size, in-stock flag and tags; every text has "shared". */
    private static List<KeywordDocument> catalogue() {
        List<KeywordDocument> docs = new ArrayList<>();
        for (int i = 0; i < FilterCases.CATALOGUE_SIZE; i++) {
            docs.add(new KeywordDocument("item-" + i, Map.of("text", "shared word" + (i % 7 == 0 ? " shared" : "")),
                    FilterCases.catalogueMetadata(i)));
        }
        return docs;
    }

    private static List<KeywordDocument> awkward() {
        List<Map<String, Object>> metadata = FilterCases.awkwardMetadata();
        Map<String, String> texts = Map.of("text", "shared");
        return List.of(new KeywordDocument("a", texts, metadata.get(0)), new KeywordDocument("b", texts,
                metadata.get(1)), new KeywordDocument("c", texts, metadata.get(2)));
    }

    private void assertFilterMatchesReference(Filter filter) {
        assertFilterMatchesReference(catalogue(), filter);
    }

    private void assertFilterMatchesReference(List<KeywordDocument> docs, Filter filter) {
        KeywordIndex index = index();
        assertThat(index.upsert(docs).hasFailures()).isFalse();
        List<SearchHit> hits = index.search(KeywordSearchRequest.of("shared", 100).withFilter(filter));
        Set<String> expected = docs.stream().filter(d -> filter.matches(d.metadata())).map(KeywordDocument::id)
                .collect(Collectors.toSet());
        assertThat(expected).as("the test data must exercise the filter %s", filter).isNotEmpty();
        assertThat(ids(hits)).as("hits for filter %s", filter).containsExactlyInAnyOrderElementsOf(expected);
        for (int i = 1; i < hits.size(); i++) {
            assertThat(hits.get(i).score()).isLessThanOrEqualTo(hits.get(i - 1).score());
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("dev.mmrag.test.FilterCases#onCatalogue")
    void filtersFollowTheReference(String name, Filter filter) {
        assertFilterMatchesReference(filter);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("dev.mmrag.test.FilterCases#onAwkwardMetadata")
    void filtersOnDottedKeysMixedTypesAndListsFollowTheReference(String name, Filter filter) {
        assertFilterMatchesReference(awkward(), filter);
    }

    @Test
    void metadataRoundTripsWithItsExactTypes() {
        KeywordIndex index = index();
        index.upsert(awkward());
        for (SearchHit hit : index.search(KeywordSearchRequest.of("shared", 10))) {
            Map<String, Object> expected = awkward().stream().filter(d -> d.id().equals(hit.id())).findFirst()
                    .orElseThrow().metadata();
            assertThat(hit.metadata()).isEqualTo(expected);
            hit.metadata().forEach((key, value) -> assertThat(value).as("type of %s.%s", hit.id(), key)
                    .isExactlyInstanceOf(expected.get(key).getClass()));
        }
    }

    @Test
    void metadataKeysAreEveryKeyEverWritten() {
        KeywordIndex index = index();
        index.upsert(awkward());
        index.delete(List.of("a"));
        assertThat(index.metadataKeys()).containsExactlyInAnyOrder("size.eu", "size", "n", "dims");
        assertThat(index.search(KeywordSearchRequest.of("shared", 3).withFilter(Filter.eq("size", "M")))).isEmpty();
    }

    @Test
    void aFilteredSearchOfAnEmptyIndexFindsNothing() {
        KeywordIndex index = index();
        assertThat(index.search(KeywordSearchRequest.of("shared", 5).withFilter(Filter.eq("color", "red"))))
                .isEmpty();
        assertThat(index.search(KeywordSearchRequest.of("shared", 5).withFilter(Filter.ne("color", "red"))))
                .isEmpty();
    }

    @Test
    void filterOnAKeyNoDocumentHasIsRejected() {
        KeywordIndex index = index();
        index.upsert(catalogue());
        assertThatThrownBy(() -> index.search(KeywordSearchRequest.of("shared", 5)
                .withFilter(Filter.eq("colour", "red"))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("colour");
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void concurrentUpsertsAndSearchesFromEightThreadsLoseNothing() throws Exception {
        KeywordIndex index = index();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                String word = "thread" + (char) ('a' + thread); // letters only: an analyzer may split at digits
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        index.upsert(doc("t" + thread + "-" + i, word + " common"));
                        assertThat(index.search(KeywordSearchRequest.of(word, 100)))
                                .hasSize(i + 1);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(index.count()).isEqualTo(400);
        assertThat(index.search(KeywordSearchRequest.of("common", 1000))).hasSize(400);
    }
}
