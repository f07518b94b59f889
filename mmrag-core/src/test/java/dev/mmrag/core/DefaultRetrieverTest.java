package dev.mmrag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mmrag.api.BatchResult;
import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Modality;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.TextContent;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fusion and MMR on hand-made 3-d vectors, so that every expected score can be worked out on paper. */
class DefaultRetrieverTest {

    /** Maps the text (or an image's bytes read as text) "x,y,z" to the vector (x, y, z). */
    private static final Encoder LITERAL = new Encoder() {
        @Override
        public int dimension() {
            return 3;
        }

        @Override
        public Set<Modality> modalities() {
            return EnumSet.of(Modality.TEXT, Modality.IMAGE);
        }

        @Override
        public List<float[]> encode(List<? extends Content> contents) {
            List<float[]> out = new ArrayList<>();
            for (Content content : contents) {
                String text = content instanceof TextContent ? ((TextContent) content).text()
                        : new String(((ImageContent) content).readAllBytes(), StandardCharsets.UTF_8);
                String[] parts = text.split(",");
                out.add(new float[] {Float.parseFloat(parts[0]), Float.parseFloat(parts[1]), Float.parseFloat(parts[2])});
            }
            return out;
        }
    };

    private ExactVectorStore store;

    @BeforeEach
    void setUp() {
        store = new ExactVectorStore(3, Metric.DOT_PRODUCT);
        store.upsert(List.of(
                new VectorRecord("a", new float[] {1, 0, 0}, Map.of()),
                new VectorRecord("b", new float[] {0.9f, 0.1f, 0}, Map.of()),
                new VectorRecord("c", new float[] {0, 1, 0}, Map.of()),
                new VectorRecord("d", new float[] {0, 0, 1}, Map.of())));
    }

    private static Query mixed(String text, String image, int topK) {
        return Query.builder().text(text).image(ImageContent.of(image.getBytes(StandardCharsets.UTF_8), null))
                .topK(topK).build();
    }

    private static double score(List<Retrieved> results, String id) {
        return results.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow().score();
    }

    @Test
    void reciprocalRankFusionSumsOneOverSixtyPlusRank() {
        // text (1,0.05,0) ranks a, b, c, d; image (0.1,1,0) ranks c, b, a, d.
        List<Retrieved> results = DefaultRetriever.of(LITERAL, store).retrieve(mixed("1,0.05,0", "0.1,1,0", 4));
        assertThat(score(results, "a")).isCloseTo(1.0 / 61 + 1.0 / 63, within(1e-12));
        assertThat(score(results, "c")).isCloseTo(1.0 / 63 + 1.0 / 61, within(1e-12));
        assertThat(score(results, "b")).isCloseTo(1.0 / 62 + 1.0 / 62, within(1e-12));
        assertThat(score(results, "d")).isCloseTo(1.0 / 64 + 1.0 / 64, within(1e-12));
        assertThat(results.subList(0, 2)).extracting(Retrieved::id).containsExactlyInAnyOrder("a", "c");
        assertThat(results.subList(2, 4)).extracting(Retrieved::id).containsExactly("b", "d");
    }

    @Test
    void weightedFusionScoresEveryCandidateAgainstBothQueries() {
        DefaultRetriever retriever = DefaultRetriever.builder(LITERAL, store).fusion(Fusion.weighted(1, 2)).build();
        List<Retrieved> results = retriever.retrieve(mixed("1,0,0", "0,1,0", 4));
        assertThat(results).extracting(Retrieved::id).containsExactly("c", "b", "a", "d");
        assertThat(score(results, "c")).isCloseTo(2.0, within(1e-6));
        assertThat(score(results, "b")).isCloseTo(0.9 + 2 * 0.1, within(1e-6));
        assertThat(score(results, "a")).isCloseTo(1.0, within(1e-6));
        assertThat(score(results, "d")).isCloseTo(0.0, within(1e-6));
    }

    @Test
    void singlePartQueriesKeepTheStoreScore() {
        List<Retrieved> results = DefaultRetriever.of(LITERAL, store).retrieve(Query.builder().text("1,0,0").topK(2).build());
        assertThat(results).extracting(Retrieved::id).containsExactly("a", "b");
        assertThat(results.get(1).score()).isCloseTo(0.9, within(1e-6));
    }

    @Test
    void maximalMarginalRelevanceTradesANearDuplicateForADifferentItem() {
        Query query = Query.builder().text("1,0.2,0").topK(2).build();
        assertThat(DefaultRetriever.of(LITERAL, store).retrieve(query)).extracting(Retrieved::id).containsExactly("a", "b");
        DefaultRetriever diverse = DefaultRetriever.builder(LITERAL, store).mmr(0.5).build();
        assertThat(diverse.retrieve(query)).extracting(Retrieved::id).containsExactly("a", "c");
        DefaultRetriever relevanceOnly = DefaultRetriever.builder(LITERAL, store).mmr(1.0).build();
        assertThat(relevanceOnly.retrieve(query)).extracting(Retrieved::id).containsExactly("a", "b");
    }

    @Test
    void maximalMarginalRelevanceCountsAZeroVectorAsSimilarToNothing() {
        // A DOT_PRODUCT store accepts a zero vector; its cosine with anything is NaN, which MMR counts as 0.
        store.upsert(List.of(new VectorRecord("zero", new float[] {0, 0, 0}, Map.of())));
        Query query = Query.builder().text("1,0.2,0.1").topK(5).build();
        // Scores: a 1, b 0.92, c 0.2, d 0.1, zero 0.
        assertThat(DefaultRetriever.builder(LITERAL, store).mmr(1.0).build().retrieve(query)).extracting(Retrieved::id)
                .containsExactly("a", "b", "c", "d", "zero");
        assertThat(DefaultRetriever.builder(LITERAL, store).mmr(0.7).build().retrieve(query)).extracting(Retrieved::id)
                .containsExactly("a", "b", "c", "d", "zero");
    }

    @Test
    void maximalMarginalRelevancePrefersAZeroVectorToARedundantItemOfEqualRelevance() {
        List<SearchHit> candidates = List.of(
                new SearchHit("a", 1.0, Map.of(), new float[] {1, 0, 0}),
                new SearchHit("near-a", 0.5, Map.of(), new float[] {1, 1, 0}),
                new SearchHit("zero", 0.5, Map.of(), new float[] {0, 0, 0}),
                new SearchHit("low", 0.0, Map.of(), new float[] {0, 1, 0}));
        // After a: near-a is worth 0.5*0.5 - 0.5*cos 45deg < 0; zero is worth 0.5*0.5 - 0.5*0 = 0.25; low 0.
        assertThat(DefaultRetriever.maximalMarginalRelevance(candidates, 4, 0.5)).extracting(SearchHit::id)
                .containsExactly("a", "zero", "low", "near-a");
    }

    @Test
    void maximalMarginalRelevancePicksEvenWhenEveryValueIsUndefined() {
        // Infinite scores make the min-max scaled relevance NaN; the candidates still come back, in their order.
        List<SearchHit> candidates = List.of(
                new SearchHit("up", Double.POSITIVE_INFINITY, Map.of(), new float[] {1, 0, 0}),
                new SearchHit("down", Double.NEGATIVE_INFINITY, Map.of(), new float[] {0, 1, 0}));
        assertThat(DefaultRetriever.maximalMarginalRelevance(candidates, 2, 1.0)).extracting(SearchHit::id)
                .containsExactly("up", "down");
    }

    @Test
    void aHugeCandidateMultiplierFetchesAtMostTheLargestTopK() {
        List<Integer> requested = new ArrayList<>();
        VectorStore recording = new ForwardingStore(store) {
            @Override
            public List<SearchHit> search(SearchRequest request) {
                requested.add(request.topK());
                return super.search(request);
            }
        };
        Query query = mixed("1,0.05,0", "0.1,1,0", 2);
        List<Retrieved> expected = DefaultRetriever.of(LITERAL, store).retrieve(query);

        DefaultRetriever fused = DefaultRetriever.builder(LITERAL, recording)
                .candidateMultiplier(Integer.MAX_VALUE).build();
        assertThat(fused.retrieve(query)).isEqualTo(expected);
        DefaultRetriever mmr = DefaultRetriever.builder(LITERAL, recording)
                .candidateMultiplier(Integer.MAX_VALUE / 2 + 1).mmr(1.0).build();
        assertThat(mmr.retrieve(Query.builder().text("1,0.2,0").topK(SearchRequest.MAX_TOP_K).build()))
                .extracting(Retrieved::id).containsExactly("a", "b", "c", "d");
        assertThat(requested).containsOnly(SearchRequest.MAX_TOP_K).hasSize(3);
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> DefaultRetriever.builder(LITERAL, store).mmr(1.5)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> DefaultRetriever.builder(LITERAL, store).candidateMultiplier(0))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Fusion.weighted(0, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not both zero");
        assertThatThrownBy(() -> Fusion.reciprocalRank(0, 1, 1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> DefaultRetriever.of(LITERAL, new ExactVectorStore(4, Metric.COSINE)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("encoder dimension 3");
    }

    /** Passes every call to another store; tests override the calls they watch. */
    private static class ForwardingStore implements VectorStore {
        private final VectorStore delegate;

        ForwardingStore(VectorStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public int dimension() {
            return delegate.dimension();
        }

        @Override
        public Metric metric() {
            return delegate.metric();
        }

        @Override
        public BatchResult upsert(List<VectorRecord> records) {
            return delegate.upsert(records);
        }

        @Override
        public int delete(Collection<String> ids) {
            return delegate.delete(ids);
        }

        @Override
        public Optional<VectorRecord> get(String id) {
            return delegate.get(id);
        }

        @Override
        public long count() {
            return delegate.count();
        }

        @Override
        public List<SearchHit> search(SearchRequest request) {
            return delegate.search(request);
        }

        @Override
        public Set<String> metadataKeys() {
            return delegate.metadataKeys();
        }
    }
}
