package dev.mmrag.core;

import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.KeywordFields;
import dev.mmrag.api.KeywordIndex;
import dev.mmrag.api.KeywordSearchRequest;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.Retriever;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.TextContent;
import dev.mmrag.api.VectorStore;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

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
 * <p>Hybrid retrieval: with a {@link KeywordIndex} (see {@link Builder#keywordIndex(KeywordIndex, KeywordFields)}),
 * a query with text that does not turn it off ({@link Query#hybrid()}; default on, see
 * {@link Builder#hybridByDefault(boolean)}) also searches the keyword index with its text (the query's filter
 * applies, its minimum score does not: keyword scores are on another scale), each list fetching
 * {@code topK × candidateMultiplier} items, and the keyword, text-vector and (when there is an image)
 * image-vector rankings are fused by the configured {@link HybridFusion} (reciprocal rank fusion by default)
 * instead of {@link Fusion}.
 *
 * <p>A segmented item (a video) comes back once, scored by its best segment, with its best moments (at most
 * {@link Builder#momentsPerItem(int)}, best first); topK counts items. A fused hit keeps the moments of the
 * part (text or image) whose search found it first.
 *
 * <p>Defaults: {@link Fusion#reciprocalRank()}, candidate multiplier {@value #DEFAULT_CANDIDATE_MULTIPLIER},
 * MMR off, {@value SearchRequest#DEFAULT_MOMENTS_PER_ITEM} moments per item, no keyword index; with one,
 * {@link HybridFusion#reciprocalRank()} and hybrid on for text queries. A moment whose span is one of the
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
    private final KeywordIndex keywordIndex;
    private final KeywordFields keywordFields;
    private final HybridFusion hybridFusion;
    private final boolean hybridByDefault;
    private final int momentsPerItem;

    private DefaultRetriever(Builder builder) {
        this.keywordIndex = builder.keywordIndex;
        this.keywordFields = builder.keywordFields;
        this.hybridFusion = builder.hybridFusion;
        this.hybridByDefault = builder.hybridByDefault;
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
        if (usesKeywords(query)) {
            return hybrid(query, vectors);
        }
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

    /**
     * @param query a query
     * @return whether this retriever answers it with hybrid (keyword and vector) retrieval
     */
    public boolean usesKeywords(Query query) {
        return keywordIndex != null && query.text() != null
                && (query.hybrid() != null ? query.hybrid() : hybridByDefault);
    }

    /** Keyword, text-vector and image-vector lists, fused by {@link #hybridFusion}. */
    private List<Retrieved> hybrid(Query query, List<float[]> vectors) {
        boolean mmr = mmrLambda != null;
        int fetch = candidates(query.topK(), candidateMultiplier);
        Map<HybridFusion.Source, List<SearchHit>> lists = new EnumMap<>(HybridFusion.Source.class);
        lists.put(HybridFusion.Source.KEYWORD, keywordIndex.search(new KeywordSearchRequest(query.text(), fetch,
                query.filter(), keywordFields.boosts())));
        lists.put(HybridFusion.Source.TEXT, search(vectors.get(0), fetch, query, mmr));
        if (vectors.size() == 2) {
            lists.put(HybridFusion.Source.IMAGE, search(vectors.get(1), fetch, query, mmr));
        }
        List<SearchHit> ranked = hybridFusion.fuse(lists);
        if (mmr) {
            List<SearchHit> withVectors = new ArrayList<>(ranked.size());
            for (SearchHit hit : ranked) {
                // A keyword-only hit has no vector: read it from the store (an item the store lacks is dropped).
                if (hit.vector() != null) {
                    withVectors.add(hit);
                } else {
                    store.get(hit.id()).ifPresent(record ->
                            withVectors.add(new SearchHit(hit.id(), hit.score(), hit.metadata(), record.vector())));
                }
            }
            ranked = maximalMarginalRelevance(withVectors, query.topK(), mmrLambda);
        }
        List<Retrieved> results = new ArrayList<>(Math.min(query.topK(), ranked.size()));
        for (SearchHit hit : ranked.subList(0, Math.min(query.topK(), ranked.size()))) {
            results.add(Retrieved.of(hit));
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
                + (mmrLambda == null ? "" : ", mmrLambda=" + mmrLambda)
                + (keywordIndex == null ? "" : ", keywords=" + keywordFields.boosts() + ", " + hybridFusion
                        + ", hybridByDefault=" + hybridByDefault) + "]";
    }

    /** Builds a {@link DefaultRetriever}. Not thread-safe. */
    public static final class Builder {
        private final Encoder encoder;
        private final VectorStore store;
        private Fusion fusion = Fusion.reciprocalRank();
        private int candidateMultiplier = DEFAULT_CANDIDATE_MULTIPLIER;
        private Double mmrLambda;
        private KeywordIndex keywordIndex;
        private KeywordFields keywordFields = KeywordFields.defaults();
        private HybridFusion hybridFusion = HybridFusion.reciprocalRank();
        private boolean hybridByDefault = true;
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
         * Adds a keyword index for hybrid retrieval (default: none).
         *
         * @param index the keyword index holding the same items as the store, or null for none
         * @param fields the fields to search with their boosts (the ones the items were indexed with)
         * @return this builder
         */
        public Builder keywordIndex(KeywordIndex index, KeywordFields fields) {
            if (index != null && fields == null) {
                throw new InvalidInputException("a keyword index needs the keyword fields to search");
            }
            this.keywordIndex = index;
            this.keywordFields = fields == null ? KeywordFields.defaults() : fields;
            return this;
        }

        /**
         * @param fusion how keyword and vector rankings combine in hybrid retrieval (default
         *     {@link HybridFusion#reciprocalRank()})
         * @return this builder
         */
        public Builder hybridFusion(HybridFusion fusion) {
            if (fusion == null) {
                throw new InvalidInputException("hybrid fusion must not be null");
            }
            this.hybridFusion = fusion;
            return this;
        }

        /**
         * @param on whether a query with text that leaves {@link Query#hybrid()} unset uses the keyword index
         *     (default true)
         * @return this builder
         */
        public Builder hybridByDefault(boolean on) {
            this.hybridByDefault = on;
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
