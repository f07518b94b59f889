package dev.mmrag.store.elasticsearch;

import dev.mmrag.api.Metric;

/**
 * The Elasticsearch {@code dense_vector} similarity for each {@link Metric}, and the conversion of the kNN scores
 * Elasticsearch reports into the scores {@link Metric} defines.
 *
 * <ul>
 *   <li>{@link Metric#COSINE}: similarity {@code cosine}, which scores {@code (1 + cos) / 2}.</li>
 *   <li>{@link Metric#DOT_PRODUCT}: similarity {@code max_inner_product}, which scores {@code dot + 1} when
 *       {@code dot >= 0} and {@code 1 / (1 - dot)} otherwise. (Elasticsearch's {@code dot_product} would require
 *       unit-length vectors, which {@link Metric#DOT_PRODUCT} does not.)</li>
 *   <li>{@link Metric#EUCLIDEAN}: similarity {@code l2_norm}, which scores {@code 1 / (1 + d²)}, exactly the
 *       metric's score.</li>
 * </ul>
 *
 * <p>Thread-safety: stateless.
 */
final class Similarity {

    private Similarity() {
    }

    /**
     * @param metric a metric
     * @return the name of the Elasticsearch similarity that ranks as it does
     */
    static String of(Metric metric) {
        switch (metric) {
            case COSINE:
                return "cosine";
            case DOT_PRODUCT:
                return "max_inner_product";
            case EUCLIDEAN:
                return "l2_norm";
            default:
                throw new IllegalArgumentException("no Elasticsearch similarity for metric " + metric);
        }
    }

    /**
     * @param metric the store's metric
     * @param elasticsearchScore a kNN hit's {@code _score} under {@link #of(Metric)}
     * @return the score as {@link Metric#score(float[], float[])} defines it
     */
    static double toMetricScore(Metric metric, double elasticsearchScore) {
        switch (metric) {
            case COSINE:
                return 2 * elasticsearchScore - 1;
            case DOT_PRODUCT:
                return elasticsearchScore >= 1 ? elasticsearchScore - 1 : 1 - 1 / elasticsearchScore;
            case EUCLIDEAN:
                return elasticsearchScore;
            default:
                throw new IllegalArgumentException("no Elasticsearch similarity for metric " + metric);
        }
    }
}
