package dev.mmrag.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mmrag.api.BatchResult;
import dev.mmrag.api.Filter;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The behaviour every {@link VectorStore} must have. A store's test class extends this and implements
 * {@link #newStore(int, Metric)}; the suite then checks upsert, delete, get, count, search order and scores,
 * every kind of filter, input validation and concurrent use. A store that holds segmented items (videos)
 * extends {@link SegmentStoreContract} instead, which adds the segment rules.
 *
 * <p>Data sets are small (at most a few hundred vectors), so an approximate store is expected to return the
 * exact answer here; its recall on large data sets is for its own tests.
 *
 * <p>Scores are compared with {@link Metric#score(float[], float[])} within {@link #scoreTolerance()}.
 *
 * <p>Thread-safety: a JUnit test class; each test gets a fresh store.
 */
public abstract class VectorStoreContract {

    /** The dimension of the vectors most tests use. */
    protected static final int DIM = 8;

    private final List<VectorStore> created = new ArrayList<>();

    /**
     * Creates an empty store. Writes must be visible to reads when the write call returns.
     *
     * @param dimension the vector dimension
     * @param metric the metric
     * @return a new, empty store, not shared with other tests
     */
    protected abstract VectorStore newStore(int dimension, Metric metric);

    /** @return the largest difference allowed between a hit's score and the reference score */
    protected double scoreTolerance() {
        return 1e-4;
    }

    /**
     * @return the metrics the store offers (default: all); {@link #newStore(int, Metric)} must refuse every other
     *     metric with an {@link InvalidInputException} naming it, which the suite checks
     */
    protected Set<Metric> metrics() {
        return java.util.EnumSet.allOf(Metric.class);
    }

    /** @return how many items each of the 8 threads writes in the concurrency test */
    protected int itemsPerThread() {
        return 200;
    }

    protected VectorStore store(int dimension, Metric metric) {
        VectorStore store = newStore(dimension, metric);
        created.add(store);
        return store;
    }

    protected VectorStore store() {
        return store(DIM, Metric.COSINE);
    }

    @AfterEach
    void closeStores() {
        for (VectorStore store : created) {
            store.close();
        }
        created.clear();
    }

    // ---------------------------------------------------------------- basics

    @Test
    void newStoreIsEmptyAndReportsItsShape() {
        Metric metric = metrics().contains(Metric.EUCLIDEAN) ? Metric.EUCLIDEAN : metrics().iterator().next();
        VectorStore store = store(DIM, metric);
        assertThat(store.dimension()).isEqualTo(DIM);
        assertThat(store.metric()).isEqualTo(metric);
        assertThat(store.count()).isZero();
        assertThat(store.search(SearchRequest.of(vector(1), 5))).isEmpty();
        assertThat(store.get("nothing")).isEmpty();
    }

    @Test
    void upsertedRecordIsReturnedByGetWithItsVectorAndMetadata() {
        VectorStore store = store();
        Map<String, Object> metadata = Map.of("name", "Red Hat", "price", 19.99, "stock", 3L, "sale", true,
                "tags", List.of("hat", "red"));
        VectorRecord record = new VectorRecord("sku-1", vector(1), metadata);
        assertThat(store.upsert(List.of(record)).hasFailures()).isFalse();

        VectorRecord stored = store.get("sku-1").orElseThrow();
        assertThat(stored.vector()).containsExactly(vector(1), within(1e-6f));
        assertThat(stored.metadata()).isEqualTo(metadata);
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void upsertReplacesTheRecordOfAnExistingId() {
        VectorStore store = store();
        store.upsert(new VectorRecord("a", vector(1), Map.of("v", 1L)));
        store.upsert(new VectorRecord("b", vector(2), Map.of("v", 2L)));
        store.upsert(new VectorRecord("a", vector(3), Map.of("v", 3L)));

        assertThat(store.count()).isEqualTo(2);
        assertThat(store.get("a").orElseThrow().metadata()).containsEntry("v", 3L);
        assertThat(store.get("a").orElseThrow().vector()).containsExactly(vector(3), within(1e-6f));
        List<SearchHit> hits = store.search(SearchRequest.of(vector(3), 1));
        assertThat(hits).extracting(SearchHit::id).containsExactly("a");
        assertThat(hits.get(0).score()).isCloseTo(1.0, within(scoreTolerance()));
    }

    @Test
    void lastRecordForAnIdWithinOneBatchWins() {
        VectorStore store = store();
        BatchResult result = store.upsert(List.of(
                new VectorRecord("a", vector(1), Map.of("v", 1L)),
                new VectorRecord("a", vector(2), Map.of("v", 2L))));
        assertThat(result.hasFailures()).isFalse();
        assertThat(store.count()).isEqualTo(1);
        assertThat(store.get("a").orElseThrow().metadata()).containsEntry("v", 2L);
    }

    @Test
    void deleteRemovesRecordsAndIsIdempotent() {
        VectorStore store = store();
        store.upsert(records(10));
        assertThat(store.delete(List.of("id-3", "id-4"))).isEqualTo(2);
        assertThat(store.delete(List.of("id-3", "id-4", "never-stored"))).isZero();
        assertThat(store.count()).isEqualTo(8);
        assertThat(store.get("id-3")).isEmpty();
        List<SearchHit> all = store.search(SearchRequest.of(vector(3), 10));
        assertThat(all).extracting(SearchHit::id).doesNotContain("id-3", "id-4").hasSize(8);
    }

    @Test
    void deletedIdCanBeStoredAgain() {
        VectorStore store = store();
        store.upsert(records(5));
        store.delete(List.of("id-2"));
        store.upsert(new VectorRecord("id-2", vector(99), Map.of("again", true)));
        assertThat(store.count()).isEqualTo(5);
        assertThat(store.get("id-2").orElseThrow().metadata()).containsEntry("again", true);
        assertThat(store.search(SearchRequest.of(vector(99), 1))).extracting(SearchHit::id).containsExactly("id-2");
    }

    // ---------------------------------------------------------------- search

    @ParameterizedTest
    @EnumSource(Metric.class)
    void searchReturnsTheExactTopKBestFirstWithReferenceScores(Metric metric) {
        if (!metrics().contains(metric)) {
            assertThatThrownBy(() -> store(DIM, metric)).as("a store without %s refuses it", metric)
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining(metric.name());
            return;
        }
        VectorStore store = store(DIM, metric);
        List<VectorRecord> records = records(100);
        store.upsert(records);
        for (int q = 0; q < 5; q++) {
            float[] query = vector(1000 + q);
            List<SearchHit> hits = store.search(SearchRequest.of(query, 10));
            List<String> expected = exactTop(records, query, metric, 10, r -> true);
            assertThat(hits).extracting(SearchHit::id).containsExactlyElementsOf(expected);
            for (int i = 0; i < hits.size(); i++) {
                SearchHit hit = hits.get(i);
                double reference = metric.score(query, byId(records, hit.id()).vector());
                assertThat(hit.score()).as("score of %s", hit.id()).isCloseTo(reference, within(scoreTolerance()));
                if (i > 0) {
                    assertThat(hit.score()).isLessThanOrEqualTo(hits.get(i - 1).score());
                }
            }
        }
    }

    @Test
    void searchReturnsAtMostTopKAndAllWhenFewer() {
        VectorStore store = store();
        store.upsert(records(7));
        assertThat(store.search(SearchRequest.of(vector(1), 3))).hasSize(3);
        assertThat(store.search(SearchRequest.of(vector(1), 50))).hasSize(7);
    }

    @Test
    void minScoreDropsWeakerHits() {
        VectorStore store = store();
        List<VectorRecord> records = records(60);
        store.upsert(records);
        float[] query = vector(500);
        List<SearchHit> all = store.search(SearchRequest.of(query, 60));
        double threshold = all.get(9).score();
        List<SearchHit> strong = store.search(SearchRequest.builder(query, 60).minScore(threshold).build());
        assertThat(strong).allSatisfy(h -> assertThat(h.score()).isGreaterThanOrEqualTo(threshold - scoreTolerance()));
        assertThat(strong.size()).isBetween(9, 11);
    }

    @Test
    void hitsCarryVectorsOnlyWhenAsked() {
        VectorStore store = store();
        store.upsert(records(5));
        assertThat(store.search(SearchRequest.of(vector(1), 1)).get(0).vector()).isNull();
        SearchHit hit = store.search(SearchRequest.builder(vector(1), 1).includeVectors(true).build()).get(0);
        assertThat(hit.vector()).containsExactly(store.get(hit.id()).orElseThrow().vector(), within(1e-6f));
    }

    // ---------------------------------------------------------------- filters

    /** Items with colour, size, price, in-stock flag and tags, the data every filter test runs on. */
    private List<VectorRecord> catalogue() {
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < FilterCases.CATALOGUE_SIZE; i++) {
            records.add(new VectorRecord("item-" + i, vector(i), FilterCases.catalogueMetadata(i)));
        }
        return records;
    }

    private void assertFilterMatchesReference(Filter filter) {
        assertFilterMatchesReference(catalogue(), filter);
    }

    private void assertFilterMatchesReference(List<VectorRecord> records, Filter filter) {
        VectorStore store = store();
        assertThat(store.upsert(records).hasFailures()).isFalse();
        float[] query = vector(777);
        List<SearchHit> hits = store.search(SearchRequest.builder(query, 100).filter(filter).build());
        List<String> expected = exactTop(records, query, Metric.COSINE, 100, r -> filter.matches(r.metadata()));
        assertThat(expected).as("the test data must exercise the filter %s", filter).isNotEmpty();
        assertThat(hits).as("hits for filter %s", filter).extracting(SearchHit::id)
                .containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("dev.mmrag.test.FilterCases#onCatalogue")
    void filtersFollowTheReference(String name, Filter filter) {
        assertFilterMatchesReference(filter);
    }

    /** Awkward metadata: dotted keys, a key holding different types, big longs, lists of numbers. */
    private static List<VectorRecord> awkward() {
        List<Map<String, Object>> metadata = FilterCases.awkwardMetadata();
        return List.of(new VectorRecord("a", vector(1), metadata.get(0)),
                new VectorRecord("b", vector(2), metadata.get(1)), new VectorRecord("c", vector(3), metadata.get(2)));
    }

    @Test
    void metadataRoundTripsWithItsExactTypes() {
        VectorStore store = store();
        List<VectorRecord> records = awkward();
        store.upsert(records);
        for (VectorRecord record : records) {
            Map<String, Object> stored = store.get(record.id()).orElseThrow().metadata();
            assertThat(stored).as("metadata of %s", record.id()).isEqualTo(record.metadata());
            stored.forEach((key, value) -> assertThat(value).as("type of %s.%s", record.id(), key)
                    .isExactlyInstanceOf(record.metadata().get(key).getClass()));
        }
        List<SearchHit> hits = store.search(SearchRequest.of(vector(1), 3));
        assertThat(hits).allSatisfy(h -> assertThat(h.metadata()).isEqualTo(byId(records, h.id()).metadata()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("dev.mmrag.test.FilterCases#onAwkwardMetadata")
    void filtersOnDottedKeysMixedTypesAndListsFollowTheReference(String name, Filter filter) {
        assertFilterMatchesReference(awkward(), filter);
    }

    @Test
    void metadataKeysAreEveryKeyEverWritten() {
        VectorStore store = store();
        assertThat(store.metadataKeys()).isEmpty();
        store.upsert(awkward());
        store.delete(List.of("a"));
        assertThat(store.metadataKeys()).containsExactlyInAnyOrder("size.eu", "size", "n", "dims");
        assertThat(store.search(SearchRequest.builder(vector(1), 3).filter(Filter.eq("size", "M")).build())).isEmpty();
    }

    @Test
    void aFilteredSearchOfAnEmptyStoreFindsNothing() {
        VectorStore store = store();
        assertThat(store.search(SearchRequest.builder(vector(1), 5).filter(Filter.eq("color", "red")).build()))
                .isEmpty();
        assertThat(store.search(SearchRequest.builder(vector(1), 5).filter(Filter.ne("color", "red")).build()))
                .isEmpty();
    }

    @Test
    void filterOnAKeyNoItemHasIsRejected() {
        VectorStore store = store();
        store.upsert(catalogue());
        assertThatThrownBy(() -> store.search(SearchRequest.builder(vector(1), 5)
                .filter(Filter.eq("colour", "red")).build()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("colour");
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void recordOfTheWrongDimensionFailsAloneAndTheOthersAreStored() {
        VectorStore store = store();
        BatchResult result = store.upsert(List.of(
                VectorRecord.of("ok-1", vector(1)),
                VectorRecord.of("short", new float[] {1, 2, 3}),
                VectorRecord.of("ok-2", vector(2))));
        assertThat(result.succeeded()).isEqualTo(2);
        assertThat(result.failures()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("short");
            assertThat(f.index()).isEqualTo(1);
            assertThat(f.message()).contains("dimension 3").contains("expected " + DIM);
        });
        assertThat(store.count()).isEqualTo(2);
        assertThat(store.get("short")).isEmpty();
    }

    @Test
    void singleUpsertOfTheWrongDimensionThrowsAndKeepsWhatWasStored() {
        VectorStore store = store();
        store.upsert(records(3));
        assertThatThrownBy(() -> store.upsert(VectorRecord.of("id-1", new float[DIM + 1])))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dimension " + (DIM + 1));
        assertThat(store.count()).isEqualTo(3);
        assertThat(store.get("id-1").orElseThrow().vector()).containsExactly(vector(1), within(1e-6f));
    }

    @Test
    void zeroVectorIsRejectedUnderCosine() {
        VectorStore store = store(DIM, Metric.COSINE);
        assertThatThrownBy(() -> store.upsert(VectorRecord.of("zero", new float[DIM])))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("zero");
    }

    @Test
    void nanIsRejectedInRecordsAndQueries() {
        VectorStore store = store();
        store.upsert(records(3));
        float[] withNan = vector(1);
        withNan[2] = Float.NaN;
        assertThatThrownBy(() -> VectorRecord.of("nan", withNan))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> store.search(SearchRequest.of(withNan, 3)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("NaN").hasMessageContaining("index 2");
        assertThat(store.count()).isEqualTo(3);
    }

    @Test
    void queryOfTheWrongDimensionIsRejected() {
        VectorStore store = store();
        store.upsert(records(3));
        assertThatThrownBy(() -> store.search(SearchRequest.of(new float[] {1, 2}, 3)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dimension 2").hasMessageContaining("expected " + DIM);
    }

    /**
     * Text holding a lone UTF-16 surrogate cannot be encoded in UTF-8 (it became {@code ?}: two such ids collapsed
     * into one, {@code sku-\uD800} became {@code sku-?}): ids, metadata values, list elements and filter values
     * holding one are refused up front, naming the index, and nothing is stored; well-formed text with
     * supplementary characters (surrogate pairs) round-trips, and ids that differ only in them stay apart.
     */
    @Test
    void illFormedUnicodeIsRefusedAndSupplementaryCharactersRoundTrip() {
        VectorStore store = store();
        for (String id : List.of("sku-\uD800", "sku-\uDC00", "\uDC00\uD800", "sku-\uD83D")) {
            assertThatThrownBy(() -> VectorRecord.of(id, vector(1))).as("id %s", id.codePoints().boxed().toList())
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("id is not well-formed Unicode");
            assertThatThrownBy(() -> store.get(id)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.delete(List.of(id))).isInstanceOf(InvalidInputException.class);
        }
        assertThatThrownBy(() -> VectorRecord.of("sku-\uD800", vector(1))).hasMessageContaining("\\uD800 at index 4");
        assertThatThrownBy(() -> new VectorRecord("a", vector(1), Map.of("name", "x\uDFFF")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("metadata key 'name' has a string that is not well-formed Unicode");
        assertThatThrownBy(() -> new VectorRecord("a", vector(1), Map.of("tags", List.of("ok", "\uD83D"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("metadata key 'tags'");
        assertThatThrownBy(() -> Filter.eq("name", "\uD800")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the filter on metadata key 'name'");
        assertThat(store.count()).isZero();

        String smile = "sku-\uD83D\uDE00";
        String grin = "sku-\uD83D\uDE01";
        VectorRecord first = new VectorRecord(smile, vector(1), Map.of("name", "smile \uD83D\uDE00", "tags",
                List.of("\uD834\uDD1E")));
        VectorRecord second = new VectorRecord(grin, vector(2), Map.of("name", "grin \uD83D\uDE01"));
        assertThat(store.upsert(List.of(first, second)).hasFailures()).isFalse();
        assertThat(store.count()).isEqualTo(2);
        assertThat(store.get(smile).orElseThrow().metadata()).isEqualTo(first.metadata());
        assertThat(store.get(grin).orElseThrow().metadata()).isEqualTo(second.metadata());
        List<SearchHit> hits = store.search(SearchRequest.builder(vector(2), 5)
                .filter(Filter.eq("name", "smile \uD83D\uDE00")).build());
        assertThat(hits).extracting(SearchHit::id).containsExactly(smile);
    }

    @Test
    void blankIdsAreRejected() {
        VectorStore store = store();
        assertThatThrownBy(() -> VectorRecord.of(" ", vector(1))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> store.get("")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.delete(List.of(""))).isInstanceOf(InvalidInputException.class);
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void concurrentUpsertsAndSearchesFromEightThreadsLoseNothing() throws Exception {
        VectorStore store = store();
        int threads = 8;
        int perThread = itemsPerThread();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            String id = "t" + thread + "-" + i;
                            store.upsert(new VectorRecord(id, vector(thread * 100_000 + i), Map.of("thread", (long) thread)));
                            List<SearchHit> hits = store.search(SearchRequest.builder(vector(i), 5)
                                    .filter(Filter.eq("thread", thread)).build());
                            assertThat(hits).allSatisfy(h -> assertThat(h.metadata()).containsEntry("thread", (long) thread));
                            assertThat(hits).isNotEmpty();
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(errors).isEmpty();
        assertThat(store.count()).isEqualTo((long) threads * perThread);
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                assertThat(store.get("t" + t + "-" + i)).as("item t%d-%d", t, i).isPresent();
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * @param seed a seed
     * @return a reproducible vector of dimension {@link #DIM} with components in [-1, 1)
     */
    protected static float[] vector(long seed) {
        return TestVectors.uniform(1, DIM, seed).get(0);
    }

    /**
     * @param n how many
     * @return records {@code id-0 ... id-(n-1)} with vectors {@code vector(i)} and metadata {@code n: i}
     */
    protected static List<VectorRecord> records(int n) {
        List<VectorRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(new VectorRecord("id-" + i, vector(i), Map.of("n", (long) i)));
        }
        return records;
    }

    protected static VectorRecord byId(List<VectorRecord> records, String id) {
        return records.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    private static List<String> exactTop(List<VectorRecord> records, float[] query, Metric metric, int k,
            java.util.function.Predicate<VectorRecord> keep) {
        return records.stream().filter(keep)
                .sorted(Comparator.comparingDouble((VectorRecord r) -> metric.score(query, r.vector())).reversed())
                .limit(k).map(VectorRecord::id).collect(Collectors.toList());
    }

    /** @return ids as a set, for assertions in subclasses */
    protected static Set<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::id).collect(Collectors.toSet());
    }
}
