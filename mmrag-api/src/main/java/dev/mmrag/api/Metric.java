package dev.mmrag.api;

/**
 * How a vector store compares vectors. Every metric is expressed as a <em>score where higher is more
 * similar</em>, so that ranking, {@code minScore} and fusion work the same way whatever the metric:
 *
 * <ul>
 *   <li>{@link #COSINE}: the cosine of the angle, in [-1, 1]. Zero vectors are rejected.</li>
 *   <li>{@link #DOT_PRODUCT}: the dot product, unbounded. For unit vectors it equals the cosine.</li>
 *   <li>{@link #EUCLIDEAN}: {@code 1 / (1 + d²)} where {@code d} is the Euclidean distance, in (0, 1]; the
 *       same order as the distance, reversed (this is also the score Elasticsearch reports for
 *       {@code l2_norm}).</li>
 * </ul>
 *
 * <p>Thread-safety: immutable.
 */
public enum Metric {
    /** Cosine similarity. */
    COSINE {
        @Override
        public double score(float[] a, float[] b) {
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int i = 0; i < a.length; i++) {
                dot += (double) a[i] * b[i];
                na += (double) a[i] * a[i];
                nb += (double) b[i] * b[i];
            }
            return dot / Math.sqrt(na * nb);
        }
    },
    /** Dot product (inner product). */
    DOT_PRODUCT {
        @Override
        public double score(float[] a, float[] b) {
            double dot = 0;
            for (int i = 0; i < a.length; i++) {
                dot += (double) a[i] * b[i];
            }
            return dot;
        }
    },
    /** Euclidean (L2) distance, reported as {@code 1 / (1 + d²)}. */
    EUCLIDEAN {
        @Override
        public double score(float[] a, float[] b) {
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                double diff = (double) a[i] - b[i];
                sum += diff * diff;
            }
            return 1.0 / (1.0 + sum);
        }
    };

    /**
     * The reference implementation of the score, in double precision, with plain loops. Stores may compute it
     * faster, but must rank the same way.
     *
     * @param a a vector
     * @param b a vector of the same length
     * @return the similarity score, higher is more similar
     */
    public abstract double score(float[] a, float[] b);
}
