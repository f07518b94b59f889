package dev.mmrag.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mmrag.api.BatchResult;
import dev.mmrag.api.Filter;
import dev.mmrag.api.Keyframe;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Moment;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.SegmentVector;
import dev.mmrag.api.TimeSpan;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link VectorStoreContract} plus the segment rules, for a store that holds segmented items (videos): an item
 * with many {@link SegmentVector}s is replaced and deleted as a whole (a re-cut video leaves no stale segment),
 * searched by its best segment, counted once by topK, and returned once with its best moments, best first, with
 * their reference scores; filters and the minimum score apply as to any item; images and videos rank together.
 *
 * <p>Thread-safety: a JUnit test class; each test gets a fresh store.
 */
public abstract class SegmentStoreContract extends VectorStoreContract {

    // ---------------------------------------------------------------- segments (video moments)

    /**
     * @param id the item id
     * @param seeds one vector seed per segment; segment i spans {@code [i s, i s + 1 s)} and has keyframe
     *     {@code id@i} at {@code i s + 0.5 s}
     * @param metadata the metadata
     * @return a segmented record whose item vector is its first segment's vector
     */
    protected static VectorRecord segmented(String id, long[] seeds, Map<String, Object> metadata) {
        List<SegmentVector> segments = new ArrayList<>();
        for (int i = 0; i < seeds.length; i++) {
            segments.add(new SegmentVector(new TimeSpan(i * 1000L, i * 1000L + 1000), vector(seeds[i]),
                    new Keyframe(id + "@" + i, i * 1000L + 500)));
        }
        return new VectorRecord(id, vector(seeds[0]), metadata, segments);
    }

    private static double best(Metric metric, float[] query, VectorRecord record) {
        if (!record.segmented()) {
            return metric.score(query, record.vector());
        }
        return record.segments().stream().mapToDouble(s -> metric.score(query, s.vector())).max().orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void segmentedItemsRankByTheirBestSegmentWithImagesAndCarryTheirBestMomentsBestFirst(Metric metric) {
        VectorStore store = store(DIM, metric);
        List<VectorRecord> records = new ArrayList<>(records(20));
        for (int v = 0; v < 6; v++) {
            long[] seeds = new long[7];
            for (int s = 0; s < seeds.length; s++) {
                seeds[s] = 5000 + v * 100 + s;
            }
            records.add(segmented("video-" + v, seeds, Map.of("n", 100L + v)));
        }
        assertThat(store.upsert(records).hasFailures()).isFalse();
        assertThat(store.count()).isEqualTo(26);
        for (int q = 0; q < 5; q++) {
            float[] query = vector(9000 + q);
            List<SearchHit> hits = store.search(SearchRequest.of(query, 8));
            List<String> expected = records.stream()
                    .sorted(Comparator.comparingDouble((VectorRecord r) -> best(metric, query, r)).reversed())
                    .limit(8).map(VectorRecord::id).collect(Collectors.toList());
            assertThat(hits).extracting(SearchHit::id).containsExactlyElementsOf(expected);
            for (SearchHit hit : hits) {
                VectorRecord record = byId(records, hit.id());
                assertThat(hit.score()).as("score of %s", hit.id())
                        .isCloseTo(best(metric, query, record), within(scoreTolerance()));
                if (!record.segmented()) {
                    assertThat(hit.moments()).isEmpty();
                    continue;
                }
                List<Double> reference = record.segments().stream().map(s -> metric.score(query, s.vector()))
                        .sorted(Comparator.reverseOrder()).limit(SearchRequest.DEFAULT_MOMENTS_PER_ITEM)
                        .collect(Collectors.toList());
                assertThat(hit.moments()).hasSize(SearchRequest.DEFAULT_MOMENTS_PER_ITEM);
                assertThat(hit.moments().get(0).score()).isCloseTo(hit.score(), within(scoreTolerance()));
                for (int i = 0; i < hit.moments().size(); i++) {
                    Moment moment = hit.moments().get(i);
                    assertThat(moment.score()).isCloseTo(reference.get(i), within(scoreTolerance()));
                    int index = (int) (moment.span().startMs() / 1000);
                    assertThat(moment.span()).isEqualTo(record.segments().get(index).span());
                    assertThat(moment.keyframe()).isEqualTo(new Keyframe(hit.id() + "@" + index, index * 1000L + 500));
                    assertThat(moment.score()).isCloseTo(metric.score(query, record.segments().get(index).vector()),
                            within(scoreTolerance()));
                }
            }
        }
    }

    @Test
    void topKCountsItemsNotSegmentsAndMomentsPerItemIsHonoured() {
        VectorStore store = store();
        float[] query = vector(42);
        long[] nearSeeds = {42, 42, 42, 42, 42, 42};
        store.upsert(List.of(segmented("v1", nearSeeds, Map.of()), segmented("v2", nearSeeds, Map.of()),
                new VectorRecord("img", vector(43), Map.of())));
        List<SearchHit> hits = store.search(SearchRequest.of(query, 2));
        assertThat(hits).extracting(SearchHit::id).containsExactlyInAnyOrder("v1", "v2");
        List<SearchHit> five = store.search(SearchRequest.builder(query, 3).momentsPerItem(5).build());
        assertThat(five).hasSize(3);
        assertThat(five.stream().filter(h -> !h.id().equals("img"))).allSatisfy(h -> assertThat(h.moments()).hasSize(5));
        List<SearchHit> one = store.search(SearchRequest.builder(query, 3).momentsPerItem(1).build());
        assertThat(one.stream().filter(h -> !h.id().equals("img"))).allSatisfy(h -> assertThat(h.moments()).hasSize(1));
    }

    @Test
    void reindexingASegmentedItemReplacesAllItsSegments() {
        VectorStore store = store();
        store.upsert(segmented("clip", new long[] {1, 2, 3, 4, 5, 6}, Map.of("cut", 1L)));
        store.upsert(segmented("clip", new long[] {7, 8}, Map.of("cut", 2L)));
        assertThat(store.count()).isEqualTo(1);
        VectorRecord stored = store.get("clip").orElseThrow();
        assertThat(stored.segments()).hasSize(2);
        assertThat(stored.metadata()).containsEntry("cut", 2L);
        for (long old = 1; old <= 6; old++) {
            List<SearchHit> hits = store.search(SearchRequest.builder(vector(old), 1).momentsPerItem(10).build());
            assertThat(hits).hasSize(1);
            assertThat(hits.get(0).moments()).hasSize(2)
                    .allSatisfy(m -> assertThat(m.span().startMs()).isLessThan(2000))
                    .extracting(m -> m.keyframe().reference()).containsExactlyInAnyOrder("clip@0", "clip@1");
        }
        store.upsert(new VectorRecord("clip", vector(9), Map.of()));
        assertThat(store.get("clip").orElseThrow().segments()).isEmpty();
        List<SearchHit> plain = store.search(SearchRequest.of(vector(7), 1));
        assertThat(plain.get(0).moments()).isEmpty();
        assertThat(plain.get(0).score()).isCloseTo(Metric.COSINE.score(vector(7), vector(9)), within(scoreTolerance()));
    }

    @Test
    void deletingASegmentedItemDeletesAllItsSegments() {
        VectorStore store = store();
        store.upsert(List.of(segmented("clip", new long[] {1, 2, 3}, Map.of()), new VectorRecord("img", vector(4), Map.of())));
        assertThat(store.delete(List.of("clip"))).isEqualTo(1);
        assertThat(store.count()).isEqualTo(1);
        assertThat(store.get("clip")).isEmpty();
        for (long seed = 1; seed <= 3; seed++) {
            assertThat(store.search(SearchRequest.of(vector(seed), 5))).extracting(SearchHit::id).containsExactly("img");
        }
        store.upsert(segmented("clip", new long[] {5}, Map.of()));
        assertThat(store.search(SearchRequest.of(vector(5), 1)).get(0).moments()).hasSize(1);
    }

    @Test
    void segmentsRoundTripThroughGet() {
        VectorStore store = store();
        VectorRecord record = segmented("clip", new long[] {11, 12, 13}, Map.of("title", "lookbook"));
        store.upsert(record);
        VectorRecord stored = store.get("clip").orElseThrow();
        assertThat(stored.segments()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(stored.segments().get(i).span()).isEqualTo(record.segments().get(i).span());
            assertThat(stored.segments().get(i).keyframe()).isEqualTo(record.segments().get(i).keyframe());
            assertThat(stored.segments().get(i).vector()).containsExactly(record.segments().get(i).vector(), within(1e-6f));
        }
    }

    @Test
    void filtersAndMinScoreApplyToSegmentedItemsAndTheirMoments() {
        VectorStore store = store();
        store.upsert(List.of(segmented("red", new long[] {1, 2, 3, 4}, Map.of("colour", "red")),
                segmented("blue", new long[] {1, 2, 3, 4}, Map.of("colour", "blue"))));
        float[] query = vector(1);
        List<SearchHit> red = store.search(SearchRequest.builder(query, 5).filter(Filter.eq("colour", "red")).build());
        assertThat(red).extracting(SearchHit::id).containsExactly("red");
        double second = red.get(0).moments().get(1).score();
        List<SearchHit> strict = store.search(SearchRequest.builder(query, 5).minScore(second).momentsPerItem(10).build());
        assertThat(strict).extracting(SearchHit::id).containsExactlyInAnyOrder("red", "blue");
        assertThat(strict).allSatisfy(h -> assertThat(h.moments()).hasSize(2)
                .allSatisfy(m -> assertThat(m.score()).isGreaterThanOrEqualTo(second - scoreTolerance())));
        assertThat(store.search(SearchRequest.builder(query, 5).minScore(1.5).build())).isEmpty();
    }

    @Test
    void aSegmentOfTheWrongDimensionFailsItsItemAloneAndKeepsWhatWasStored() {
        VectorStore store = store();
        store.upsert(segmented("clip", new long[] {1, 2}, Map.of("v", 1L)));
        VectorRecord bad = new VectorRecord("clip", new float[] {1, 0, 0}, Map.of("v", 2L),
                List.of(new SegmentVector(new TimeSpan(0, 10), new float[] {1, 0, 0}, null)));
        VectorRecord zero = new VectorRecord("other", vector(3), Map.of(),
                List.of(new SegmentVector(new TimeSpan(0, 10), new float[DIM], null)));
        BatchResult result = store.upsert(List.of(bad, zero, new VectorRecord("fine", vector(4), Map.of())));
        assertThat(result.failures()).extracting(f -> f.index()).containsExactlyInAnyOrder(0, 1);
        assertThat(store.get("clip").orElseThrow().metadata()).containsEntry("v", 1L);
        assertThat(store.get("clip").orElseThrow().segments()).hasSize(2);
        assertThat(store.get("other")).isEmpty();
        assertThat(store.get("fine")).isPresent();
    }

}
