package dev.mmrag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import dev.mmrag.test.SegmentStoreContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExactVectorStoreTest extends SegmentStoreContract {

    @Override
    protected VectorStore newStore(int dimension, Metric metric) {
        return new ExactVectorStore(dimension, metric);
    }

    @Test
    void rejectsAnUnusableShape() {
        assertThatThrownBy(() -> new ExactVectorStore(0, Metric.COSINE)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dimension is 0");
        assertThatThrownBy(() -> new ExactVectorStore(4, null)).isInstanceOf(InvalidInputException.class);
    }

    /**
     * The store promises {@link Metric#score} to the last bit, so a {@code minScore} taken from the reference
     * score keeps the item. Random 16-d pairs: with the cosine computed as {@code dot / (|q| · |v|)} instead of
     * {@code dot / sqrt(|q|² · |v|²)}, about a third of them differ in the last bit.
     */
    @ParameterizedTest
    @EnumSource(Metric.class)
    void scoresAreExactlyTheMetricsReferenceScores(Metric metric) {
        Random random = new Random(20240611L);
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            records.add(new VectorRecord("v" + i, randomVector(random, 16), Map.of()));
        }
        ExactVectorStore store = new ExactVectorStore(16, metric);
        store.upsert(records);
        for (int t = 0; t < 20; t++) {
            float[] query = randomVector(random, 16);
            for (SearchHit hit : store.search(SearchRequest.of(query, records.size()))) {
                float[] stored = store.get(hit.id()).orElseThrow().vector();
                assertThat(hit.score()).as("score of %s", hit.id()).isEqualTo(metric.score(query, stored));
            }
            for (VectorRecord record : records.subList(0, 10)) {
                double reference = metric.score(query, record.vector());
                List<SearchHit> atLeast = store.search(SearchRequest.builder(query, records.size())
                        .minScore(reference).build());
                assertThat(atLeast).as("hits scoring at least %s's reference score", record.id())
                        .extracting(SearchHit::id).contains(record.id());
            }
        }
    }

    private static float[] randomVector(Random random, int dimension) {
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            vector[i] = random.nextFloat() - 0.5f;
        }
        return vector;
    }
}
