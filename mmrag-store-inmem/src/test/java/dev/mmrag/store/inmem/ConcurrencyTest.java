package dev.mmrag.store.inmem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.test.TestVectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Searches that walk the graph while other threads add, replace and delete items (and the graph grows its capacity
 * several times, and the store is saved): no search fails, and no search ever returns a half-written item. Each
 * record's metadata holds a checksum of its vector and a version that its id also carries in the vector's first
 * component, so a hit whose parts came from different writes would not add up.
 */
class ConcurrencyTest {

    private static final int DIM = 16;

    @TempDir
    Path folder;

    @Test
    void searchesDuringWritesSeeOnlyWholeItems() throws Exception {
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.DOT_PRODUCT).m(8).efConstruction(32)
                .initialCapacity(64).exactScanFraction(1).build();
        store.upsert(records(0, 500, 0));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong searches = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    int q = 0;
                    while (writing.get()) {
                        try {
                            float[] query = TestVectors.uniform(1, DIM, 1_000_000L * thread + q++).get(0);
                            for (SearchHit hit : store.search(SearchRequest.builder(query, 10).includeVectors(true)
                                    .build())) {
                                assertWhole(hit);
                            }
                            searches.incrementAndGet();
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }
                }));
            }
            futures.add(pool.submit(() -> {
                try {
                    for (int round = 1; round <= 6; round++) {
                        store.upsert(records(500 * round, 500 * round + 500, round));
                        store.upsert(records(0, 250, round));
                        List<String> doomed = new ArrayList<>();
                        for (int i = 250; i < 300; i++) {
                            doomed.add("item-" + (500 * (round - 1) + i));
                        }
                        store.delete(doomed);
                        store.save(folder.resolve("store.hnsw"));
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    writing.set(false);
                }
            }));
            for (Future<?> future : futures) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(errors).isEmpty();
        assertThat(searches.get()).isPositive();
        assertThat(store.count()).isEqualTo(3500 - 6 * 50);
        assertThat(HnswVectorStore.load(folder.resolve("store.hnsw")).count()).isEqualTo(store.count());
    }

    private static void assertWhole(SearchHit hit) {
        float[] vector = hit.vector();
        assertThat((double) vector[0]).as("version in the vector of %s", hit.id())
                .isEqualTo(((Long) hit.metadata().get("version")).doubleValue());
        assertThat(hit.metadata().get("checksum")).as("checksum of %s", hit.id()).isEqualTo(checksum(vector));
    }

    private static List<VectorRecord> records(int from, int to, int version) {
        List<VectorRecord> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            float[] vector = TestVectors.uniform(1, DIM, 31L * i + version).get(0);
            vector[0] = version;
            records.add(new VectorRecord("item-" + i, vector,
                    Map.of("version", (long) version, "checksum", checksum(vector))));
        }
        return records;
    }

    private static double checksum(float[] vector) {
        double sum = 0;
        for (int i = 0; i < vector.length; i++) {
            sum += vector[i] * (i + 1);
        }
        return sum;
    }
}
