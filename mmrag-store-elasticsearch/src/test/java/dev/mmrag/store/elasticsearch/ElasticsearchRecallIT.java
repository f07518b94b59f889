package dev.mmrag.store.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.test.TestVectors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Recall is a tested invariant: on 20,000 vectors of dimension 64 (the bundled CLIP's) in a real Elasticsearch node,
 * the approximate kNN search with the store's default settings ({@code m} 16, {@code ef_construction} 100,
 * {@code num_candidates} 100) finds at least 95% of the exact top 10 that {@link ExactVectorStore} finds, for 200
 * queries, with float and with int8-quantised HNSW. The vectors lie in 50 clusters with much noise around each
 * centre ({@link TestVectors#clustered}), which resembles real embeddings more than uniform noise does.
 */
class ElasticsearchRecallIT {

    private static final int ITEMS = 20_000;
    private static final int QUERIES = 200;
    private static final int DIM = 64;
    private static final int K = 10;

    @ParameterizedTest
    @EnumSource(VectorIndexType.class)
    void recallAtTenIsAtLeastNinetyFivePercentOfExactSearch(VectorIndexType indexType) {
        List<float[]> vectors = TestVectors.clustered(ITEMS + QUERIES, DIM, 50, 1.0, 2024);
        List<VectorRecord> records = new ArrayList<>(ITEMS);
        for (int i = 0; i < ITEMS; i++) {
            records.add(VectorRecord.of("v" + i, vectors.get(i)));
        }
        ExactVectorStore exact = new ExactVectorStore(DIM, Metric.COSINE);
        exact.upsert(records);

        try (ElasticsearchVectorStore store = ElasticsearchVectorStore.builder(TestNode.uniqueIndex("recall"), DIM)
                .hosts(TestNode.url()).replicas(0).indexType(indexType).refreshPolicy(RefreshPolicy.NONE).build()) {
            try {
                assertThat(store.upsert(records).hasFailures()).isFalse();
                store.refresh();
                assertThat(store.count()).isEqualTo(ITEMS);

                int found = 0;
                for (int q = 0; q < QUERIES; q++) {
                    float[] query = vectors.get(ITEMS + q);
                    Set<String> truth = ids(exact.search(SearchRequest.of(query, K)));
                    Set<String> approximate = ids(store.search(SearchRequest.of(query, K)));
                    approximate.retainAll(truth);
                    found += approximate.size();
                }
                double recall = found / (double) (QUERIES * K);
                System.out.printf("recall@%d of %s over %d vectors, %d queries: %.4f%n", K, indexType, ITEMS, QUERIES,
                        recall);
                assertThat(recall).isGreaterThanOrEqualTo(0.95);
            } finally {
                store.deleteIndex();
            }
        }
    }

    private static Set<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::id).collect(Collectors.toCollection(HashSet::new));
    }
}
