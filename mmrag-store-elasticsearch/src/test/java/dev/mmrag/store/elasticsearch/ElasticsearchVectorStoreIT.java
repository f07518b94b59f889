package dev.mmrag.store.elasticsearch;

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
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.test.TestVectors;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What {@link ElasticsearchVectorStore} must do beyond the common contract, on a real Elasticsearch node (see
 * {@link TestNode}): translate random filters with exactly {@link Filter#matches}'s meaning on awkward metadata
 * (dotted keys, a key holding different types, whole and floating-point numbers, longs beyond 2^53, lists), return
 * metadata unchanged, refuse indexes that disagree, rescore int8 results exactly, honour the refresh policy, and report
 * the records the cluster rejects one by one.
 */
class ElasticsearchVectorStoreIT {

    private static final int DIM = 16;
    private static final long TWO_POW_53 = 1L << 53;

    private final List<ElasticsearchVectorStore> stores = new ArrayList<>();

    private ElasticsearchVectorStore track(ElasticsearchVectorStore store) {
        stores.add(store);
        return store;
    }

    private ElasticsearchVectorStore newStore(String prefix) {
        return track(TestNode.builder(prefix, DIM, Metric.COSINE).build());
    }

    @AfterEach
    void deleteIndexes() {
        for (ElasticsearchVectorStore store : stores) {
            try {
                store.deleteIndex();
            } catch (RuntimeException e) {
                // Several stores may share one index; it is gone after the first.
            }
            store.close();
        }
        stores.clear();
    }

    // ---------------------------------------------------------------- filters

    /** Metadata that exercises every corner of {@link Filter}'s semantics. */
    private static List<VectorRecord> awkwardCatalogue(int n) {
        Random random = new Random(7);
        List<float[]> vectors = TestVectors.uniform(n, DIM, 11);
        String[] colours = {"red", "blue", "green", "Red"};
        List<Object> mixed = List.of("7", 7L, 7.5, List.of("x", 7L), true, 7.0);
        List<VectorRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (random.nextInt(10) > 0) {
                m.put("color", colours[random.nextInt(colours.length)]);
            }
            m.put("size", List.of("S", "M", "L").get(random.nextInt(3)));
            m.put("size.eu", 36L + random.nextInt(11));
            // The same price as a whole number for some items and as a floating-point number for others.
            int cents = 1000 + random.nextInt(40) * 50;
            m.put("price", cents % 100 == 0 && random.nextBoolean() ? (Object) (long) (cents / 100) : cents / 100.0);
            if (random.nextInt(4) > 0) {
                List<String> tags = new ArrayList<>();
                for (String tag : List.of("sale", "new", "eco")) {
                    if (random.nextBoolean()) {
                        tags.add(tag);
                    }
                }
                m.put("tags", tags);
            }
            m.put("inStock", random.nextBoolean());
            m.put("mixed", mixed.get(random.nextInt(mixed.size())));
            m.put("big", random.nextBoolean() ? TWO_POW_53 : TWO_POW_53 + 1);
            m.put("a", "a" + random.nextInt(3));
            m.put("a.b", (long) random.nextInt(3));
            records.add(new VectorRecord("item-" + i, vectors.get(i), m));
        }
        return records;
    }

    /** Values each key is compared with: the stored ones and some of other types. */
    private static final Map<String, List<Object>> VALUES = Map.of(
            "color", List.of("red", "blue", "green", "Red", "RED", 3L),
            "size", List.of("S", "M", "L", 1L),
            "size.eu", List.of(36L, 40L, 41.0, 46L, 40.5, "40"),
            "price", List.of(10L, 12.5, 15.0, 20L, 29.5, "15"),
            "tags", List.of("sale", "new", "eco", "none"),
            "inStock", List.of(true, false, "true"),
            "mixed", List.of("7", 7L, 7.0, 7.5, "x", true, 8L),
            "big", List.of(TWO_POW_53, TWO_POW_53 + 1, (double) TWO_POW_53, 1.0e20),
            "a", List.of("a0", "a1", "a2"),
            "a.b", List.of(0L, 1L, 2L, 1.0));

    private static Filter randomFilter(Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 8 : 5);
        List<String> keys = new ArrayList<>(new java.util.TreeSet<>(VALUES.keySet()));
        String key = keys.get(random.nextInt(keys.size()));
        List<Object> values = VALUES.get(key);
        Object value = values.get(random.nextInt(values.size()));
        double bound = 5 + random.nextInt(45);
        switch (kind) {
            case 0:
                return Filter.eq(key, value);
            case 1:
                return Filter.ne(key, value);
            case 2:
                return Filter.in(key, value, values.get(random.nextInt(values.size())));
            case 3:
                return List.of(Filter.gt(key, bound), Filter.gte(key, bound), Filter.lt(key, bound),
                        Filter.lte(key, bound)).get(random.nextInt(4));
            case 4:
                return Filter.between(key, bound, bound + random.nextInt(20));
            case 5:
                return Filter.and(randomFilter(random, depth - 1), randomFilter(random, depth - 1));
            case 6:
                return Filter.or(randomFilter(random, depth - 1), randomFilter(random, depth - 1));
            default:
                return Filter.not(randomFilter(random, depth - 1));
        }
    }

    @Test
    void randomFiltersSelectExactlyTheItemsFilterMatchesSelects() {
        List<VectorRecord> records = awkwardCatalogue(400);
        ElasticsearchVectorStore store = newStore("filters");
        assertThat(store.upsert(records).hasFailures()).isFalse();
        ExactVectorStore reference = new ExactVectorStore(DIM, Metric.COSINE);
        reference.upsert(records);

        Random random = new Random(42);
        int selective = 0;
        for (int f = 0; f < 400; f++) {
            Filter filter = randomFilter(random, 3);
            float[] query = TestVectors.uniform(1, DIM, 1000 + f).get(0);
            SearchRequest request = SearchRequest.builder(query, records.size()).filter(filter).build();
            List<String> expected = reference.search(request).stream().map(SearchHit::id).collect(Collectors.toList());
            assertThat(store.search(request)).as("filter %s", filter).extracting(SearchHit::id)
                    .containsExactlyElementsOf(expected);
            if (!expected.isEmpty() && expected.size() < records.size()) {
                selective++;
            }
        }
        assertThat(selective).as("filters that select some but not all items").isGreaterThanOrEqualTo(150);
    }

    @Test
    void edgeCasesOfNumbersAndListsFilterAsFilterMatchesSays() {
        List<VectorRecord> records = awkwardCatalogue(400);
        ElasticsearchVectorStore store = newStore("edges");
        store.upsert(records);
        List<Filter> filters = List.of(
                Filter.eq("price", 20), Filter.eq("price", 20.0), // a whole number equals a floating-point one
                Filter.eq("big", TWO_POW_53 + 1), // exact for longs beyond 2^53 ...
                Filter.eq("big", (double) TWO_POW_53), // ... but by double value against a double
                Filter.eq("mixed", 7), Filter.eq("mixed", "7"), Filter.eq("mixed", true), Filter.eq("mixed", "x"),
                Filter.gte("mixed", 7), Filter.ne("mixed", 7), Filter.ne("tags", "sale"), Filter.eq("tags", "eco"),
                Filter.eq("a", "a1"), Filter.eq("a.b", 1), Filter.eq("size.eu", 40), Filter.between("size.eu", 40, 42),
                Filter.eq("color", "Red"), Filter.in("color", "red", 3), Filter.gt("color", 0));
        for (Filter filter : filters) {
            List<String> expected = records.stream().filter(r -> filter.matches(r.metadata())).map(VectorRecord::id)
                    .sorted().collect(Collectors.toList());
            List<String> actual = store.search(SearchRequest.builder(records.get(0).vector(), records.size())
                    .filter(filter).build()).stream().map(SearchHit::id).sorted().collect(Collectors.toList());
            assertThat(actual).as("filter %s", filter).isEqualTo(expected);
        }
    }

    @Test
    void aFilterOnAStringLongerThanElasticsearchIndexesIsRejected() {
        ElasticsearchVectorStore store = newStore("long-strings");
        String indexable = "x".repeat(Documents.MAX_INDEXED_STRING);
        store.upsert(new VectorRecord("a", vector(1), Map.of("text", indexable)));
        assertThat(store.search(SearchRequest.builder(vector(1), 5).filter(Filter.eq("text", indexable)).build()))
                .extracting(SearchHit::id).containsExactly("a");
        assertThatThrownBy(() -> store.search(SearchRequest.builder(vector(1), 5)
                .filter(Filter.eq("text", indexable + "x")).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("8192 characters");
    }

    // ---------------------------------------------------------------- metadata

    @Test
    void metadataReadBackEqualsWhatWasWritten() {
        ElasticsearchVectorStore store = newStore("metadata");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("whole", 2L);
        metadata.put("floating", 2.0);
        metadata.put("tiny", 1.0e-300);
        metadata.put("huge", 1.0e300);
        metadata.put("wholeDouble", 12_345_678.0); // printed 1.2345678E7, as Elasticsearch filters the source
        metadata.put("wholeDoubles", List.of(1.0e7, 123_456_789_012_345.0, -12_345_678.0));
        metadata.put("maxLong", Long.MAX_VALUE);
        metadata.put("minLong", Long.MIN_VALUE);
        metadata.put("unicode", "Schöne Grüße 日本 \uD83D\uDC52 \"quoted\" \\ back");
        metadata.put("long.text", "y".repeat(20_000));
        metadata.put("mixed.list", List.of("a", 1L, 1.5, true));
        metadata.put("empty", List.of());
        metadata.put("a", "object-path clash");
        metadata.put("a.b.c", false);
        VectorRecord record = new VectorRecord("sku-ü", vector(3), metadata);
        store.upsert(record);

        assertThat(store.get("sku-ü")).hasValue(record);
        SearchHit hit = store.search(SearchRequest.of(vector(3), 1)).get(0);
        assertThat(hit.metadata()).isEqualTo(metadata);
        assertThat(hit.metadata().get("whole")).isInstanceOf(Long.class);
        assertThat(hit.metadata().get("floating")).isInstanceOf(Double.class);
        assertThat(hit.metadata().get("wholeDouble")).isInstanceOf(Double.class);
        assertThat(store.metadataKeys()).containsExactlyInAnyOrderElementsOf(metadata.keySet());
    }

    @Test
    void metadataKeysIncludeKeysOfDeletedItems() {
        ElasticsearchVectorStore store = newStore("keys");
        store.upsert(new VectorRecord("a", vector(1), Map.of("gone.soon", 1L, "stays", "x")));
        store.delete(List.of("a"));
        assertThat(store.count()).isZero();
        assertThat(store.metadataKeys()).containsExactlyInAnyOrder("gone.soon", "stays");
        assertThat(store.search(SearchRequest.builder(vector(1), 3).filter(Filter.eq("gone.soon", 1)).build()))
                .isEmpty();
    }

    // ---------------------------------------------------------------- the index

    @Test
    void anotherStoreOnTheSameIndexSeesItsRecordsAndKeys() {
        ElasticsearchVectorStore first = newStore("shared");
        first.upsert(new VectorRecord("a", vector(1), Map.of("color", "red")));
        ElasticsearchVectorStore second = track(ElasticsearchVectorStore.builder(first.index(), DIM)
                .hosts(TestNode.url()).refreshPolicy(RefreshPolicy.IMMEDIATE).build());
        assertThat(second.count()).isEqualTo(1);
        assertThat(second.search(SearchRequest.builder(vector(1), 3).filter(Filter.eq("color", "red")).build()))
                .extracting(SearchHit::id).containsExactly("a");

        // A key the first store has never seen, written by the second: the first learns it from the mapping.
        second.upsert(new VectorRecord("b", vector(2), Map.of("season", "winter")));
        assertThat(first.search(SearchRequest.builder(vector(2), 3).filter(Filter.eq("season", "winter")).build()))
                .extracting(SearchHit::id).containsExactly("b");
    }

    @Test
    void anExistingIndexOfAnotherDimensionOrMetricIsRefused() {
        ElasticsearchVectorStore store = newStore("shape");
        store.upsert(VectorRecord.of("a", vector(1)));
        assertThatThrownBy(() -> ElasticsearchVectorStore.builder(store.index(), DIM + 1).hosts(TestNode.url()).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dimension " + DIM).hasMessageContaining("dimension " + (DIM + 1));
        assertThatThrownBy(() -> ElasticsearchVectorStore.builder(store.index(), DIM).hosts(TestNode.url())
                .metric(Metric.DOT_PRODUCT).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'cosine'").hasMessageContaining("max_inner_product");
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void anIndexMmragDidNotCreateIsRefused() throws Exception {
        String index = TestNode.uniqueIndex("foreign");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(TestNode.url() + "/" + index))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"mappings\":{\"properties\":{\"title\":{\"type\":\"text\"}}}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(200);
        try {
            assertThatThrownBy(() -> ElasticsearchVectorStore.builder(index, DIM).hosts(TestNode.url()).build())
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining(index).hasMessageContaining("not created by ElasticsearchVectorStore");
        } finally {
            http.send(HttpRequest.newBuilder(URI.create(TestNode.url() + "/" + index)).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    // ---------------------------------------------------------------- int8 and refresh policies

    @Test
    void int8IndexScoresHitsExactlyAsTheMetricDefines() {
        for (Metric metric : Metric.values()) {
            ElasticsearchVectorStore writer = track(TestNode.builder("int8", DIM, metric)
                    .indexType(VectorIndexType.INT8_HNSW).build());
            List<VectorRecord> records = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                records.add(new VectorRecord("i" + i, vector(i), Map.of("even", i % 2 == 0)));
            }
            writer.upsert(records);
            // A store opening the index with the default index type follows the index's own (int8).
            ElasticsearchVectorStore store = track(ElasticsearchVectorStore.builder(writer.index(), DIM)
                    .hosts(TestNode.url()).metric(metric).build());
            assertThat(store.toString()).contains("int8_hnsw");
            float[] query = vector(5000);
            List<SearchHit> hits = store.search(SearchRequest.builder(query, 10).filter(Filter.eq("even", true)).build());
            assertThat(hits).hasSize(10);
            for (int i = 0; i < hits.size(); i++) {
                SearchHit hit = hits.get(i);
                assertThat(hit.metadata()).containsEntry("even", true);
                assertThat(hit.vector()).as("vectors only when asked").isNull();
                float[] stored = records.get(Integer.parseInt(hit.id().substring(1))).vector();
                assertThat(hit.score()).as("%s score of %s", metric, hit.id())
                        .isCloseTo(metric.score(query, stored), within(1e-9));
                if (i > 0) {
                    assertThat(hit.score()).isLessThanOrEqualTo(hits.get(i - 1).score());
                }
            }
        }
    }

    @Test
    void withRefreshPolicyNoneGetSeesWritesAtOnceAndSearchAfterRefresh() {
        ElasticsearchVectorStore store = track(ElasticsearchVectorStore.builder(TestNode.uniqueIndex("async"), DIM)
                .hosts(TestNode.url()).replicas(0).refreshPolicy(RefreshPolicy.NONE).build());
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            records.add(VectorRecord.of("r" + i, vector(i)));
        }
        store.upsert(records);
        assertThat(store.get("r7")).hasValue(records.get(7));
        store.refresh();
        assertThat(store.count()).isEqualTo(50);
        assertThat(store.search(SearchRequest.of(vector(7), 1))).extracting(SearchHit::id).containsExactly("r7");
    }

    @Test
    void withRefreshPolicyWaitForWritesAreSearchableWhenTheCallReturns() {
        ElasticsearchVectorStore store = track(ElasticsearchVectorStore.builder(TestNode.uniqueIndex("wait-for"), DIM)
                .hosts(TestNode.url()).replicas(0).build());
        store.upsert(VectorRecord.of("w", vector(9)));
        assertThat(store.search(SearchRequest.of(vector(9), 1))).extracting(SearchHit::id).containsExactly("w");
        assertThat(store.delete(List.of("w"))).isEqualTo(1);
        assertThat(store.search(SearchRequest.of(vector(9), 1))).isEmpty();
    }

    /**
     * A write call of several bulk requests on an index of several shards: Elasticsearch refreshes (or waits for) only
     * the shards a request touched, so the store must make the earlier requests visible too. The index's periodic
     * refresh is turned off, so that only the store's refreshes make writes visible; with batches of 2 records, the
     * last request touches at most 2 of the 4 shards.
     */
    @ParameterizedTest
    @EnumSource(value = RefreshPolicy.class, names = {"IMMEDIATE", "WAIT_FOR"})
    void writesOfSeveralBulkRequestsOnSeveralShardsAreAllVisibleWhenTheCallReturns(RefreshPolicy policy)
            throws Exception {
        ElasticsearchVectorStore store = track(ElasticsearchVectorStore.builder(TestNode.uniqueIndex("shards"), DIM)
                .hosts(TestNode.url()).replicas(0).shards(4).bulkBatchSize(2).refreshPolicy(policy)
                .socketTimeout(Duration.ofSeconds(20)).build());
        HttpResponse<String> settings = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(TestNode.url() + "/" + store.index() + "/_settings"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"index\":{\"refresh_interval\":\"-1\"}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            records.add(VectorRecord.of("s" + i, vector(i)));
        }

        assertThat(store.upsert(records).failures()).isEmpty();
        assertThat(store.count()).isEqualTo(records.size());
        assertThat(store.search(SearchRequest.of(vector(0), 1))).extracting(SearchHit::id).containsExactly("s0");

        List<String> ids = records.stream().map(VectorRecord::id).collect(Collectors.toList());
        assertThat(store.delete(ids)).isEqualTo(records.size());
        assertThat(store.count()).isZero();
        assertThat(store.search(SearchRequest.of(vector(0), 1))).isEmpty();
    }

    // ---------------------------------------------------------------- failures

    @Test
    void aRecordTheClusterRejectsFailsAloneAndTheOthersAreWritten() {
        ElasticsearchVectorStore store = newStore("rejected");
        Map<String, Object> tooManyKeys = new HashMap<>();
        for (int i = 0; i < 1_100; i++) {
            tooManyKeys.put("k" + i, "v");
        }
        BatchResult result = store.upsert(List.of(
                VectorRecord.of("ok-1", vector(1)),
                new VectorRecord("too-many-fields", vector(2), tooManyKeys),
                VectorRecord.of("ok-2", vector(3))));
        assertThat(result.succeeded()).isEqualTo(2);
        assertThat(result.failures()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("too-many-fields");
            assertThat(f.index()).isEqualTo(1);
            assertThat(f.cause()).isInstanceOf(InvalidInputException.class);
            assertThat(f.message()).contains("too-many-fields").contains("Limit of total fields");
        });
        assertThat(store.count()).isEqualTo(2);
        assertThat(store.get("too-many-fields")).isEmpty();
    }

    @Test
    void aHostThatIsDownIsSkipped() {
        ElasticsearchVectorStore store = track(ElasticsearchVectorStore.builder(TestNode.uniqueIndex("dead-host"), DIM)
                .hosts("http://127.0.0.1:9", TestNode.url()).replicas(0).refreshPolicy(RefreshPolicy.IMMEDIATE)
                .build());
        store.upsert(VectorRecord.of("a", vector(1)));
        for (int i = 0; i < 5; i++) {
            assertThat(store.search(SearchRequest.of(vector(1), 1))).extracting(SearchHit::id).containsExactly("a");
        }
    }

    private static float[] vector(long seed) {
        return TestVectors.uniform(1, DIM, seed).get(0);
    }
}
