package dev.mmrag.core;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@link DefaultRetriever} combines the rankings of a query's parts (its text and its image) into one.
 *
 * <ul>
 *   <li>{@link #reciprocalRank()} (the default): reciprocal rank fusion, {@code score = sum of
 *       weight / (k + rank)} with ranks from 1 and {@code k = 60}. It needs no comparable scores, which matters
 *       because text-to-image and image-to-image similarities live on different scales.</li>
 *   <li>{@link #weighted(double, double)}: a weighted sum of the parts' similarity scores. Every candidate of
 *       either part is scored exactly against both query vectors (with the store's metric), so an item found
 *       by one part only is not penalised by a guess.</li>
 * </ul>
 *
 * <p>Thread-safety: immutable.
 */
public final class Fusion {

    /** The {@code k} of reciprocal rank fusion used by {@link #reciprocalRank()}. */
    public static final int DEFAULT_RRF_K = 60;

    private final boolean weightedScores;
    private final int rrfK;
    private final double textWeight;
    private final double imageWeight;

    private Fusion(boolean weightedScores, int rrfK, double textWeight, double imageWeight) {
        if (!(textWeight >= 0) || !(imageWeight >= 0) || textWeight + imageWeight == 0
                || !Double.isFinite(textWeight + imageWeight)) {
            throw new InvalidInputException("fusion weights are text " + textWeight + " and image " + imageWeight
                    + "; expected finite, non-negative and not both zero");
        }
        if (rrfK < 1) {
            throw new InvalidInputException("reciprocal rank fusion k is " + rrfK + "; expected at least 1");
        }
        this.weightedScores = weightedScores;
        this.rrfK = rrfK;
        this.textWeight = textWeight;
        this.imageWeight = imageWeight;
    }

    /** @return reciprocal rank fusion with k = {@value #DEFAULT_RRF_K} and equal weights */
    public static Fusion reciprocalRank() {
        return new Fusion(false, DEFAULT_RRF_K, 1, 1);
    }

    /**
     * @param k the rank offset, at least 1 (larger flattens the difference between top ranks)
     * @param textWeight the weight of the text ranking
     * @param imageWeight the weight of the image ranking
     * @return reciprocal rank fusion with these parameters
     */
    public static Fusion reciprocalRank(int k, double textWeight, double imageWeight) {
        return new Fusion(false, k, textWeight, imageWeight);
    }

    /**
     * @param textWeight the weight of the text similarity
     * @param imageWeight the weight of the image similarity
     * @return weighted score fusion
     */
    public static Fusion weighted(double textWeight, double imageWeight) {
        return new Fusion(true, DEFAULT_RRF_K, textWeight, imageWeight);
    }

    /** @return whether this fusion needs the candidates' vectors (weighted score fusion does) */
    boolean needsVectors() {
        return weightedScores;
    }

    /**
     * Fuses the rankings of the text part and the image part.
     *
     * @param textHits the text part's hits, best first (with vectors for weighted fusion)
     * @param imageHits the image part's hits, best first (with vectors for weighted fusion)
     * @param textQuery the text query vector
     * @param imageQuery the image query vector
     * @param metric the store's metric
     * @return every candidate once, best first, with its fused score
     */
    List<SearchHit> fuse(List<SearchHit> textHits, List<SearchHit> imageHits, float[] textQuery, float[] imageQuery,
            Metric metric) {
        Map<String, SearchHit> candidates = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        if (weightedScores) {
            for (List<SearchHit> hits : List.of(textHits, imageHits)) {
                for (SearchHit hit : hits) {
                    if (candidates.putIfAbsent(hit.id(), hit) == null) {
                        float[] vector = hit.vector();
                        if (vector == null) {
                            throw new IllegalStateException("weighted fusion needs the hits' vectors");
                        }
                        scores.put(hit.id(), textWeight * metric.score(textQuery, vector)
                                + imageWeight * metric.score(imageQuery, vector));
                    }
                }
            }
        } else {
            addReciprocalRanks(textHits, textWeight, candidates, scores);
            addReciprocalRanks(imageHits, imageWeight, candidates, scores);
        }
        List<SearchHit> fused = new ArrayList<>(candidates.size());
        for (SearchHit hit : candidates.values()) {
            fused.add(hit.withScore(scores.get(hit.id())));
        }
        fused.sort(Comparator.comparingDouble(SearchHit::score).reversed());
        return fused;
    }

    private void addReciprocalRanks(List<SearchHit> hits, double weight, Map<String, SearchHit> candidates,
            Map<String, Double> scores) {
        for (int rank = 1; rank <= hits.size(); rank++) {
            SearchHit hit = hits.get(rank - 1);
            candidates.putIfAbsent(hit.id(), hit);
            scores.merge(hit.id(), weight / (rrfK + rank), Double::sum);
        }
    }

    @Override
    public String toString() {
        return weightedScores ? "Fusion[weighted, text=" + textWeight + ", image=" + imageWeight + "]"
                : "Fusion[reciprocal rank, k=" + rrfK + ", text=" + textWeight + ", image=" + imageWeight + "]";
    }
}
