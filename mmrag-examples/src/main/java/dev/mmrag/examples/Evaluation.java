package dev.mmrag.examples;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Retrieved;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.core.RetrievalMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs labelled queries through a pipeline's retrieval stage and measures recall@1/5/10, MRR and queries per
 * second (query encoding and search, one query at a time, on the calling thread).
 *
 * <p>Thread-safety: immutable.
 *
 * @param metrics the retrieval metrics over all queries
 * @param queriesPerSecond how many queries were answered per second
 * @param k how many results each query asked for
 */
public record Evaluation(RetrievalMetrics metrics, double queriesPerSecond, int k) {

    /**
     * @param rag the pipeline, with the catalogue indexed
     * @param queries the labelled queries
     * @param k how many results to ask for (at least 10, so that recall@10 is defined)
     * @return the figures
     */
    public static Evaluation run(MultimodalRag rag, List<LabelledQuery> queries, int k) {
        if (k < 10) {
            throw new InvalidInputException("eval needs k >= 10 to report recall@10, got " + k);
        }
        List<RetrievalMetrics.Judged> judged = new ArrayList<>(queries.size());
        long start = System.nanoTime();
        for (LabelledQuery query : queries) {
            List<String> ranked = new ArrayList<>();
            for (Retrieved retrieved : rag.retrieve(query.toQuery(k))) {
                ranked.add(retrieved.id());
            }
            judged.add(new RetrievalMetrics.Judged(ranked, query.relevant()));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Evaluation(RetrievalMetrics.of(judged), queries.size() / seconds, k);
    }

    /** @return the machine-readable summary line */
    public String resultLine() {
        return String.format(Locale.ROOT, "RESULT queries=%d recall@1=%.4f recall@5=%.4f recall@10=%.4f mrr=%.4f",
                metrics.count(), metrics.recallAt(1), metrics.recallAt(5), metrics.recallAt(10), metrics.mrr());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "queries      %d%nrecall@1     %.4f%nrecall@5     %.4f%nrecall@10    %.4f%n"
                + "MRR          %.4f%nnDCG@10      %.4f%nqueries/s    %.1f", metrics.count(), metrics.recallAt(1),
                metrics.recallAt(5), metrics.recallAt(10), metrics.mrr(), metrics.ndcgAt(10), queriesPerSecond);
    }
}
