package dev.mmrag.adapt;

import dev.mmrag.api.Modality;
import dev.mmrag.core.RetrievalMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Recall@1/5/10 and MRR of held-out queries against a gallery, exact cosine search, both sides through an adapter
 * (as {@link RetrievalMetrics} defines them, the same figures as the Style Finder's {@code eval}).
 *
 * <p>Thread-safety: immutable.
 *
 * @param count how many queries
 * @param recall1 recall@1
 * @param recall5 recall@5
 * @param recall10 recall@10
 * @param mrr mean reciprocal rank
 */
public record HeldOutRecall(int count, double recall1, double recall5, double recall10, double mrr) {

    /**
     * Measures an adapter.
     *
     * @param adapter the adapter (identity for the base model's figures)
     * @param galleryModality the gallery's modality
     * @param gallery the gallery's base vectors by id
     * @param queries the queries
     * @return the figures
     */
    public static HeldOutRecall measure(LinearAdapter adapter, Modality galleryModality, Map<String, float[]> gallery,
            List<HeldOutQuery> queries) {
        List<String> ids = new ArrayList<>(gallery.keySet());
        float[][] items = new float[ids.size()][];
        for (int i = 0; i < items.length; i++) {
            items[i] = adapter.apply(galleryModality, gallery.get(ids.get(i)));
        }
        List<RetrievalMetrics.Judged> judged = new ArrayList<>(queries.size());
        int depth = Math.min(10, ids.size());
        for (HeldOutQuery query : queries) {
            float[] q = adapter.apply(query.modality(), query.vector());
            judged.add(new RetrievalMetrics.Judged(top(q, items, ids, depth), query.relevant()));
        }
        RetrievalMetrics metrics = RetrievalMetrics.of(judged);
        return new HeldOutRecall(metrics.count(), metrics.recallAt(1), metrics.recallAt(5), metrics.recallAt(10),
                metrics.mrr());
    }

    /** The best {@code depth} ids by cosine (the vectors are unit length), ties by gallery order. */
    private static List<String> top(float[] q, float[][] items, List<String> ids, int depth) {
        double[] scores = new double[items.length];
        Integer[] order = new Integer[items.length];
        for (int i = 0; i < items.length; i++) {
            double s = 0;
            float[] v = items[i];
            for (int c = 0; c < v.length; c++) {
                s += (double) q[c] * v[c];
            }
            scores[i] = s;
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a]) : Integer.compare(a, b));
        List<String> ranked = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            ranked.add(ids.get(order[i]));
        }
        return ranked;
    }

    /**
     * @param k 1, 5 or 10
     * @return recall@k
     */
    public double recallAt(int k) {
        switch (k) {
            case 1:
                return recall1;
            case 5:
                return recall5;
            case 10:
                return recall10;
            default:
                throw new dev.mmrag.api.InvalidInputException("held-out recall is measured at 1, 5 and 10, not " + k);
        }
    }

    /**
     * The figure early stopping and the choice of alpha maximise: recall@1 + recall@k, with MRR / 1000 to break
     * ties.
     *
     * @param k the k of recall@k (1, 5 or 10)
     * @return the score
     */
    public double score(int k) {
        return recall1 + recallAt(k) + mrr / 1000;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "recall@1 %.3f, recall@5 %.3f, recall@10 %.3f, MRR %.3f (%d queries)",
                recall1, recall5, recall10, mrr, count);
    }
}
