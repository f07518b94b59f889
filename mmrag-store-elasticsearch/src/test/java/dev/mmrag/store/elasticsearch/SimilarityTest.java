package dev.mmrag.store.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mmrag.api.Metric;
import dev.mmrag.test.TestVectors;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Converting Elasticsearch's kNN scores back into {@link Metric}'s, using the score formulas Elasticsearch documents
 * for {@code dense_vector} similarities, computed in float precision as Elasticsearch does. (The contract IT checks
 * the same against a real node.)
 */
class SimilarityTest {

    /** Elasticsearch's {@code _score} for a similarity, from its documentation, rounded to a float. */
    private static double elasticsearchScore(Metric metric, float[] query, float[] stored) {
        double value = metric.score(query, stored);
        switch (metric) {
            case COSINE:
                return (float) ((1 + value) / 2);
            case DOT_PRODUCT:
                return (float) (value < 0 ? 1 / (1 - value) : value + 1);
            default:
                return (float) value;
        }
    }

    @Test
    void scoresConvertBackToTheMetricsScoresWithinFloatPrecision() {
        List<float[]> vectors = TestVectors.uniform(200, 32, 9);
        for (Metric metric : Metric.values()) {
            for (int i = 1; i < vectors.size(); i++) {
                float[] query = vectors.get(0);
                float[] stored = vectors.get(i);
                double converted = Similarity.toMetricScore(metric, elasticsearchScore(metric, query, stored));
                double expected = metric.score(query, stored);
                assertThat(converted).as("%s", metric).isCloseTo(expected, within(1e-5 * Math.max(1, Math.abs(expected))));
            }
        }
    }

    @Test
    void negativeAndPositiveDotProductsAreBothCovered() {
        float[] a = {1, 2};
        assertThat(Similarity.toMetricScore(Metric.DOT_PRODUCT, elasticsearchScore(Metric.DOT_PRODUCT, a,
                new float[] {-3, -1}))).isCloseTo(-5, within(1e-5));
        assertThat(Similarity.toMetricScore(Metric.DOT_PRODUCT, elasticsearchScore(Metric.DOT_PRODUCT, a,
                new float[] {3, 1}))).isCloseTo(5, within(1e-5));
        assertThat(Similarity.toMetricScore(Metric.DOT_PRODUCT, 1.0)).isZero();
    }

    @Test
    void eachMetricHasTheSimilarityThatRanksAsItDoes() {
        assertThat(Similarity.of(Metric.COSINE)).isEqualTo("cosine");
        assertThat(Similarity.of(Metric.DOT_PRODUCT)).isEqualTo("max_inner_product");
        assertThat(Similarity.of(Metric.EUCLIDEAN)).isEqualTo("l2_norm");
    }
}
