package dev.mmrag.core;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.SearchHit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How {@link DefaultRetriever} combines a hybrid query's rankings: the keyword index's, the text vector search's
 * and, when the query has an image, the image vector search's.
 *
 * <ul>
 *   <li>{@link #reciprocalRank()} (the default): reciprocal rank fusion, {@code score = sum over lists of
 *       weight / (k + rank)} with ranks from 1, rank constant {@code k = }{@value #DEFAULT_RANK_CONSTANT} and
 *       weight 1 for every list. It needs no comparable scores, which matters here: BM25 scores are unbounded
 *       and cosine similarities are not.</li>
 *   <li>{@link #weighted(double, double, double)}: a convex combination of normalised scores. Each list's
 *       scores are min-max scaled to [0, 1] (a list whose scores are all equal scales to 1), an item missing
 *       from a list counts 0 there, and {@code score = sum of weight × scaled score / sum of the weights of the
 *       lists the query has}, so the fused score stays in [0, 1].</li>
 * </ul>
 * On equal fused scores the item first seen (keyword list first, then text, then image) ranks first.
 *
 * <p>Thread-safety: immutable.
 */
public final class HybridFusion {

    /** The rank constant of {@link #reciprocalRank()}. */
    public static final int DEFAULT_RANK_CONSTANT = 60;

    /** The lists a hybrid query fuses. */
    public enum Source {
        /** The keyword index's ranking of the query text. */
        KEYWORD,
        /** The vector store's ranking of the query text's embedding. */
        TEXT,
        /** The vector store's ranking of the query image's embedding. */
        IMAGE
    }

    private final boolean weightedScores;
    private final int rankConstant;
    private final Map<Source, Double> weights;

    private HybridFusion(boolean weightedScores, int rankConstant, double keyword, double text, double image) {
        check("keyword", keyword);
        check("text", text);
        check("image", image);
        if (keyword + text + image == 0) {
            throw new InvalidInputException("hybrid fusion weights are all zero; at least one must be above 0");
        }
        if (rankConstant < 1) {
            throw new InvalidInputException("reciprocal rank fusion constant is " + rankConstant
                    + "; expected at least 1");
        }
        this.weightedScores = weightedScores;
        this.rankConstant = rankConstant;
        this.weights = new EnumMap<>(Source.class);
        weights.put(Source.KEYWORD, keyword);
        weights.put(Source.TEXT, text);
        weights.put(Source.IMAGE, image);
    }

    private static void check(String name, double weight) {
        if (!(weight >= 0) || !Double.isFinite(weight)) {
            throw new InvalidInputException("hybrid fusion weight of the " + name + " list is " + weight
                    + "; expected a finite number >= 0");
        }
    }

    /** @return reciprocal rank fusion with rank constant {@value #DEFAULT_RANK_CONSTANT} and weight 1 per list */
    public static HybridFusion reciprocalRank() {
        return reciprocalRank(DEFAULT_RANK_CONSTANT, 1, 1, 1);
    }

    /**
     * @param rankConstant the {@code k} added to each rank, at least 1 (larger flattens the top ranks)
     * @param keyword the weight of the keyword list, finite, at least 0
     * @param text the weight of the text vector list, finite, at least 0
     * @param image the weight of the image vector list, finite, at least 0
     * @return reciprocal rank fusion with these parameters (not all weights 0)
     */
    public static HybridFusion reciprocalRank(int rankConstant, double keyword, double text, double image) {
        return new HybridFusion(false, rankConstant, keyword, text, image);
    }

    /**
     * @param keyword the weight of the keyword list, finite, at least 0
     * @param text the weight of the text vector list, finite, at least 0
     * @param image the weight of the image vector list, finite, at least 0
     * @return a weighted combination of min-max normalised scores (not all weights 0)
     */
    public static HybridFusion weighted(double keyword, double text, double image) {
        return new HybridFusion(true, DEFAULT_RANK_CONSTANT, keyword, text, image);
    }

    /** @return whether this is the weighted combination of normalised scores (else reciprocal rank fusion) */
    public boolean isWeighted() {
        return weightedScores;
    }

    /** @return the rank constant (used by reciprocal rank fusion only) */
    public int rankConstant() {
        return rankConstant;
    }

    /**
     * @param source a list
     * @return its weight
     */
    public double weight(Source source) {
        return weights.get(source);
    }

    /**
     * Fuses rankings.
     *
     * @param lists each list's hits, best first; a list may be empty or missing
     * @return every candidate once, best first, with its fused score (and the metadata, vector and moments of its
     *     first appearance in a vector list, or of its keyword hit when no vector list has it)
     */
    public List<SearchHit> fuse(Map<Source, List<SearchHit>> lists) {
        Map<String, SearchHit> candidates = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        double weightSum = 0;
        for (Source source : Source.values()) {
            List<SearchHit> hits = lists.get(source);
            if (hits == null) {
                continue;
            }
            double weight = weights.get(source);
            weightSum += weight;
            for (SearchHit hit : hits) {
                // A keyword hit has neither vector nor moments: a vector list's hit of the same item replaces it.
                candidates.merge(hit.id(), hit, (first, later) ->
                        first.vector() == null && first.moments().isEmpty() && (later.vector() != null
                                || !later.moments().isEmpty()) ? later : first);
                scores.putIfAbsent(hit.id(), 0.0);
            }
            if (weight == 0 || hits.isEmpty()) {
                continue;
            }
            if (weightedScores) {
                double max = hits.stream().mapToDouble(SearchHit::score).max().orElseThrow();
                double min = hits.stream().mapToDouble(SearchHit::score).min().orElseThrow();
                double span = max - min;
                for (SearchHit hit : hits) {
                    double scaled = span > 0 && Double.isFinite(span) ? (hit.score() - min) / span : 1;
                    scores.merge(hit.id(), weight * scaled, Double::sum);
                }
            } else {
                for (int rank = 1; rank <= hits.size(); rank++) {
                    scores.merge(hits.get(rank - 1).id(), weight / (rankConstant + rank), Double::sum);
                }
            }
        }
        List<SearchHit> fused = new ArrayList<>(candidates.size());
        for (SearchHit hit : candidates.values()) {
            double score = scores.get(hit.id());
            if (weightedScores) {
                score = weightSum == 0 ? 0 : score / weightSum;
            }
            fused.add(hit.withScore(score));
        }
        fused.sort(Comparator.comparingDouble(SearchHit::score).reversed()); // stable: first seen wins ties
        return fused;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, weightedScores
                ? "HybridFusion[weighted, keyword=%s, text=%s, image=%s]"
                : "HybridFusion[reciprocal rank, k=" + rankConstant + ", keyword=%s, text=%s, image=%s]",
                weights.get(Source.KEYWORD), weights.get(Source.TEXT), weights.get(Source.IMAGE));
    }
}
