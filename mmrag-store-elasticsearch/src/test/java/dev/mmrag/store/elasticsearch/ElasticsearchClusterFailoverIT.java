package dev.mmrag.store.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.test.TestVectors;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Fail-over on a real three-node cluster: three Elasticsearch nodes on 127.0.0.1 (different HTTP and transport
 * ports), started by this test with {@code scripts/elasticsearch.sh}; an index of 3 shards with 1 replica each.
 * While four threads search, the elected master node is killed with SIGKILL. Every search must still answer, with
 * the right nearest neighbour first, and afterwards every item must still be there.
 */
class ElasticsearchClusterFailoverIT {

    private static final int ITEMS = 2_000;
    private static final int DIM = 32;
    private static final int THREADS = 4;

    @Test
    void killingTheMasterNodeDuringSearchesLosesNoSearchAndNoItem() throws Exception {
        List<float[]> vectors = TestVectors.uniform(ITEMS, DIM, 31);
        List<VectorRecord> records = new ArrayList<>(ITEMS);
        for (int i = 0; i < ITEMS; i++) {
            records.add(new VectorRecord("item-" + i, vectors.get(i), Map.of("n", (long) i)));
        }
        long started = System.nanoTime();
        try (ScriptedCluster cluster = ScriptedCluster.start("mmrag-it-3nodes", 3, 19261, 19361, Map.of());
                ElasticsearchVectorStore store = ElasticsearchVectorStore.builder("failover", DIM)
                        .hosts(cluster.url(1), cluster.url(2), cluster.url(3)).metric(Metric.COSINE)
                        .shards(3).replicas(1).refreshPolicy(RefreshPolicy.IMMEDIATE).build()) {
            assertThat(store.upsert(records).hasFailures()).isFalse();
            String health = get(cluster.url(1) + "/_cluster/health/failover?wait_for_status=green&timeout=120s");
            assertThat(health).as("every shard has its replica before the kill").contains("\"status\":\"green\"");
            int master = masterNode(cluster);

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger answered = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Thread thread = new Thread(() -> {
                    while (!stop.get()) {
                        int i = ThreadLocalRandom.current().nextInt(ITEMS);
                        try {
                            List<SearchHit> hits = store.search(SearchRequest.of(vectors.get(i), 10));
                            assertThat(hits).hasSize(10);
                            assertThat(hits.get(0).id()).isEqualTo("item-" + i);
                            answered.incrementAndGet();
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            waitUntil(() -> answered.get() >= 200);
            int beforeKill = answered.get();
            cluster.kill(master);
            long killedAt = System.nanoTime();
            // Keep searching through the failure detection and master election: at least 10 s and 1000 searches.
            waitUntil(() -> answered.get() >= beforeKill + 1_000 && System.nanoTime() - killedAt > 10e9);
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }

            assertThat(errors).as("searches that failed after node %d was killed", master).isEmpty();
            System.out.printf("searches answered: %d before and %d after node %d was killed, %.0f s into the test%n",
                    beforeKill, answered.get() - beforeKill, master, (killedAt - started) / 1e9);
            assertThat(store.count()).isEqualTo(ITEMS);
            for (VectorRecord record : records) {
                assertThat(store.get(record.id())).as(record.id()).hasValue(record);
            }
        }
    }

    /** @return the number of the elected master node, from its name {@code mmrag-it-3nodes-<i>} */
    private static int masterNode(ScriptedCluster cluster) throws Exception {
        String name = get(cluster.url(1) + "/_cat/master?h=node").trim();
        return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    }

    private static String get(String url) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 300 s");
            }
            Thread.sleep(50);
        }
    }
}
