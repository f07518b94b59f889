package dev.mmrag.store.inmem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mmrag.api.BatchResult;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.ItemFailure;
import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import dev.mmrag.api.Vectors;
import dev.mmrag.test.SegmentStoreContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link HnswVectorStore} with its default parameters against the shared {@link VectorStoreContract}, plus the
 * store's own API: builder validation, the run-time search width, the store size up to which searches scan, capacity
 * growth, tombstones, re-upserts of unchanged vectors, which update their graph nodes in place, and the records it
 * refuses beyond the contract's (metadata a saved file cannot hold, vectors whose float distances could overflow).
 *
 * <p>The contract's data sets are small, so with the defaults most searches here scan exactly;
 * {@link HnswGraphWalkContractTest} runs the same contract with the searches of its larger stores walking the graph.
 */
class HnswVectorStoreTest extends SegmentStoreContract {

    @Override
    protected VectorStore newStore(int dimension, Metric metric) {
        return HnswVectorStore.builder(dimension, metric).build();
    }

    @Test
    void aStoreHoldingVideosRefusesToSaveAndWritesNothing(@TempDir Path dir) {
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.COSINE).build();
        store.upsert(new VectorRecord("clip", vector(2), Map.of(), List.of(
                new dev.mmrag.api.SegmentVector(new dev.mmrag.api.TimeSpan(0, 1000), vector(2), null))));
        Path file = dir.resolve("store.hnsw");
        assertThatThrownBy(() -> store.save(file)).isInstanceOf(dev.mmrag.api.StoreException.class)
                .hasMessageContaining("segmented items").hasMessageContaining("'clip'");
        assertThat(file).doesNotExist();
        store.delete(List.of("clip"));
        store.upsert(new VectorRecord("img", vector(3), Map.of()));
        store.save(file);
        assertThat(HnswVectorStore.load(file).get("img")).isPresent();
        store.close();
    }

    @Test
    void aVideoWithManySegmentsIsFoundThroughTheGraphAsOneItem() {
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.COSINE).exactScanFraction(1.0).ef(10).build();
        store.upsert(records(400));
        List<dev.mmrag.api.SegmentVector> segments = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            segments.add(new dev.mmrag.api.SegmentVector(new dev.mmrag.api.TimeSpan(i * 1000L, i * 1000L + 1000),
                    vector(7000 + i), null));
        }
        store.upsert(new VectorRecord("clip", vector(7000), Map.of(), segments));
        List<SearchHit> hits = store.search(SearchRequest.of(vector(7010), 5));
        assertThat(hits).extracting(SearchHit::id).doesNotHaveDuplicates().hasSize(5).contains("clip");
        assertThat(hits.get(0).id()).isEqualTo("clip");
        assertThat(hits.get(0).moments().get(0).span().startMs()).isEqualTo(10_000);
        assertThat(hits.get(0).score()).isCloseTo(1.0, within(1e-5));
        assertThat(store.graphWalks()).isPositive();
        store.close();
    }

    @Test
    void builderRejectsBadParametersNamingThem() {
        assertThatThrownBy(() -> HnswVectorStore.builder(0, Metric.COSINE)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dimension is 0");
        assertThatThrownBy(() -> HnswVectorStore.builder(4, null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("metric");
        assertThatThrownBy(() -> HnswVectorStore.builder(4, Metric.COSINE).m(1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("m is 1");
        assertThatThrownBy(() -> HnswVectorStore.builder(4, Metric.COSINE).efConstruction(0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("efConstruction is 0");
        assertThatThrownBy(() -> HnswVectorStore.builder(4, Metric.COSINE).ef(0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ef is 0");
        assertThatThrownBy(() -> HnswVectorStore.builder(4, Metric.COSINE).initialCapacity(0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("initialCapacity is 0");
        assertThatThrownBy(() -> HnswVectorStore.builder(4, Metric.COSINE).exactScanFraction(Double.NaN))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("exactScanFraction is NaN");
    }

    @Test
    void builderDefaultsAreTheDocumentedOnesAndEfChangesAtRunTime() {
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.EUCLIDEAN).build();
        assertThat(store.m()).isEqualTo(HnswVectorStore.DEFAULT_M);
        assertThat(store.efConstruction()).isEqualTo(HnswVectorStore.DEFAULT_EF_CONSTRUCTION);
        assertThat(store.ef()).isEqualTo(HnswVectorStore.DEFAULT_EF);
        store.setEf(7);
        assertThat(store.ef()).isEqualTo(7);
        assertThatThrownBy(() -> store.setEf(-1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("ef is -1");
        assertThat(store.ef()).isEqualTo(7);
    }

    @Test
    void capacityGrowsFarBeyondTheInitialOneAndTombstonesAreCounted() {
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.COSINE).initialCapacity(2)
                .exactScanFraction(1).build();
        List<VectorRecord> records = records(300);
        for (VectorRecord record : records) {
            store.upsert(record);
        }
        store.upsert(new VectorRecord("id-7", vector(7_000), Map.of("replaced", true)));
        store.delete(List.of("id-8"));

        assertThat(store.count()).isEqualTo(299);
        assertThat(store.graphNodes()).as("300 nodes, plus one for the replaced id-7").isEqualTo(301);
        List<SearchHit> hits = store.search(SearchRequest.of(vector(7_000), 3));
        assertThat(hits.get(0).id()).isEqualTo("id-7");
        assertThat(hits.get(0).metadata()).containsEntry("replaced", true);
        assertThat(store.search(SearchRequest.of(vector(8), 300))).extracting(SearchHit::id)
                .doesNotContain("id-8").hasSize(299);
    }

    /**
     * A file holds at most 2^20 metadata entries and list elements, and strings of 64 MiB; an item beyond that would
     * make a save succeed with a file that cannot be loaded, so upsert refuses it. The string here has fewer chars
     * than the limit but more UTF-8 bytes.
     */
    @Test
    void upsertRefusesMetadataASavedFileCouldNotHoldAndTheStoreStillSavesAndLoads(@TempDir Path folder) {
        Map<String, Object> manyEntries = new HashMap<>();
        for (int i = 0; i <= HnswVectorStore.MAX_METADATA_ENTRIES; i++) {
            manyEntries.put("k" + i, true);
        }
        String longString = "\u00e9".repeat(HnswVectorStore.MAX_STRING_BYTES / 2 + 1);
        List<VectorRecord> batch = List.of(
                new VectorRecord("fits", vector(1), Map.of("tags", List.of("a", "b"))),
                new VectorRecord("long-list", vector(2),
                        Map.of("tags", Collections.nCopies(HnswVectorStore.MAX_LIST_ELEMENTS + 1, 7L))),
                new VectorRecord("many-entries", vector(3), manyEntries),
                new VectorRecord("long-string", vector(4), Map.of("text", longString)),
                new VectorRecord("fits-too", vector(5), Map.of("tags", List.of(longString.substring(0, 1000)))));

        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.COSINE).build();
        BatchResult result = store.upsert(batch);

        assertThat(result.failures()).extracting(ItemFailure::index).containsExactly(1, 2, 3);
        assertThat(result.failures().get(0).message()).contains("key 'tags'", "item 'long-list'",
                "list of " + (HnswVectorStore.MAX_LIST_ELEMENTS + 1) + " elements", "limit is 1048576");
        assertThat(result.failures().get(1).message()).contains("item 'many-entries'",
                (HnswVectorStore.MAX_METADATA_ENTRIES + 1) + " metadata entries", "limit is 1048576");
        assertThat(result.failures().get(2).message()).contains("key 'text'", "item 'long-string'",
                "string of " + (HnswVectorStore.MAX_STRING_BYTES + 2) + " UTF-8 bytes", "limit is 67108864");
        assertThat(result.failures()).allSatisfy(f -> assertThat(f.cause()).isInstanceOf(InvalidInputException.class));
        Path file = folder.resolve("store.hnsw");
        store.save(file);
        assertThat(HnswVectorStore.load(file).get("fits-too")).isEqualTo(store.get("fits-too")).isPresent();
        assertThat(store.count()).isEqualTo(2);
    }

    /**
     * As documented, a store of at most 16 times the search width {@code max(ef, topK)} is scanned exactly by
     * default; one item more and the search walks the graph.
     */
    @Test
    void aStoreOfAtMost16TimesTheSearchWidthIsScannedAndALargerOneWalked() {
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.COSINE).ef(4).build();
        store.upsert(records(64)).throwIfFailed();
        store.search(SearchRequest.of(vector(1_000), 3));
        assertThat(store.exactScans()).as("scans of 64 items with width 4").isEqualTo(1);
        assertThat(store.graphWalks()).isZero();

        store.upsert(records(65)).throwIfFailed();
        store.search(SearchRequest.of(vector(1_001), 3));
        assertThat(store.graphWalks()).as("walks of 65 items with width 4").isEqualTo(1);
        store.search(SearchRequest.of(vector(1_002), 5));
        assertThat(store.exactScans()).as("scans, the second of 65 items with width 5").isEqualTo(2);
        assertThat(store.graphWalks()).isEqualTo(1);
    }

    /**
     * Float distances overflow for vectors of large norm: random vectors scaled by 1e20 ranked another item above the
     * query's own under cosine. A vector above the limit is refused, naming the item and its norm, in an upsert and
     * as a query; vectors just within it rank as the double-precision reference scores say, under every metric.
     */
    @ParameterizedTest
    @EnumSource(Metric.class)
    void vectorsWhoseFloatDistancesCouldOverflowAreRefusedAndThoseWithinTheLimitRankCorrectly(Metric metric) {
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            records.add(VectorRecord.of("id-" + i, withNorm(vector(i), 0.999 * HnswVectorStore.MAX_VECTOR_NORM)));
        }
        float[] tooLong = withNorm(vector(7), 1.5 * HnswVectorStore.MAX_VECTOR_NORM);
        List<VectorRecord> batch = new ArrayList<>(records);
        batch.add(VectorRecord.of("too-long", tooLong));
        HnswVectorStore store = HnswVectorStore.builder(DIM, metric).build();

        BatchResult result = store.upsert(batch);

        assertThat(result.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.index()).isEqualTo(200);
            assertThat(failure.message()).startsWith("vector of item 'too-long' has a Euclidean norm of 1.50000e+18, "
                    + "above the limit of 1.00000e+18");
        });
        assertThatThrownBy(() -> store.search(SearchRequest.of(tooLong, 1))).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("query vector has a Euclidean norm of 1.50000e+18");
        for (VectorRecord queryRecord : records.subList(0, 50)) {
            float[] query = queryRecord.vector();
            double best = records.stream().mapToDouble(r -> metric.score(query, r.vector())).max().orElseThrow();
            SearchHit top = store.search(SearchRequest.of(query, 1)).get(0);
            assertThat(top.score()).as("best score for %s", queryRecord.id())
                    .isCloseTo(best, within(1e-6 * Math.max(1, Math.abs(best))));
        }
    }

    private static float[] withNorm(float[] vector, double norm) {
        double scale = norm / Vectors.norm(vector);
        float[] scaled = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            scaled[i] = (float) (vector[i] * scale);
        }
        return scaled;
    }

    @Test
    void reUpsertingUnchangedVectorsAddsNoGraphNodesAndKeepsTheCapacity(@TempDir Path folder) {
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.COSINE).initialCapacity(100).build();
        List<VectorRecord> records = records(100);
        for (int round = 0; round < 50; round++) {
            store.upsert(records).throwIfFailed();
        }
        store.upsert(new VectorRecord("id-3", vector(3), Map.of("synced", true)));

        assertThat(store.count()).isEqualTo(100);
        assertThat(store.graphNodes()).as("one node per item: the re-upserts updated them in place").isEqualTo(100);
        assertThat(store.get("id-3").orElseThrow().metadata()).isEqualTo(Map.of("synced", true));
        assertThat(store.search(SearchRequest.of(vector(3), 1)).get(0).metadata()).isEqualTo(Map.of("synced", true));
        Path file = folder.resolve("store.hnsw");
        store.save(file);
        assertThat(StoreFile.read(file).header().capacity())
                .as("capacity: grown once, as an upsert makes room for its whole batch first, and never again")
                .isEqualTo(200);

        store.upsert(new VectorRecord("id-3", vector(3_000), Map.of()));
        assertThat(store.graphNodes()).as("a changed vector takes a new node").isEqualTo(101);
    }
}
