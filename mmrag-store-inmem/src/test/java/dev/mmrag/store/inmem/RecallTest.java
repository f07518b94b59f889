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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recall@10 of {@link HnswVectorStore} with its default parameters against {@link ExactVectorStore} on the same
 * 20,000 clustered 128-dimensional vectors (cosine), for 200 queries drawn from the same clusters and never stored.
 *
 * <p>Each item has a {@code category} (0 to 9, a tenth of the items each) and a {@code rare} flag (one item in
 * 200). By the store's documented switch (exact scan from a width of 1/16 of 20,000 = 1,250), a filter on one
 * category (width about 64 / 0.1 = 640) and one on half the categories (width about 128) walk the graph, widening;
 * the {@code rare} filter (width about 12,800) scans exactly.
 */
class RecallTest {

    private static final int N = 20_000;
    private static final int DIM = 128;
    private static final int QUERIES = 200;
    private static final int K = 10;

    private static HnswVectorStore hnsw;
    private static ExactVectorStore exact;
    private static List<float[]> queries;

    @BeforeAll
    static void buildBothStores() {
        List<float[]> vectors = TestVectors.clustered(N + QUERIES, DIM, 20, 0.5, 42);
        queries = vectors.subList(N, N + QUERIES);
        List<VectorRecord> records = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            records.add(new VectorRecord("item-" + i, vectors.get(i),
                    Map.of("category", (long) (i % 10), "rare", i % 200 == 0)));
        }
        hnsw = HnswVectorStore.builder(DIM, Metric.COSINE).build();
        exact = new ExactVectorStore(DIM, Metric.COSINE);
        for (int from = 0; from < N; from += 1000) {
            hnsw.upsert(records.subList(from, from + 1000)).throwIfFailed();
            exact.upsert(records.subList(from, from + 1000)).throwIfFailed();
        }
    }

    @Test
    void unfilteredRecallAt10IsAtLeast95Percent() {
        assertThat(recall(null)).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void recallWithAFilterMatchingATenthIsAtLeast95Percent() {
        assertThat(recall(Filter.eq("category", 3))).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void recallWithAFilterMatchingHalfIsAtLeast95Percent() {
        assertThat(recall(Filter.in("category", 0, 2, 4, 6, 8))).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void aSelectiveFilterIsAnsweredExactly() {
        assertThat(recall(Filter.eq("rare", true))).isEqualTo(1.0);
    }

    @Test
    void everyFilteredHitMatchesTheFilterAndTopKIsFilled() {
        Filter filter = Filter.and(Filter.eq("category", 7), Filter.eq("rare", false));
        for (float[] query : queries.subList(0, 20)) {
            List<SearchHit> hits = hnsw.search(SearchRequest.builder(query, K).filter(filter).build());
            assertThat(hits).hasSize(K).allSatisfy(hit -> assertThat(filter.matches(hit.metadata())).isTrue());
        }
    }

    private static double recall(Filter filter) {
        long found = 0;
        for (float[] query : queries) {
            SearchRequest request = SearchRequest.builder(query, K).filter(filter).build();
            Set<String> expected = ids(exact.search(request));
            assertThat(expected).hasSize(K);
            found += ids(hnsw.search(request)).stream().filter(expected::contains).count();
        }
        return found / (double) (QUERIES * K);
    }

    private static Set<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::id).collect(Collectors.toCollection(HashSet::new));
    }
}
