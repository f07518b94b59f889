package dev.mmrag.core;

import dev.mmrag.api.InvalidInputException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
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
 *       DCG of an ideal ranking of the relevant ids, so it lies in [0, 1].</li>
 * </ul>
 *
 * <p>A ranking may repeat an id (a store or fusion bug, or a caller concatenating rankings); each relevant id
 * counts once, at its first occurrence, and a repeat keeps its rank position but earns nothing.
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
        for (int i = 0; i < judged.size(); i++) {
            if (judged.get(i) == null) {
                throw new InvalidInputException("judged query at index " + i + " is null");
            }
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
     * @param k the cut-off, at least 1
     * @return 1 when a relevant id is in the first k results, else 0
     */
    public static double recallAt(Judged judged, int k) {
        checkJudged(judged);
        checkK(k);
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
        checkJudged(judged);
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
     * @param k the cut-off, at least 1
     * @return nDCG@k with binary relevance, in [0, 1]; a relevant id counts at its first occurrence only
     */
    public static double ndcgAt(Judged judged, int k) {
        checkJudged(judged);
        checkK(k);
        List<String> ranked = judged.rankedIds();
        Set<String> counted = new HashSet<>();
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            String id = ranked.get(i);
            if (judged.relevantIds().contains(id) && counted.add(id)) {
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

    private static void checkJudged(Judged judged) {
        if (judged == null) {
            throw new InvalidInputException("judged query must not be null");
        }
    }

    private static void checkK(int k) {
        if (k < 1) {
            throw new InvalidInputException("k is " + k + "; expected at least 1");
        }
    }

    /**
     * One labelled query's outcome.
     *
     * @param rankedIds the retrieved ids, best first, possibly none, without null elements; copied
     * @param relevantIds the ids that count as correct, at least one, without null elements; copied
     */
    public record Judged(List<String> rankedIds, Set<String> relevantIds) {
        /**
         * Validates and copies.
         *
         * @throws InvalidInputException when a collection is null, holds a null, or no id is relevant
         */
        public Judged {
            rankedIds = copyIds("ranked ids", rankedIds);
            relevantIds = Set.copyOf(copyIds("relevant ids", relevantIds));
            if (relevantIds.isEmpty()) {
                throw new InvalidInputException("a judged query needs at least one relevant id");
            }
        }

        private static List<String> copyIds(String what, Collection<String> ids) {
            if (ids == null) {
                throw new InvalidInputException(what + " must not be null");
            }
            List<String> copy = new ArrayList<>(ids.size());
            for (String id : ids) {
                if (id == null) {
                    throw new InvalidInputException(what + " hold a null at position " + copy.size() + " of "
                            + ids.size() + "; every id must be a string");
                }
                copy.add(id);
            }
            return List.copyOf(copy);
        }
    }
}
