package dev.mmrag.api;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link VectorStore} holds for one item: its id, its vector and its metadata.
 *
 * <p>The vector is copied in and out, so a record can be shared freely. Its dimension is checked by the store
 * it is written to; the record itself only checks that every component is finite.
 *
 * <p>Thread-safety: immutable.
 *
 * @param id the item id, see {@link Ids#check(String)}
 * @param vector the embedding; copied
 * @param metadata the metadata, see {@link Metadata}; copied; null means empty
 */
public record VectorRecord(String id, float[] vector, Map<String, Object> metadata) {

    /** Validates and copies the fields. */
    public VectorRecord {
        Ids.check(id);
        if (vector == null) {
            throw new InvalidInputException("vector of item '" + id + "' is null");
        }
        vector = vector.clone();
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                throw new InvalidInputException("vector of item '" + id + "' has " + vector[i] + " at index " + i
                        + "; every component must be finite");
            }
        }
        metadata = Metadata.copyOf(metadata);
    }

    /**
     * @param id the item id
     * @param vector the embedding
     * @return a record without metadata
     */
    public static VectorRecord of(String id, float[] vector) {
        return new VectorRecord(id, vector, Map.of());
    }

    /** @return a copy of the vector */
    @Override
    public float[] vector() {
        return vector.clone();
    }

    /** @return the dimension of the vector, without copying it */
    public int dimension() {
        return vector.length;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof VectorRecord)) {
            return false;
        }
        VectorRecord other = (VectorRecord) o;
        return id.equals(other.id) && Arrays.equals(vector, other.vector) && metadata.equals(other.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(vector), metadata);
    }

    @Override
    public String toString() {
        return "VectorRecord[id=" + id + ", dimension=" + vector.length + ", metadata=" + metadata + "]";
    }
}
