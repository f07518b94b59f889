package dev.mmrag.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks and small operations on float vectors, shared by encoders, stores and the pipeline.
 *
 * <p>Thread-safety: stateless.
 */
public final class Vectors {

    private Vectors() {
    }

    /**
     * Checks that a vector can be stored or searched with: not null, of the expected dimension, every
     * component finite, and not all zeros when the metric is {@link Metric#COSINE}.
     *
     * @param what what the vector is, for the message (such as "vector of item 'sku-1'")
     * @param vector the vector
     * @param dimension the expected dimension
     * @param metric the metric it will be compared with
     * @throws InvalidInputException naming the problem
     */
    public static void check(String what, float[] vector, int dimension, Metric metric) {
        if (vector == null) {
            throw new InvalidInputException(what + " is null");
        }
        if (vector.length != dimension) {
            throw new InvalidInputException(what + " has dimension " + vector.length + ", expected " + dimension);
        }
        boolean allZero = true;
        for (int i = 0; i < vector.length; i++) {
            float v = vector[i];
            if (!Float.isFinite(v)) {
                throw new InvalidInputException(what + " has " + v + " at index " + i + "; every component must be finite");
            }
            allZero &= v == 0f;
        }
        if (allZero && metric == Metric.COSINE && dimension > 0) {
            throw new InvalidInputException(what + " is all zeros, which has no direction for cosine similarity");
        }
    }

    /**
     * Checks every record of a batch that is about to be written to a store, as {@link VectorStore#upsert(List)}
     * requires: a null record, or a vector (the record's or one of its segments') that fails {@link #check}, becomes an {@link ItemFailure} naming the
     * record and its position, and the rest of the batch can still be written.
     *
     * @param records the batch
     * @param dimension the store's dimension
     * @param metric the store's metric
     * @param failures receives one failure per unusable record
     * @return the positions of the usable records, in order
     * @throws InvalidInputException when {@code records} itself is null
     */
    public static List<Integer> checkRecords(List<VectorRecord> records, int dimension, Metric metric,
            List<ItemFailure> failures) {
        if (records == null) {
            throw new InvalidInputException("records must not be null");
        }
        List<Integer> usable = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            VectorRecord record = records.get(i);
            if (record == null) {
                failures.add(new ItemFailure(null, i, "record at index " + i + " is null",
                        new InvalidInputException("record at index " + i + " is null")));
                continue;
            }
            try {
                check("vector of item '" + record.id() + "'", record.vector(), dimension, metric);
                List<SegmentVector> segments = record.segments();
                for (int s = 0; s < segments.size(); s++) {
                    check("segment " + s + " (" + segments.get(s).span().describe() + ") of item '" + record.id()
                            + "'", segments.get(s).vector(), dimension, metric);
                }
                usable.add(i);
            } catch (InvalidInputException e) {
                failures.add(ItemFailure.of(record.id(), i, e));
            }
        }
        return usable;
    }

    /**
     * Scales a vector to unit length, in place.
     *
     * @param vector the vector; a zero vector is left as it is
     * @return the same array
     */
    public static float[] normalizeInPlace(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        if (sum > 0) {
            float inv = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < vector.length; i++) {
                vector[i] *= inv;
            }
        }
        return vector;
    }

    /**
     * @param vector a vector
     * @return its Euclidean length
     */
    public static double norm(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }
}
