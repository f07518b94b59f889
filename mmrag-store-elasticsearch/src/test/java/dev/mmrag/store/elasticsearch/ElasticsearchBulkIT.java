package dev.mmrag.store.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.BatchResult;
import dev.mmrag.api.Metric;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.test.TestVectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Bulk writes on a real Elasticsearch node: 10,000 records with metadata upserted in one call (20 bulk requests of
 * 500 with the default settings and refresh policy), then every one of them read back by id, equal to what was
 * written.
 */
class ElasticsearchBulkIT {

    private static final int ITEMS = 10_000;
    private static final int DIM = 32;

    @Test
    void tenThousandRecordsUpsertedInBulkAreAllFoundById() throws Exception {
        List<float[]> vectors = TestVectors.uniform(ITEMS, DIM, 5);
        List<VectorRecord> records = new ArrayList<>(ITEMS);
        for (int i = 0; i < ITEMS; i++) {
            records.add(new VectorRecord("doc-" + i, vectors.get(i),
                    Map.of("n", (long) i, "group", "g" + (i % 10), "weight", i / 7.0)));
        }
        try (ElasticsearchVectorStore store = ElasticsearchVectorStore.builder(TestNode.uniqueIndex("bulk"), DIM)
                .hosts(TestNode.url()).metric(Metric.EUCLIDEAN).replicas(0).build()) {
            try {
                BatchResult result = store.upsert(records);
                assertThat(result.attempted()).isEqualTo(ITEMS);
                assertThat(result.failures()).isEmpty();
                assertThat(store.count()).isEqualTo(ITEMS);

                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<?>> checks = new ArrayList<>();
                    for (int t = 0; t < 4; t++) {
                        int first = t;
                        checks.add(pool.submit(() -> {
                            for (int i = first; i < ITEMS; i += 4) {
                                assertThat(store.get("doc-" + i)).as("doc-%d", i).hasValue(records.get(i));
                            }
                            return null;
                        }));
                    }
                    for (Future<?> check : checks) {
                        check.get();
                    }
                } finally {
                    pool.shutdownNow();
                }
            } finally {
                store.deleteIndex();
            }
        }
    }
}
