package dev.mmrag.store.inmem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mmrag.api.Filter;
import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.test.TestVectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many items with the same vector (10,000 products sharing one placeholder photo) or nearly the same (the same
 * photo re-encoded) must not hide the other items (issue 16, item 11): before the store grouped them, 2,000
 * duplicates of one vector among 320 distinct 64-dimensional items made the graph walk return duplicates only, for
 * a recall of 0 on the distinct items. Recall@10 is measured against {@link ExactVectorStore} on the same records,
 * for queries near the distinct items (a small perturbation of each, never stored), with the graph walked (an
 * exact-scan fraction of 1, and the tests check that the graph was walked). A query at the
 * duplicated vector itself, whose exact top 10 is a tie among duplicates, must get 10 hits of the top score.
 * Persistence, deleting the node that stands for a group (and the whole group) and re-upserting members with the
 * same vector, new metadata or another vector keep the results right.
 */
class DuplicateVectorsTest {

    private static final int DIM = 64;
    private static final int DISTINCT = 320;
    private static final int K = 10;

    @TempDir
    Path folder;

    /** How the duplicated records are made. */
    enum Copies {
        /** The same vector, bit for bit. */
        IDENTICAL,
        /** The same vector with a relative noise of about 1e-8 per component (a re-encoded photo, a float rounding). */
        NEAR
    }

    @ParameterizedTest
    @EnumSource(Copies.class)
    void twoThousandDuplicatesDoNotHideTheDistinctItems(Copies copies) {
        Data data = new Data(2_000, copies, 11);
        for (boolean duplicatesFirst : new boolean[] {true, false}) {
            HnswVectorStore hnsw = newStore();
            ExactVectorStore exact = new ExactVectorStore(DIM, Metric.COSINE);
            data.upsertInto(duplicatesFirst, hnsw, exact);

            assertThat(recall(hnsw, exact, data.queries(), null)).as("recall@10, duplicates first: %s", duplicatesFirst)
                    .isGreaterThanOrEqualTo(0.95);
            assertTopScoreTies(hnsw, exact, data.duplicated);
            assertThat(hnsw.graphWalks()).isPositive();
            assertThat(hnsw.exactScans()).isZero();
        }
    }

    @Test
    void tenThousandProductsSharingOnePlaceholderPhoto() {
        Data data = new Data(10_000, Copies.IDENTICAL, 12);
        HnswVectorStore hnsw = newStore();
        ExactVectorStore exact = new ExactVectorStore(DIM, Metric.COSINE);
        data.upsertInto(false, hnsw, exact);

        assertThat(recall(hnsw, exact, data.queries(), null)).isGreaterThanOrEqualTo(0.95);
        Filter distinctOnly = Filter.eq("placeholder", false);
        assertThat(recall(hnsw, exact, data.queries(), distinctOnly)).isGreaterThanOrEqualTo(0.95);
        assertThat(hnsw.count()).isEqualTo(10_000 + DISTINCT);
        assertThat(hnsw.graphNodes()).as("one graph node for all the placeholder's products")
                .isLessThan(DISTINCT + 50);
        assertThat(hnsw.exactScans()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Copies.class)
    void groupsSurviveASaveAndLoad(Copies copies) {
        Data data = new Data(2_000, copies, 13);
        HnswVectorStore hnsw = newStore();
        ExactVectorStore exact = new ExactVectorStore(DIM, Metric.COSINE);
        data.upsertInto(true, hnsw, exact);
        Path file = folder.resolve("store.hnsw");
        hnsw.save(file);

        HnswVectorStore loaded = HnswVectorStore.load(file);

        assertThat(loaded.count()).isEqualTo(hnsw.count());
        assertThat(loaded.graphNodes()).isEqualTo(hnsw.graphNodes());
        for (int i = 0; i < 2_000; i += 97) {
            assertThat(loaded.get("dup-" + i)).isEqualTo(hnsw.get("dup-" + i));
        }
        assertThat(recall(loaded, exact, data.queries(), null)).isGreaterThanOrEqualTo(0.95);
        assertTopScoreTies(loaded, exact, data.duplicated);
        loaded.delete(List.of("dup-0"));
        exact.delete(List.of("dup-0"));
        assertThat(recall(loaded, exact, data.queries(), null)).isGreaterThanOrEqualTo(0.95);
        assertTopScoreTies(loaded, exact, data.duplicated);
    }

    /**
     * The first duplicate stored is the graph node that stands for the group; deleting it, then most of the group,
     * then all of it, and storing the group again, keeps every result right; so do re-upserts of members with new
     * metadata (found by a filter on it) and with another vector (found near that vector, not near the group).
     */
    @Test
    void deletingAndReUpsertingDuplicatesKeepsResultsRight() {
        Data data = new Data(2_000, Copies.IDENTICAL, 14);
        HnswVectorStore hnsw = newStore();
        ExactVectorStore exact = new ExactVectorStore(DIM, Metric.COSINE);
        data.upsertInto(true, hnsw, exact);

        List<String> first = List.of("dup-0");
        both(hnsw, exact, store -> store.delete(first));
        assertThat(hnsw.get("dup-0")).isEmpty();
        assertTopScoreTies(hnsw, exact, data.duplicated);
        assertThat(recall(hnsw, exact, data.queries(), null)).isGreaterThanOrEqualTo(0.95);

        List<String> most = IntStream.range(1, 1_990).mapToObj(i -> "dup-" + i).collect(Collectors.toList());
        both(hnsw, exact, store -> store.delete(most));
        assertThat(hnsw.count()).isEqualTo(DISTINCT + 10);
        assertTopScoreTies(hnsw, exact, data.duplicated);
        List<SearchHit> atPlaceholder = hnsw.search(SearchRequest.of(data.duplicated, K));
        assertThat(atPlaceholder).extracting(SearchHit::id).containsExactlyInAnyOrderElementsOf(
                IntStream.range(1_990, 2_000).mapToObj(i -> "dup-" + i).collect(Collectors.toList()));

        VectorRecord renamed = new VectorRecord("dup-1995", data.duplicated.clone(), Map.of("placeholder", true,
                "note", "relabelled"));
        both(hnsw, exact, store -> store.upsert(List.of(renamed)));
        assertThat(hnsw.search(SearchRequest.builder(data.duplicated, K).filter(Filter.eq("note", "relabelled"))
                .build())).extracting(SearchHit::id).containsExactly("dup-1995");

        float[] elsewhere = data.distinct.get(5).vector().clone();
        elsewhere[0] += 1e-3f;
        VectorRecord moved = new VectorRecord("dup-1996", elsewhere, Map.of("placeholder", true));
        both(hnsw, exact, store -> store.upsert(List.of(moved)));
        assertThat(hnsw.search(SearchRequest.of(elsewhere, 1))).extracting(SearchHit::id).containsExactly("dup-1996");
        assertThat(hnsw.search(SearchRequest.of(data.duplicated, K))).extracting(SearchHit::id)
                .doesNotContain("dup-1996").hasSize(K);

        List<String> rest = IntStream.range(1_990, 2_000).mapToObj(i -> "dup-" + i).collect(Collectors.toList());
        both(hnsw, exact, store -> store.delete(rest));
        assertThat(hnsw.count()).isEqualTo(DISTINCT);
        assertThat(recall(hnsw, exact, data.queries(), null)).isGreaterThanOrEqualTo(0.95);

        both(hnsw, exact, store -> store.upsert(data.duplicates).throwIfFailed());
        assertThat(hnsw.count()).isEqualTo(DISTINCT + 2_000);
        assertThat(recall(hnsw, exact, data.queries(), null)).isGreaterThanOrEqualTo(0.95);
        assertTopScoreTies(hnsw, exact, data.duplicated);
    }

    /**
     * Two writers delete and re-upsert duplicates (the group's node among them, so its place keeps moving to another
     * member) while two readers search at the duplicated vector and near the distinct items: no search fails, every
     * search at the duplicated vector gets 10 hits of the top score, and at the end the store holds everything.
     */
    @Test
    void concurrentWritesOfAGroupKeepSearchesWhole() throws Exception {
        Data data = new Data(2_000, Copies.IDENTICAL, 15);
        HnswVectorStore hnsw = newStore();
        data.upsertInto(true, hnsw);
        List<float[]> queries = data.queries();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<java.util.concurrent.Future<Integer>> tasks = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int writer = w;
            tasks.add(pool.submit(() -> {
                for (int round = 0; round < 40; round++) {
                    List<VectorRecord> some = new ArrayList<>();
                    for (int i = writer + round * 2; i < 2_000; i += 97) {
                        some.add(data.duplicates.get(i));
                    }
                    some.add(data.duplicates.get(0));
                    hnsw.delete(some.stream().map(VectorRecord::id).collect(Collectors.toList()));
                    hnsw.upsert(some).throwIfFailed();
                }
                return 0;
            }));
        }
        for (int r = 0; r < 2; r++) {
            tasks.add(pool.submit(() -> {
                int searches = 0;
                while (writing.get()) {
                    List<SearchHit> hits = hnsw.search(SearchRequest.of(data.duplicated, K));
                    assertThat(hits).hasSize(K).allSatisfy(hit -> assertThat(hit.score()).isCloseTo(1.0, within(1e-6)));
                    hnsw.search(SearchRequest.of(queries.get(searches % queries.size()), K));
                    searches++;
                }
                return searches;
            }));
        }
        tasks.get(0).get(5, java.util.concurrent.TimeUnit.MINUTES);
        tasks.get(1).get(5, java.util.concurrent.TimeUnit.MINUTES);
        writing.set(false);
        assertThat(tasks.get(2).get(1, java.util.concurrent.TimeUnit.MINUTES)).isPositive();
        assertThat(tasks.get(3).get(1, java.util.concurrent.TimeUnit.MINUTES)).isPositive();
        pool.shutdown();

        ExactVectorStore exact = new ExactVectorStore(DIM, Metric.COSINE);
        data.upsertInto(true, exact);
        assertThat(hnsw.count()).isEqualTo(DISTINCT + 2_000);
        assertThat(recall(hnsw, exact, queries, null)).isGreaterThanOrEqualTo(0.95);
        assertTopScoreTies(hnsw, exact, data.duplicated);
    }

    /** A store that always walks the graph (it holds more than ef = 64 items throughout). */
    private static HnswVectorStore newStore() {
        return HnswVectorStore.builder(DIM, Metric.COSINE).exactScanFraction(1).build();
    }

    private static void both(HnswVectorStore hnsw, ExactVectorStore exact, java.util.function.Consumer<VectorStore> op) {
        op.accept(hnsw);
        op.accept(exact);
    }

    /** A query at the duplicated vector finds K hits, all of the exact top score (a tie among duplicates). */
    private static void assertTopScoreTies(VectorStore hnsw, ExactVectorStore exact, float[] duplicated) {
        List<SearchHit> expected = exact.search(SearchRequest.of(duplicated, K));
        List<SearchHit> hits = hnsw.search(SearchRequest.of(duplicated, K));
        assertThat(hits).hasSize(K);
        double kth = expected.get(K - 1).score();
        assertThat(hits).allSatisfy(hit -> assertThat(hit.score()).isCloseTo(expected.get(0).score(), within(1e-6))
                .isGreaterThanOrEqualTo(kth - 1e-6));
    }

    private static double recall(VectorStore hnsw, ExactVectorStore exact, List<float[]> queries, Filter filter) {
        long found = 0;
        for (float[] query : queries) {
            SearchRequest request = SearchRequest.builder(query, K).filter(filter).build();
            Set<String> expected = ids(exact.search(request));
            found += ids(hnsw.search(request)).stream().filter(expected::contains).count();
        }
        return found / (double) (queries.size() * K);
    }

    private static Set<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::id).collect(Collectors.toCollection(HashSet::new));
    }

    /** Distinct items, duplicates of one vector, and queries near the distinct items. */
    private static final class Data {
        final List<VectorRecord> distinct = new ArrayList<>();
        final List<VectorRecord> duplicates = new ArrayList<>();
        final float[] duplicated;
        private final long seed;

        Data(int copies, Copies kind, long seed) {
            this.seed = seed;
            List<float[]> vectors = TestVectors.uniform(DISTINCT + 1, DIM, seed);
            for (int i = 0; i < DISTINCT; i++) {
                distinct.add(new VectorRecord("item-" + i, vectors.get(i), Map.of("placeholder", false)));
            }
            duplicated = vectors.get(DISTINCT);
            Random random = new Random(seed);
            for (int i = 0; i < copies; i++) {
                float[] copy = duplicated.clone();
                if (kind == Copies.NEAR) {
                    for (int d = 0; d < DIM; d++) {
                        copy[d] *= (float) (1 + 1e-8 * random.nextGaussian());
                    }
                    copy[i % DIM] = Math.nextUp(copy[i % DIM]); // never bit-identical
                }
                duplicates.add(new VectorRecord("dup-" + i, copy, Map.of("placeholder", true)));
            }
        }

        void upsertInto(boolean duplicatesFirst, VectorStore... stores) {
            for (VectorStore store : stores) {
                List<VectorRecord> all = new ArrayList<>(duplicatesFirst ? duplicates : distinct);
                all.addAll(duplicatesFirst ? distinct : duplicates);
                for (int from = 0; from < all.size(); from += 500) {
                    store.upsert(all.subList(from, Math.min(all.size(), from + 500))).throwIfFailed();
                }
            }
        }

        /** Each distinct item's vector, perturbed by about 5% of its length, and never stored. */
        List<float[]> queries() {
            Random random = new Random(seed + 1);
            List<float[]> queries = new ArrayList<>();
            for (VectorRecord record : distinct) {
                float[] q = record.vector().clone();
                for (int d = 0; d < DIM; d++) {
                    q[d] += (float) (0.05 / Math.sqrt(DIM) * random.nextGaussian());
                }
                queries.add(q);
            }
            return queries;
        }
    }
}
