package dev.mmrag.examples.bench;

import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.store.elasticsearch.ElasticsearchVectorStore;
import dev.mmrag.store.elasticsearch.RefreshPolicy;
import dev.mmrag.store.elasticsearch.VectorIndexType;
import dev.mmrag.store.inmem.HnswVectorStore;
import dev.mmrag.test.TestVectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads the same vectors into an {@link ElasticsearchVectorStore} and into the in-memory store, and prints bulk
 * indexing throughput, recall@k against exact search, and queries per second for both, ending with the line
 * {@code RESULT es_index_per_s=.. es_qps=.. es_recall10=.. hnsw_qps=..}.
 *
 * <p>It needs a running Elasticsearch node: {@code scripts/elasticsearch.sh start} starts one on
 * {@code http://127.0.0.1:19200}, the default {@code --url}. Run it with
 * <pre>
 * mvn -B -q -pl mmrag-examples -am package -DskipTests
 * java -cp "mmrag-examples/target/classes:$(cat mmrag-examples/target/classpath.txt)" \
 *     dev.mmrag.examples.bench.ElasticsearchBenchmark [--url URL] [--count 20000] [--dim 64] [--queries 500] \
 *     [--k 10] [--index-type hnsw|int8_hnsw] [--num-candidates 100] [--threads 1] [--seed 42]
 * </pre>
 *
 * <p>The vectors lie in 50 clusters with Gaussian noise of standard deviation 1 around centres drawn uniformly in
 * [-1, 1) ({@link TestVectors#clustered}); the queries are further vectors from the same distribution. Metric: cosine. The ground truth is
 * {@link ExactVectorStore}. Elasticsearch gets the vectors with {@link RefreshPolicy#NONE} and one refresh at the
 * end, the fastest way to load; the index is deleted afterwards.
 *
 * <p>Thread-safety: a program; not for concurrent use.
 */
public final class ElasticsearchBenchmark {

    private static final Metric METRIC = Metric.COSINE;

    private ElasticsearchBenchmark() {
    }

    /** The in-memory store Elasticsearch is compared with: {@link HnswVectorStore} with its defaults. */
    private static VectorStore inMemoryStore(int dimension, Metric metric) {
        return HnswVectorStore.builder(dimension, metric).build();
    }

    /**
     * @param args options, see the class documentation
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        String url = options.getOrDefault("url", "http://127.0.0.1:19200");
        int count = Integer.parseInt(options.getOrDefault("count", "20000"));
        int dim = Integer.parseInt(options.getOrDefault("dim", "64"));
        int queries = Integer.parseInt(options.getOrDefault("queries", "500"));
        int k = Integer.parseInt(options.getOrDefault("k", "10"));
        VectorIndexType indexType = VectorIndexType.valueOf(
                options.getOrDefault("index-type", "hnsw").toUpperCase(Locale.ROOT));
        int numCandidates = Integer.parseInt(options.getOrDefault("num-candidates", "100"));
        int threads = Integer.parseInt(options.getOrDefault("threads", "1"));
        long seed = Long.parseLong(options.getOrDefault("seed", "42"));

        VectorStore memory = inMemoryStore(dim, METRIC);
        String memoryName = memory.getClass().getSimpleName();
        System.out.printf(Locale.ROOT, "ElasticsearchBenchmark: %d vectors of dimension %d (50 clusters, seed %d), "
                + "%d queries, k=%d, metric %s%n", count, dim, seed, queries, k, METRIC);
        System.out.printf(Locale.ROOT, "  Elasticsearch %s, index type %s, num_candidates %d, 1 shard, 0 replicas%n",
                url, indexType, numCandidates);
        System.out.printf(Locale.ROOT, "  in-memory store: %s; query threads: %d; JVM %s, %d processors%n",
                memoryName, threads, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());

        List<float[]> vectors = TestVectors.clustered(count + queries, dim, 50, 1.0, seed);
        List<VectorRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(new VectorRecord("v" + i, vectors.get(i), Map.of("cluster", (long) (i % 50))));
        }
        List<float[]> queryVectors = vectors.subList(count, count + queries);

        ExactVectorStore exact = new ExactVectorStore(dim, METRIC);
        exact.upsert(records);
        List<Set<String>> truth = new ArrayList<>(queries);
        for (float[] query : queryVectors) {
            truth.add(ids(exact.search(SearchRequest.of(query, k))));
        }

        long start = System.nanoTime();
        memory.upsert(records).throwIfFailed();
        double memoryIndexSeconds = (System.nanoTime() - start) / 1e9;

        String index = "bench-" + System.currentTimeMillis();
        try (ElasticsearchVectorStore es = ElasticsearchVectorStore.builder(index, dim).hosts(url).metric(METRIC)
                .indexType(indexType).numCandidates(numCandidates).replicas(0).refreshPolicy(RefreshPolicy.NONE)
                .build()) {
            try {
                start = System.nanoTime();
                es.upsert(records).throwIfFailed();
                es.refresh();
                double esIndexSeconds = (System.nanoTime() - start) / 1e9;

                Measured esSearch = measure(es, queryVectors, truth, k, threads);
                Measured memorySearch = measure(memory, queryVectors, truth, k, threads);

                double esIndexPerSecond = count / esIndexSeconds;
                double memoryIndexPerSecond = count / memoryIndexSeconds;
                System.out.printf(Locale.ROOT, "%-22s %14s %12s %10s%n", "store", "index/s", "queries/s", "recall@" + k);
                System.out.printf(Locale.ROOT, "%-22s %14.0f %12.1f %10.4f%n", "Elasticsearch", esIndexPerSecond,
                        esSearch.queriesPerSecond, esSearch.recall);
                System.out.printf(Locale.ROOT, "%-22s %14.0f %12.1f %10.4f%n", memoryName, memoryIndexPerSecond,
                        memorySearch.queriesPerSecond, memorySearch.recall);
                System.out.printf(Locale.ROOT, "ratios Elasticsearch / %s: indexing %.3f, queries/s %.3f%n",
                        memoryName, esIndexPerSecond / memoryIndexPerSecond,
                        esSearch.queriesPerSecond / memorySearch.queriesPerSecond);
                System.out.printf(Locale.ROOT, "RESULT es_index_per_s=%.0f es_qps=%.1f es_recall10=%.4f hnsw_qps=%.1f%n",
                        esIndexPerSecond, esSearch.queriesPerSecond, esSearch.recall, memorySearch.queriesPerSecond);
            } finally {
                es.deleteIndex();
            }
        }
    }

    private static final class Measured {
        final double queriesPerSecond;
        final double recall;

        Measured(double queriesPerSecond, double recall) {
            this.queriesPerSecond = queriesPerSecond;
            this.recall = recall;
        }
    }

    /** Warms up with a fifth of the queries, then times all of them on {@code threads} threads. */
    private static Measured measure(VectorStore store, List<float[]> queries, List<Set<String>> truth, int k,
            int threads) throws Exception {
        for (float[] query : queries.subList(0, queries.size() / 5)) {
            store.search(SearchRequest.of(query, k));
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger found = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int q = next.getAndIncrement(); q < queries.size(); q = next.getAndIncrement()) {
                        Set<String> hits = ids(store.search(SearchRequest.of(queries.get(q), k)));
                        hits.retainAll(truth.get(q));
                        found.addAndGet(hits.size());
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Measured(queries.size() / seconds, found.get() / (double) (queries.size() * k));
    }

    private static Set<String> ids(List<SearchHit> hits) {
        Set<String> ids = new HashSet<>();
        for (SearchHit hit : hits) {
            ids.add(hit.id());
        }
        return ids;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'; see the"
                        + " javadoc of ElasticsearchBenchmark for the options");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}
