package dev.mmrag.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * One stored segment of an item: its span, its vector and its keyframe reference. A {@link VectorRecord} holds
 * all segments of its item, and a store keeps them together.
 *
 * <p>Thread-safety: immutable (the vector is copied in and out).
 *
 * @param span where the segment lies in the item's content
 * @param vector its embedding; copied; every component finite (the store checks the dimension)
 * @param keyframe its keyframe (image and time, inside the span), or null
 */
public record SegmentVector(TimeSpan span, float[] vector, Keyframe keyframe) {

    /** Validates and copies the fields. */
    public SegmentVector {
        if (span == null) {
            throw new InvalidInputException("a segment vector needs a time span");
        }
        if (vector == null) {
            throw new InvalidInputException("segment at " + span.describe() + " has a null vector");
        }
        vector = vector.clone();
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                throw new InvalidInputException("segment at " + span.describe() + " has " + vector[i]
                        + " at index " + i + "; every component must be finite");
            }
        }
        if (keyframe != null && !span.contains(keyframe.timeMs(), 0)) {
            throw new InvalidInputException("segment at " + span.describe() + " has its keyframe at "
                    + keyframe.timeMs() + " ms, outside its span");
        }
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

    /**
     * @param score the segment's score for a query
     * @return the moment this segment is for that score
     */
    public Moment toMoment(double score) {
        return new Moment(span, score, keyframe);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SegmentVector other && span.equals(other.span) && Arrays.equals(vector, other.vector)
                && Objects.equals(keyframe, other.keyframe);
    }

    @Override
    public int hashCode() {
        return Objects.hash(span, Arrays.hashCode(vector), keyframe);
    }

    @Override
    public String toString() {
        return "SegmentVector[span=" + span.describe() + ", dimension=" + vector.length + ", keyframe=" + keyframe
                + "]";
    }
}
