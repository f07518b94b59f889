package dev.mmrag.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metric;
import dev.mmrag.api.VectorStore;
import dev.mmrag.test.VectorStoreContract;
import org.junit.jupiter.api.Test;

class ExactVectorStoreTest extends VectorStoreContract {

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
}
