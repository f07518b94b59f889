package dev.mmrag.store.inmem;

import java.util.Arrays;

/**
 * The vector type the HNSW graph compares: the components as given, and the inverse of their length, computed
 * once so that a cosine distance costs one inner product instead of three sums.
 *
 * <p>Equality is by components (hnswlib uses it to update an item in place when its vector did not change).
 *
 * <p>Thread-safety: immutable once built; the array is never handed out or changed.
 */
final class Embedding {

    final float[] values;
    final float inverseNorm;

    /**
     * @param values the components; the caller gives up the array
     */
    Embedding(float[] values) {
        this.values = values;
        double sum = 0;
        for (float v : values) {
            sum += (double) v * v;
        }
        this.inverseNorm = sum == 0 ? 0f : (float) (1.0 / Math.sqrt(sum));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Embedding && Arrays.equals(values, ((Embedding) o).values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }
}
