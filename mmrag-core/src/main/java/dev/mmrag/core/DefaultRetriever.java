package dev.mmrag.core;

import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.Retriever;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.TextContent;
import dev.mmrag.api.VectorStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The default {@link Retriever}: encodes the query's text and image (in one encoder call), searches the store
 * with each, and fuses the two rankings.
 *
 * <ul>
 *   <li>A text-only or image-only query is one search of {@code topK} items.</li>
 *   <li>A text-and-image query searches {@code topK × candidateMultiplier} items (at most
 *       {@value SearchRequest#MAX_TOP_K}) with each part and fuses them with the configured {@link Fusion}
 *       (reciprocal rank fusion by default).</li>
 *   <li>The query's filter and minimum score are passed to every search, so both apply before fusion.</li>
 *   <li>Optionally, maximal marginal relevance (MMR) re-ranks {@code topK × candidateMultiplier} candidates
 *       (at most {@value SearchRequest#MAX_TOP_K}) to trade relevance for diversity: each next pick maximises
 *       {@code λ·relevance − (1−λ)·max cosine similarity to the items already picked}, with relevance min-max
 *       scaled to [0, 1] over the candidates. {@code λ = 1} is plain relevance order. A zero vector (which
 *       DOT_PRODUCT and EUCLIDEAN stores accept) has no direction: its cosine similarity, undefined (NaN),
 *       counts as 0, so it is redundant with no item. A value that cannot be computed (infinite scores) ranks
 *       below every other; on a tie the earlier candidate wins.</li>
 * </ul>
 *
 * <p>A segmented item (a video) comes back once, scored by its best segment, with its best moments (at most
 * {@link Builder#momentsPerItem(int)}, best first); topK counts items. A fused hit keeps the moments of the
 * part (text or image) whose search found it first.
 *
 * <p>Defaults: {@link Fusion#reciprocalRank()}, candidate multiplier {@value #DEFAULT_CANDIDATE_MULTIPLIER},
 * MMR off, {@value SearchRequest#DEFAULT_MOMENTS_PER_ITEM} moments per item. A moment whose span is one of the
 * item's stored spoken passages (see {@link dev.mmrag.api.Item#SPOKEN_KEY_PREFIX}) comes back as a
 * {@link dev.mmrag.api.MomentKind#SPOKEN} moment with its words.
 *
 * <p>Thread-safety: immutable; safe for concurrent use when the encoder and store are.
 */
public final class DefaultRetriever implements Retriever {

    /** The default factor by which a part's search over-fetches before fusion or MMR. */
    public static final int DEFAULT_CANDIDATE_MULTIPLIER = 4;

    private final Encoder encoder;
    private final VectorStore store;
    private final Fusion fusion;
    private final int candidateMultiplier;
    private final Double mmrLambda;
    private final int momentsPerItem;

    private DefaultRetriever(Builder builder) {
        this.encoder = builder.encoder;
        this.store = builder.store;
        this.fusion = builder.fusion;
        this.candidateMultiplier = builder.candidateMultiplier;
        this.mmrLambda = builder.mmrLambda;
        this.momentsPerItem = builder.momentsPerItem;
    }

    /**
     * @param encoder encodes the query; its dimension must equal the store's
     * @param store the store to search
     * @return a builder with the defaults
     */
    public static Builder builder(Encoder encoder, VectorStore store) {
        return new Builder(encoder, store);
    }

    /**
     * @param encoder encodes the query
     * @param store the store to search
     * @return a retriever with the defaults
     */
    public static DefaultRetriever of(Encoder encoder, VectorStore store) {
        return builder(encoder, store).build();
    }

    @Override
    public List<Retrieved> retrieve(Query query) {
        if (query == null) {
            throw new InvalidInputException("query must not be null");
        }
        List<Content> parts = new ArrayList<>(2);
        if (query.text() != null) {
            parts.add(new TextContent(query.text()));
        }
        if (query.image() != null) {
            parts.add(query.image());
        }
        List<float[]> vectors = encoder.encode(parts);
        boolean fused = parts.size() == 2;
        boolean mmr = mmrLambda != null;
        int fetch = fused || mmr ? candidates(query.topK(), candidateMultiplier) : query.topK();
        boolean withVectors = mmr || (fused && fusion.needsVectors());

        List<SearchHit> ranked;
        if (fused) {
            List<SearchHit> textHits = search(vectors.get(0), fetch, query, withVectors);
            List<SearchHit> imageHits = search(vectors.get(1), fetch, query, withVectors);
            ranked = fusion.fuse(textHits, imageHits, vectors.get(0), vectors.get(1), store.metric());
        } else {
            ranked = search(vectors.get(0), fetch, query, withVectors);
        }
        if (mmr) {
            ranked = maximalMarginalRelevance(ranked, query.topK(), mmrLambda);
        }
        List<Retrieved> results = new ArrayList<>(Math.min(query.topK(), ranked.size()));
        for (SearchHit hit : ranked.subList(0, Math.min(query.topK(), ranked.size()))) {
            results.add(SpokenMoments.annotate(Retrieved.of(hit)));
        }
        return results;
    }

    /** {@code topK × multiplier}, computed without overflow and capped at {@link SearchRequest#MAX_TOP_K}. */
    private static int candidates(int topK, int multiplier) {
        return (int) Math.min(SearchRequest.MAX_TOP_K, (long) topK * multiplier);
    }

    private List<SearchHit> search(float[] vector, int topK, Query query, boolean withVectors) {
        return store.search(SearchRequest.builder(vector, topK)
                .filter(query.filter())
                .minScore(query.minScore())
                .includeVectors(withVectors)
                .momentsPerItem(momentsPerItem)
                .build());
    }

    static List<SearchHit> maximalMarginalRelevance(List<SearchHit> candidates, int topK, double lambda) {
        if (candidates.isEmpty()) {
            return candidates;
        }
        double max = candidates.stream().mapToDouble(SearchHit::score).max().orElseThrow();
        double min = candidates.stream().mapToDouble(SearchHit::score).min().orElseThrow();
        double span = max - min;
        List<SearchHit> remaining = new ArrayList<>(candidates);
        List<float[]> remainingVectors = new ArrayList<>();
        for (SearchHit hit : candidates) {
            remainingVectors.add(hit.vector());
        }
        List<SearchHit> picked = new ArrayList<>();
        List<float[]> pickedVectors = new ArrayList<>();
        while (picked.size() < topK && !remaining.isEmpty()) {
            int bestIndex = -1;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < remaining.size(); i++) {
                double relevance = span == 0 ? 1 : (remaining.get(i).score() - min) / span;
                double redundancy = 0;
                for (float[] chosen : pickedVectors) {
                    redundancy = Math.max(redundancy, similarity(remainingVectors.get(i), chosen));
                }
                double value = lambda * relevance - (1 - lambda) * redundancy;
                if (Double.isNaN(value)) {
                    value = Double.NEGATIVE_INFINITY;
                }
                if (bestIndex < 0 || value > bestValue) {
                    bestValue = value;
                    bestIndex = i;
                }
            }
            picked.add(remaining.remove(bestIndex));
            pickedVectors.add(remainingVectors.remove(bestIndex));
        }
        return picked;
    }

    /** The cosine similarity of two candidates, or 0 when it is undefined because one is a zero vector. */
    private static double similarity(float[] a, float[] b) {
        double cosine = Metric.COSINE.score(a, b);
        return Double.isNaN(cosine) ? 0 : cosine;
    }

    @Override
    public String toString() {
        return "DefaultRetriever[" + fusion + ", candidateMultiplier=" + candidateMultiplier
                + (mmrLambda == null ? "" : ", mmrLambda=" + mmrLambda) + "]";
    }

    /** Builds a {@link DefaultRetriever}. Not thread-safe. */
    public static final class Builder {
        private final Encoder encoder;
        private final VectorStore store;
        private Fusion fusion = Fusion.reciprocalRank();
        private int candidateMultiplier = DEFAULT_CANDIDATE_MULTIPLIER;
        private Double mmrLambda;
        private int momentsPerItem = SearchRequest.DEFAULT_MOMENTS_PER_ITEM;

        private Builder(Encoder encoder, VectorStore store) {
            if (encoder == null || store == null) {
                throw new InvalidInputException("a retriever needs an encoder and a store");
            }
            if (encoder.dimension() != store.dimension()) {
                throw new InvalidInputException("encoder dimension " + encoder.dimension()
                        + " does not match store dimension " + store.dimension());
            }
            this.encoder = encoder;
            this.store = store;
        }

        /**
         * @param fusion how text and image rankings combine (default reciprocal rank fusion)
         * @return this builder
         */
        public Builder fusion(Fusion fusion) {
            if (fusion == null) {
                throw new InvalidInputException("fusion must not be null");
            }
            this.fusion = fusion;
            return this;
        }

        /**
         * @param multiplier how many times topK each part fetches for fusion or MMR (default
         *     {@value DefaultRetriever#DEFAULT_CANDIDATE_MULTIPLIER}), at least 1; a search never fetches more
         *     than {@value SearchRequest#MAX_TOP_K} items, however large the product
         * @return this builder
         */
        public Builder candidateMultiplier(int multiplier) {
            if (multiplier < 1) {
                throw new InvalidInputException("candidate multiplier is " + multiplier + "; expected at least 1");
            }
            this.candidateMultiplier = multiplier;
            return this;
        }

        /**
         * Turns on maximal marginal relevance re-ranking.
         *
         * @param lambda between 0 (diversity only) and 1 (relevance only)
         * @return this builder
         */
        public Builder mmr(double lambda) {
            if (!(lambda >= 0 && lambda <= 1)) {
                throw new InvalidInputException("MMR lambda is " + lambda + "; expected 0 to 1");
            }
            this.mmrLambda = lambda;
            return this;
        }

        /**
         * @param momentsPerItem how many best moments each video hit carries (default
         *     {@value SearchRequest#DEFAULT_MOMENTS_PER_ITEM}), 1 to {@value SearchRequest#MAX_MOMENTS_PER_ITEM}
         * @return this builder
         */
        public Builder momentsPerItem(int momentsPerItem) {
            if (momentsPerItem < 1 || momentsPerItem > SearchRequest.MAX_MOMENTS_PER_ITEM) {
                throw new InvalidInputException("momentsPerItem is " + momentsPerItem + "; expected 1 to "
                        + SearchRequest.MAX_MOMENTS_PER_ITEM);
            }
            this.momentsPerItem = momentsPerItem;
            return this;
        }

        /** @return the retriever */
        public DefaultRetriever build() {
            return new DefaultRetriever(this);
        }
    }
}
