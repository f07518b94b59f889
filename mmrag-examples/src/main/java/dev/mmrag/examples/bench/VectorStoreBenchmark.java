package dev.mmrag.examples.bench;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.store.inmem.HnswVectorStore;
import dev.mmrag.test.TestVectors;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Builds and queries, in one run and on the same seeded clustered vectors (cosine similarity, 1 thread):
 * {@link HnswVectorStore}; {@link ExactVectorStore} (exact search, the recall reference and the speed baseline);
 * hnswlib-java used directly with its own {@code FLOAT_COSINE_DISTANCE} and the same M, efConstruction and ef;
 * and LangChain4j's {@code InMemoryEmbeddingStore}. For each it prints build time, recall@10 and queries/s (at
 * every ef for the two HNSW variants), heap bytes per vector and save/load time, then one line
 * {@code RESULT n=.. dim=.. hnsw_recall10=.. hnsw_qps=.. exact_qps=.. hnswlib_qps=.. l4j_qps=.. bytes_per_vector=..}
 * where each HNSW figure is taken at the smallest ef whose recall@10 reaches 0.95 (or the largest ef when none does).
 *
 * <p>Options (defaults in brackets): {@code --n} vectors [100000], {@code --dim} [512], {@code --queries} for the
 * HNSW variants [1000], {@code --linear-queries} for the two linear-scan stores [200], {@code --clusters} [n/1000,
 * at least 10], {@code --spread} Gaussian noise per component around the cluster centres [0.5], {@code --m} [16],
 * {@code --ef-construction} [200], {@code --ef} comma-separated search widths [10,20,40,80,160,320],
 * {@code --seed} [42], {@code --skip} comma-separated parts to leave out: hnsw, hnswlib, l4j, or l4j-save
 * (LangChain4j's JSON file, which at a million 512-d vectors exceeds the largest Java string) [none]. Exact search
 * always runs: it makes the ground truth.
 *
 * <p>Run (the Vector API module is what makes mmrag's distance SIMD; without it the same code runs scalar):
 * <pre>
 * mvn -B -q -pl mmrag-examples -am package -DskipTests
 * java -Xmx16g --add-modules jdk.incubator.vector \
 *   -cp "mmrag-examples/target/classes:$(cat mmrag-examples/target/classpath.txt)" \
 *   dev.mmrag.examples.bench.VectorStoreBenchmark --n 100000 --dim 512
 * </pre>
 * Queries are extra vectors from the same clusters, never stored. Both HNSW variants are built first; then at each
 * ef each is warmed up with two passes over the queries and timed in 3 rounds that alternate between them, and its
 * best round counts (the machine is shared and its load changes over a run). Heap bytes per vector are the growth of the used heap after full garbage
 * collections, divided by n: the store's own copy of the vectors, its graph and its index structures.
 *
 * <p>Thread-safety: a program, single-threaded.
 */
public final class VectorStoreBenchmark {

    private static final int K = 10;
    private static final double RECALL_TARGET = 0.95;
    private static final int ROUNDS = 3;

    private final int n;
    private final int dim;
    private final int queries;
    private final int linearQueries;
    private final int clusters;
    private final double spread;
    private final int m;
    private final int efConstruction;
    private final int[] efs;
    private final long seed;
    private final Set<String> skip;

    private List<float[]> data;
    private List<float[]> queryVectors;
    private List<List<String>> truth;
    private Path folder;

    private VectorStoreBenchmark(Map<String, String> options) {
        n = Integer.parseInt(options.getOrDefault("n", "100000"));
        dim = Integer.parseInt(options.getOrDefault("dim", "512"));
        queries = Integer.parseInt(options.getOrDefault("queries", "1000"));
        linearQueries = Math.min(queries, Integer.parseInt(options.getOrDefault("linear-queries", "200")));
        clusters = Integer.parseInt(options.getOrDefault("clusters", String.valueOf(Math.max(10, n / 1000))));
        spread = Double.parseDouble(options.getOrDefault("spread", "0.5"));
        m = Integer.parseInt(options.getOrDefault("m", "16"));
        efConstruction = Integer.parseInt(options.getOrDefault("ef-construction", "200"));
        efs = Arrays.stream(options.getOrDefault("ef", "10,20,40,80,160,320").split(","))
                .mapToInt(Integer::parseInt).toArray();
        seed = Long.parseLong(options.getOrDefault("seed", "42"));
        skip = new HashSet<>(Arrays.asList(options.getOrDefault("skip", "").split(",")));
    }

    /**
     * @param args options, see the class comment
     * @throws Exception when a file cannot be written or read
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        new VectorStoreBenchmark(options).run();
    }

    private void run() throws IOException {
        System.out.printf(Locale.ROOT, "config: n=%d dim=%d queries=%d linear_queries=%d clusters=%d spread=%.3f m=%d "
                + "ef_construction=%d ef=%s seed=%d metric=COSINE threads=1 k=%d%n", n, dim, queries, linearQueries,
                clusters, spread, m, efConstruction, Arrays.toString(efs), seed, K);
        System.out.printf(Locale.ROOT, "jvm: java %s, max heap %d MiB, cpus %d, mmrag kernel %s%n",
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors(), HnswVectorStore.kernelName());
        List<float[]> all = TestVectors.clustered(n + queries, dim, clusters, spread, seed);
        data = new ArrayList<>(all.subList(0, n));
        queryVectors = new ArrayList<>(all.subList(n, n + queries));
        all = null;
        folder = Files.createTempDirectory("mmrag-bench");

        Linear exact = runExact();
        List<Variant> variants = new ArrayList<>();
        if (!skip.contains("hnsw")) {
            variants.add(buildHnswStore());
        }
        if (!skip.contains("hnswlib")) {
            variants.add(buildHnswlib());
        }
        List<Curve> curves = sweep(variants);
        Linear l4j = skip.contains("l4j") ? null : runLangChain4j();
        Curve hnsw = skip.contains("hnsw") ? null : curves.get(0);
        Curve hnswlib = skip.contains("hnswlib") ? null : curves.get(curves.size() - 1);

        System.out.println();
        if (hnsw != null && hnswlib != null) {
            System.out.printf(Locale.ROOT, "ratio: HnswVectorStore / hnswlib-direct queries/s = %.2fx (each at its "
                    + "smallest ef with recall@10 >= %.2f)%n", hnsw.chosen().qps / hnswlib.chosen().qps, RECALL_TARGET);
        }
        if (hnsw != null) {
            System.out.printf(Locale.ROOT, "ratio: HnswVectorStore / exact queries/s = %.1fx%n",
                    hnsw.chosen().qps / exact.qps);
        }
        System.out.printf(Locale.ROOT, "RESULT n=%d dim=%d hnsw_recall10=%s hnsw_qps=%s exact_qps=%.1f hnswlib_qps=%s "
                + "l4j_qps=%s bytes_per_vector=%s%n", n, dim,
                hnsw == null ? "na" : format("%.4f", hnsw.chosen().recall),
                hnsw == null ? "na" : format("%.1f", hnsw.chosen().qps), exact.qps,
                hnswlib == null ? "na" : format("%.1f", hnswlib.chosen().qps),
                l4j == null ? "na" : format("%.1f", l4j.qps),
                hnsw == null ? "na" : format("%.0f", hnsw.bytesPerVector));
    }

    /** Exact search: the ground truth for every recall, and the linear-scan baseline. */
    private Linear runExact() {
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        ExactVectorStore store = new ExactVectorStore(dim, Metric.COSINE);
        upsertAll(store::upsert);
        double buildSeconds = seconds(start);
        double bytesPerVector = (usedHeap() - heapBefore) / (double) n;
        truth = new ArrayList<>(queries);
        long truthStart = System.nanoTime();
        for (float[] q : queryVectors) {
            truth.add(ids(store.search(SearchRequest.of(q, K))));
        }
        double qps = queries / seconds(truthStart);
        System.out.printf(Locale.ROOT, "%n[exact] ExactVectorStore (mmrag-core): build %.2f s, %.0f heap bytes/vector, "
                + "%.1f queries/s over all %d queries (they make the ground truth), recall@10 1.0000, save/load: "
                + "no persistence%n", buildSeconds, bytesPerVector, qps, queries);
        return new Linear(qps);
    }

    private Variant buildHnswStore() throws IOException {
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        HnswVectorStore store = HnswVectorStore.builder(dim, Metric.COSINE).m(m).efConstruction(efConstruction)
                .initialCapacity(n).build();
        upsertAll(store::upsert);
        double buildSeconds = seconds(start);
        double bytesPerVector = (usedHeap() - heapBefore) / (double) n;
        System.out.printf(Locale.ROOT, "%n[hnsw] HnswVectorStore (kernel %s): build %.2f s, %.0f heap bytes/vector%n",
                HnswVectorStore.kernelName(), buildSeconds, bytesPerVector);
        Path file = folder.resolve("store.hnsw");
        long saveStart = System.nanoTime();
        store.save(file);
        double saveSeconds = seconds(saveStart);
        long loadStart = System.nanoTime();
        HnswVectorStore loaded = HnswVectorStore.load(file);
        double loadSeconds = seconds(loadStart);
        System.out.printf(Locale.ROOT, "  save %.2f s, load %.2f s, file %d MiB, %d items loaded%n", saveSeconds,
                loadSeconds, Files.size(file) >> 20, loaded.count());
        Files.delete(file);
        return new Variant("HnswVectorStore", store::setEf, q -> ids(store.search(SearchRequest.of(q, K))),
                bytesPerVector);
    }

    private Variant buildHnswlib() throws IOException {
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        HnswIndex<String, float[], PlainItem, Float> index = HnswIndex
                .newBuilder(dim, DistanceFunctions.FLOAT_COSINE_DISTANCE, n)
                .withM(m).withEfConstruction(efConstruction).build();
        for (int i = 0; i < n; i++) {
            index.add(new PlainItem("id-" + i, data.get(i).clone()));
        }
        double buildSeconds = seconds(start);
        double bytesPerVector = (usedHeap() - heapBefore) / (double) n;
        System.out.printf(Locale.ROOT, "%n[hnswlib] hnswlib-java HnswIndex, FLOAT_COSINE_DISTANCE: build %.2f s, %.0f heap "
                + "bytes/vector%n", buildSeconds, bytesPerVector);
        Path file = folder.resolve("hnswlib.bin");
        long saveStart = System.nanoTime();
        index.save(file);
        double saveSeconds = seconds(saveStart);
        long loadStart = System.nanoTime();
        HnswIndex<String, float[], PlainItem, Float> loaded = HnswIndex.load(file);
        double loadSeconds = seconds(loadStart);
        System.out.printf(Locale.ROOT, "  save %.2f s, load %.2f s (Java serialization, no checks), file %d MiB, "
                + "%d items loaded%n", saveSeconds, loadSeconds, Files.size(file) >> 20, loaded.size());
        Files.delete(file);
        return new Variant("hnswlib-direct", index::setEf, q -> {
            List<String> ids = new ArrayList<>(K);
            for (SearchResult<PlainItem, Float> r : index.findNearest(q, K)) {
                ids.add(r.item().id());
            }
            return ids;
        }, bytesPerVector);
    }

    /**
     * Measures every variant at every ef. At each ef, every variant is warmed up, then timed in {@value #ROUNDS}
     * rounds that alternate between the variants, and its best round counts: the machine's load changes over a run,
     * and alternating exposes the variants to the same load.
     */
    private List<Curve> sweep(List<Variant> variants) {
        if (variants.isEmpty()) {
            return List.of();
        }
        System.out.printf(Locale.ROOT, "%nef sweep (queries/s: best of %d alternating rounds of %d queries):%n", ROUNDS,
                queries);
        List<Curve> curves = new ArrayList<>();
        for (Variant variant : variants) {
            curves.add(new Curve(variant.bytesPerVector()));
        }
        for (int ef : efs) {
            for (Variant variant : variants) {
                variant.setEf().accept(ef);
                timedPass(variant.search());
                timedPass(variant.search());
            }
            Point[] best = new Point[variants.size()];
            for (int round = 0; round < ROUNDS; round++) {
                for (int v = 0; v < variants.size(); v++) {
                    Point point = timedPass(variants.get(v).search());
                    if (best[v] == null || point.qps > best[v].qps) {
                        best[v] = point;
                    }
                }
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  ef=%-4d", ef));
            for (int v = 0; v < variants.size(); v++) {
                curves.get(v).add(best[v]);
                line.append(String.format(Locale.ROOT, "  %s recall@10 %.4f %9.1f q/s", variants.get(v).label(),
                        best[v].recall, best[v].qps));
            }
            if (variants.size() == 2) {
                line.append(String.format(Locale.ROOT, "  ratio %.2fx", best[0].qps / best[1].qps));
            }
            System.out.println(line);
        }
        return curves;
    }

    private Linear runLangChain4j() throws IOException {
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        List<String> storedIds = new ArrayList<>(n);
        List<Embedding> embeddings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            storedIds.add("id-" + i);
            embeddings.add(Embedding.from(data.get(i).clone()));
        }
        // One addAll: the store is a CopyOnWriteArrayList, so adding one by one would copy it n times.
        store.addAll(storedIds, embeddings, Collections.nCopies(n, null));
        double buildSeconds = seconds(start);
        double bytesPerVector = (usedHeap() - heapBefore) / (double) n;
        Function<float[], List<String>> search = q -> {
            List<String> ids = new ArrayList<>(K);
            for (EmbeddingMatch<TextSegment> match : store.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(Embedding.from(q)).maxResults(K).build()).matches()) {
                ids.add(match.embeddingId());
            }
            return ids;
        };
        Point point = measureLinear(search);
        System.out.printf(Locale.ROOT, "%n[l4j] LangChain4j InMemoryEmbeddingStore: build %.2f s, %.0f heap bytes/vector, "
                + "%.1f queries/s over %d queries, recall@10 %.4f%n", buildSeconds, bytesPerVector, point.qps,
                linearQueries, point.recall);
        if (skip.contains("l4j-save")) {
            System.out.println("  save/load skipped (--skip l4j-save)");
            return new Linear(point.qps);
        }
        Path file = folder.resolve("l4j.json");
        long saveStart = System.nanoTime();
        store.serializeToFile(file);
        double saveSeconds = seconds(saveStart);
        long loadStart = System.nanoTime();
        InMemoryEmbeddingStore<TextSegment> loaded = InMemoryEmbeddingStore.fromFile(file);
        double loadSeconds = seconds(loadStart);
        System.out.printf(Locale.ROOT, "  save %.2f s, load %.2f s (JSON, %d MiB, %d items loaded)%n", saveSeconds,
                loadSeconds, Files.size(file) >> 20, loaded.size());
        Files.delete(file);
        return new Linear(point.qps);
    }

    private void upsertAll(java.util.function.Consumer<List<VectorRecord>> upsert) {
        int batch = 1000;
        for (int from = 0; from < n; from += batch) {
            List<VectorRecord> records = new ArrayList<>(batch);
            for (int i = from; i < Math.min(n, from + batch); i++) {
                records.add(VectorRecord.of("id-" + i, data.get(i)));
            }
            upsert.accept(records);
        }
    }

    /** One timed pass over all queries. */
    private Point timedPass(Function<float[], List<String>> search) {
        List<List<String>> found = new ArrayList<>(queries);
        long start = System.nanoTime();
        for (float[] q : queryVectors) {
            found.add(search.apply(q));
        }
        double qps = queries / seconds(start);
        return new Point(qps, recall(found));
    }

    /** A linear scan needs little warm-up; a few queries, then a timed pass over the first linearQueries. */
    private Point measureLinear(Function<float[], List<String>> search) {
        for (int i = 0; i < Math.min(20, linearQueries); i++) {
            search.apply(queryVectors.get(i));
        }
        List<List<String>> found = new ArrayList<>(linearQueries);
        long start = System.nanoTime();
        for (int i = 0; i < linearQueries; i++) {
            found.add(search.apply(queryVectors.get(i)));
        }
        double qps = linearQueries / seconds(start);
        return new Point(qps, recall(found));
    }

    private double recall(List<List<String>> found) {
        long hits = 0;
        for (int i = 0; i < found.size(); i++) {
            Set<String> expected = new HashSet<>(truth.get(i));
            hits += found.get(i).stream().filter(expected::contains).count();
        }
        return hits / (double) (found.size() * K);
    }

    private static List<String> ids(List<SearchHit> hits) {
        List<String> ids = new ArrayList<>(hits.size());
        for (SearchHit hit : hits) {
            ids.add(hit.id());
        }
        return ids;
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String format(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }

    /** Queries/s and recall@10 of one configuration. */
    private record Point(double qps, double recall) {
    }

    /** The figure of a linear-scan store. */
    private record Linear(double qps) {
    }

    /** An HNSW variant, built and ready to query. */
    private record Variant(String label, IntConsumer setEf, Function<float[], List<String>> search,
            double bytesPerVector) {
    }

    /** The ef sweep of an HNSW variant. */
    private static final class Curve {
        final double bytesPerVector;
        final List<Point> points = new ArrayList<>();

        Curve(double bytesPerVector) {
            this.bytesPerVector = bytesPerVector;
        }

        void add(Point point) {
            points.add(point);
        }

        /** The point at the smallest ef reaching the recall target, or the last one. */
        Point chosen() {
            for (Point p : points) {
                if (p.recall >= RECALL_TARGET) {
                    return p;
                }
            }
            return points.get(points.size() - 1);
        }
    }

    /** The item type hnswlib-java needs, as a user of the library would write it. */
    private static final class PlainItem implements Item<String, float[]> {
        private static final long serialVersionUID = 1L;
        private final String id;
        private final float[] vector;

        PlainItem(String id, float[] vector) {
            this.id = id;
            this.vector = vector;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public float[] vector() {
            return vector;
        }

        @Override
        public int dimensions() {
            return vector.length;
        }
    }
}
