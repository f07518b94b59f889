package dev.mmrag.api;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link VectorStore} holds for one item: its id, its vector and its metadata.
 *
 * <p>The vector is copied in and out, so a record can be shared freely. Its dimension is checked by the store
 * it is written to; the record itself only checks that every component is finite.
 *
 * <p>A segmented item (a video) also holds its {@link SegmentVector}s, in time order. A store keeps them with the
 * record: an upsert replaces all of an item's segments (no stale ones survive a re-cut), a delete removes them all,
 * and a search scores the item by its best segment and returns its best {@link Moment}s. An item without segments
 * is searched by {@link #vector()} as before; a segmented item's {@link #vector()} (by convention the normalised
 * mean of its segments) is what {@link VectorStore#get} gives back, and is not what search scores.
 *
 * <p>Thread-safety: immutable.
 *
 * @param id the item id, see {@link Ids#check(String)}
 * @param vector the embedding; copied
 * @param metadata the metadata, see {@link Metadata}; copied; null means empty
 * @param segments the item's segments in time order, at most {@value #MAX_SEGMENTS}; copied; null means none
 */
public record VectorRecord(String id, float[] vector, Map<String, Object> metadata, List<SegmentVector> segments) {

    /** The most segments one record may hold. */
    public static final int MAX_SEGMENTS = 100_000;

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
        if (segments == null) {
            segments = List.of();
        } else {
            if (segments.size() > MAX_SEGMENTS) {
                throw new InvalidInputException("item '" + id + "' has " + segments.size() + " segments; at most "
                        + MAX_SEGMENTS + " are allowed");
            }
            for (int i = 0; i < segments.size(); i++) {
                if (segments.get(i) == null) {
                    throw new InvalidInputException("segment " + i + " of item '" + id + "' is null");
                }
                if (segments.get(i).dimension() != vector.length) {
                    throw new InvalidInputException("segment " + i + " of item '" + id + "' has dimension "
                            + segments.get(i).dimension() + ", expected " + vector.length + " like the item's vector");
                }
            }
            segments = List.copyOf(segments);
        }
    }

    /**
     * A record without segments.
     *
     * @param id the item id
     * @param vector the embedding
     * @param metadata the metadata; null means empty
     */
    public VectorRecord(String id, float[] vector, Map<String, Object> metadata) {
        this(id, vector, metadata, List.of());
    }

    /** @return whether this record holds segments (and is searched by them) */
    public boolean segmented() {
        return !segments.isEmpty();
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
        return id.equals(other.id) && Arrays.equals(vector, other.vector) && metadata.equals(other.metadata)
                && segments.equals(other.segments);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(vector), metadata, segments);
    }

    @Override
    public String toString() {
        return "VectorRecord[id=" + id + ", dimension=" + vector.length + ", metadata=" + metadata
                + (segments.isEmpty() ? "" : ", segments=" + segments.size()) + "]";
    }
}
