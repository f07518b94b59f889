package dev.mmrag.store.inmem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.Filter;
import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.test.TestVectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Filtered searches that walk the HNSW graph and widen the walk, compared with {@link ExactVectorStore} on the
 * same 10,000 uniformly random 64-dimensional vectors (cosine; such data is hard for a graph, so a walk does not
 * find everything by luck). Each item has a {@code bucket}, 0 to 49 in turn, unrelated to its vector; filters on 1,
 * 5 and 25 buckets match 2%, 10% and 50% of the items. The store has {@code exactScanFraction(1)} and the default
 * ef of 64, and searches ask for the top 10: a search walks 64 wide, finds about {@code 64 * share} matching items,
 * and walks again, wider, until 64 of the items found match. It scans exactly instead only when the first walk
 * finds no match (for the 2% filter about a quarter of the queries: 0.98^64 = 27%) or the width would reach the
 * whole store. With 4,000 items the 2% filter would match 80 items, and finding 64 of them would take a walk over
 * nearly the whole store, so it would always be scanned; hence 10,000.
 *
 * <p>The store's counters of graph walks and exact scans tell, for each search, which way it went. For each filter
 * the test checks that the share of the 100 searches answered by the graph is at least the stated one (the
 * expected share is about 73% for 2%, and all but about 0.1% for the others), that every one of them widened the
 * walk at least once (the first walk of 64 could only suffice if all 64 items found matched), and that together
 * they found at least 90% of the exact top 10 (about 100% for 2% and 10%, and 96% for 50%, whose walks are the
 * narrowest, in the runs that set these thresholds).
 */
class FilteredGraphWalkTest {

    private static final int N = 10_000;
    private static final int DIM = 64;
    private static final int BUCKETS = 50;
    private static final int QUERIES = 100;
    private static final int K = 10;
    private static final double MIN_RECALL = 0.9;

    private static HnswVectorStore hnsw;
    private static ExactVectorStore exact;
    private static List<float[]> queries;

    @BeforeAll
    static void buildBothStores() {
        List<float[]> vectors = TestVectors.uniform(N + QUERIES, DIM, 7);
        queries = vectors.subList(N, N + QUERIES);
        List<VectorRecord> records = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            records.add(new VectorRecord("item-" + i, vectors.get(i), Map.of("bucket", (long) (i % BUCKETS))));
        }
        hnsw = HnswVectorStore.builder(DIM, Metric.COSINE).exactScanFraction(1).build();
        exact = new ExactVectorStore(DIM, Metric.COSINE);
        hnsw.upsert(records).throwIfFailed();
        exact.upsert(records).throwIfFailed();
    }

    @ParameterizedTest(name = "{0} of 50 buckets: at least {1}% of the searches walk")
    @CsvSource({"1, 50", "5, 95", "25, 95"})
    void filteredSearchesWidenTheirWalkAndFindAtLeast90PercentOfTheExactTop10(int buckets, int minWalkedPercent) {
        List<Object> allowed = new ArrayList<>();
        for (long bucket = 0; bucket < buckets; bucket++) {
            allowed.add(bucket);
        }
        Filter filter = Filter.in("bucket", allowed);
        int walked = 0;
        long found = 0;
        for (float[] query : queries) {
            SearchRequest request = SearchRequest.builder(query, K).filter(filter).build();
            long scansBefore = hnsw.exactScans();
            long walksBefore = hnsw.graphWalks();
            List<SearchHit> hits = hnsw.search(request);
            assertThat(hits).hasSize(K).allSatisfy(hit -> assertThat(filter.matches(hit.metadata())).isTrue());
            if (hnsw.exactScans() > scansBefore) {
                continue;
            }
            walked++;
            assertThat(hnsw.graphWalks() - walksBefore).as("walks of a search answered by the graph").isGreaterThan(1);
            Set<String> expected = exact.search(request).stream().map(SearchHit::id).collect(Collectors.toSet());
            found += hits.stream().map(SearchHit::id).filter(expected::contains).count();
        }

        assertThat(walked).as("searches answered by the graph, of %d", QUERIES)
                .isGreaterThanOrEqualTo(minWalkedPercent * QUERIES / 100);
        assertThat(found / (double) (walked * K)).as("recall@%d of the searches answered by the graph", K)
                .isGreaterThanOrEqualTo(MIN_RECALL);
    }
}
