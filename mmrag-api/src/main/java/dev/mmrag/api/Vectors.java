package dev.mmrag.api;

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
