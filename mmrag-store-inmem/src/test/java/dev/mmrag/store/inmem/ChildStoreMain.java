package dev.mmrag.store.inmem;

import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.test.TestVectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The program {@link ChildJvm} runs, for tests that need a JVM of their own:
 * <ul>
 *   <li>{@code search}: prints the kernel in use, then for every metric the exact-scan hits of fixed queries on fixed
 *       data, one line per hit ({@code metric query id score}), so two JVMs' outputs can be compared;</li>
 *   <li>{@code save <file> <items>}: builds a store of that many items with large metadata, prints
 *       {@code saving}, saves it to the file, prints {@code saved};</li>
 *   <li>{@code load <file>...}: loads each file and prints one line per file: the file, a tab, and either
 *       {@code loaded <count>} or the simple name and message of what the load threw (an exception or an
 *       {@link OutOfMemoryError}), so that a test can run loads in a small heap.</li>
 * </ul>
 *
 * <p>Thread-safety: a program.
 */
public final class ChildStoreMain {

    /** Dimension of the search data: not a multiple of any SIMD width, so the tail loops run too. */
    static final int SEARCH_DIMENSION = 100;

    private ChildStoreMain() {
    }

    /**
     * @param args the mode and its arguments, see the class comment
     */
    public static void main(String[] args) {
        switch (args[0]) {
            case "search":
                search();
                break;
            case "save":
                save(Path.of(args[1]), Integer.parseInt(args[2]));
                break;
            case "load":
                for (int i = 1; i < args.length; i++) {
                    load(Path.of(args[i]));
                }
                break;
            default:
                throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void load(Path file) {
        String outcome;
        try {
            outcome = "loaded " + HnswVectorStore.load(file).count();
        } catch (RuntimeException | OutOfMemoryError e) {
            outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        System.out.println(file + "\t" + outcome.replace('\n', ' '));
    }

    private static void search() {
        System.out.println("kernel " + HnswVectorStore.kernelName());
        List<float[]> data = TestVectors.clustered(2000, SEARCH_DIMENSION, 20, 0.3, 5);
        List<float[]> queries = TestVectors.clustered(30, SEARCH_DIMENSION, 20, 0.3, 6);
        for (Metric metric : Metric.values()) {
            HnswVectorStore store = HnswVectorStore.builder(SEARCH_DIMENSION, metric).exactScanFraction(0).build();
            List<VectorRecord> records = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                records.add(VectorRecord.of("v" + i, data.get(i)));
            }
            store.upsert(records).throwIfFailed();
            for (int q = 0; q < queries.size(); q++) {
                for (SearchHit hit : store.search(SearchRequest.of(queries.get(q), 10))) {
                    System.out.println(metric + " " + q + " " + hit.id() + " " + hit.score());
                }
            }
        }
    }

    private static void save(Path file, int items) {
        HnswVectorStore store = HnswVectorStore.builder(8, Metric.COSINE).m(4).efConstruction(8).build();
        String padding = "x".repeat(4096);
        List<VectorRecord> batch = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            batch.add(new VectorRecord("new-" + i, TestVectors.uniform(1, 8, i).get(0), Map.of("padding", padding)));
            if (batch.size() == 1000) {
                store.upsert(batch).throwIfFailed();
                batch.clear();
            }
        }
        store.upsert(batch).throwIfFailed();
        System.out.println("saving");
        System.out.flush();
        store.save(file);
        System.out.println("saved");
    }
}
