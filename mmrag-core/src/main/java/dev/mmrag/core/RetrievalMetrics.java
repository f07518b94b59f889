package dev.mmrag.core;

import dev.mmrag.api.InvalidInputException;
import java.util.List;
import java.util.Set;

/**
 * Retrieval quality over labelled queries: recall@k, mean reciprocal rank and nDCG@k with binary relevance.
 *
 * <p>Definitions, per query, averaged over all queries:
 * <ul>
 *   <li>recall@k (the "hit rate" form): 1 when any relevant id is among the first k results, else 0;</li>
 *   <li>reciprocal rank: 1 / the rank of the first relevant result (ranks from 1), 0 when none is returned;</li>
 *   <li>nDCG@k: DCG of the first k results ({@code sum of 1/log2(rank+1)} over relevant ones) divided by the
 *       DCG of an ideal ranking of the relevant ids.</li>
 * </ul>
 *
 * <p>Thread-safety: immutable.
 */
public final class RetrievalMetrics {

    private final List<Judged> judged;

    private RetrievalMetrics(List<Judged> judged) {
        this.judged = List.copyOf(judged);
    }

    /**
     * @param judged the ranked results and relevant ids of each query; at least one
     * @return the metrics over those queries
     */
    public static RetrievalMetrics of(List<Judged> judged) {
        if (judged == null || judged.isEmpty()) {
            throw new InvalidInputException("retrieval metrics need at least one judged query");
        }
        return new RetrievalMetrics(judged);
    }

    /** @return how many queries were judged */
    public int count() {
        return judged.size();
    }

    /**
     * @param k the cut-off, at least 1
     * @return the mean recall@k
     */
    public double recallAt(int k) {
        checkK(k);
        return judged.stream().mapToDouble(j -> recallAt(j, k)).average().orElseThrow();
    }

    /** @return the mean reciprocal rank */
    public double mrr() {
        return judged.stream().mapToDouble(RetrievalMetrics::reciprocalRank).average().orElseThrow();
    }

    /**
     * @param k the cut-off, at least 1
     * @return the mean nDCG@k
     */
    public double ndcgAt(int k) {
        checkK(k);
        return judged.stream().mapToDouble(j -> ndcgAt(j, k)).average().orElseThrow();
    }

    /**
     * @param judged one query
     * @param k the cut-off
     * @return 1 when a relevant id is in the first k results, else 0
     */
    public static double recallAt(Judged judged, int k) {
        List<String> ranked = judged.rankedIds();
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (judged.relevantIds().contains(ranked.get(i))) {
                return 1;
            }
        }
        return 0;
    }

    /**
     * @param judged one query
     * @return 1 / rank of the first relevant result, or 0
     */
    public static double reciprocalRank(Judged judged) {
        List<String> ranked = judged.rankedIds();
        for (int i = 0; i < ranked.size(); i++) {
            if (judged.relevantIds().contains(ranked.get(i))) {
                return 1.0 / (i + 1);
            }
        }
        return 0;
    }

    /**
     * @param judged one query
     * @param k the cut-off
     * @return nDCG@k with binary relevance
     */
    public static double ndcgAt(Judged judged, int k) {
        List<String> ranked = judged.rankedIds();
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (judged.relevantIds().contains(ranked.get(i))) {
                dcg += 1 / log2(i + 2);
            }
        }
        double ideal = 0;
        for (int i = 0; i < Math.min(k, judged.relevantIds().size()); i++) {
            ideal += 1 / log2(i + 2);
        }
        return dcg / ideal;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private static void checkK(int k) {
        if (k < 1) {
            throw new InvalidInputException("k is " + k + "; expected at least 1");
        }
    }

    /**
     * One labelled query's outcome.
     *
     * @param rankedIds the retrieved ids, best first; copied
     * @param relevantIds the ids that count as correct, at least one; copied
     */
    public record Judged(List<String> rankedIds, Set<String> relevantIds) {
        /** Validates and copies. */
        public Judged {
            rankedIds = List.copyOf(rankedIds);
            relevantIds = Set.copyOf(relevantIds);
            if (relevantIds.isEmpty()) {
                throw new InvalidInputException("a judged query needs at least one relevant id");
            }
        }
    }
}
