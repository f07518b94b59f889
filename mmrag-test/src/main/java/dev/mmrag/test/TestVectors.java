package dev.mmrag.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded test vectors: uniform random ones, and clustered ones that resemble real embeddings (points around a
 * few centres), for recall tests and benchmarks.
 *
 * <p>Thread-safety: stateless; every method makes its own seeded generator.
 */
public final class TestVectors {

    private TestVectors() {
    }

    /**
     * @param count how many vectors
     * @param dimension their dimension
     * @param seed the random seed
     * @return vectors with components uniform in [-1, 1)
     */
    public static List<float[]> uniform(int count, int dimension, long seed) {
        Random random = new Random(seed);
        List<float[]> vectors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            float[] v = new float[dimension];
            for (int d = 0; d < dimension; d++) {
                v[d] = random.nextFloat() * 2 - 1;
            }
            vectors.add(v);
        }
        return vectors;
    }

    /**
     * Vectors in clusters: {@code clusters} centres drawn uniformly, and each vector a centre plus Gaussian
     * noise of standard deviation {@code spread}.
     *
     * @param count how many vectors
     * @param dimension their dimension
     * @param clusters how many clusters
     * @param spread the noise around each centre
     * @param seed the random seed
     * @return the vectors, in random cluster order
     */
    public static List<float[]> clustered(int count, int dimension, int clusters, double spread, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[clusters][dimension];
        for (float[] centre : centres) {
            for (int d = 0; d < dimension; d++) {
                centre[d] = random.nextFloat() * 2 - 1;
            }
        }
        List<float[]> vectors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            float[] centre = centres[random.nextInt(clusters)];
            float[] v = new float[dimension];
            for (int d = 0; d < dimension; d++) {
                v[d] = (float) (centre[d] + random.nextGaussian() * spread);
            }
            vectors.add(v);
        }
        return vectors;
    }
}
