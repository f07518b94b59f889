package dev.mmrag.store.inmem;

import com.github.jelmerk.hnswlib.core.DistanceFunction;
import dev.mmrag.api.Metric;
import java.util.Comparator;

/**
 * The distance functions the HNSW graph uses, one per {@link Metric}, all computed with
 * {@link VectorKernel#INSTANCE} (lower is closer):
 * <ul>
 *   <li>cosine: {@code 1 - dot(a, b) / (|a| |b|)}, with both inverse lengths computed once per vector;</li>
 *   <li>dot product: {@code -dot(a, b)};</li>
 *   <li>Euclidean: the squared distance (the same order as the distance, without a square root).</li>
 * </ul>
 * These rank exactly as {@link Metric#score(float[], float[])} does, up to float rounding; the store reports
 * each hit's score with {@code Metric.score} itself.
 *
 * <p><b>Range.</b> Float arithmetic overflows above about 3.4e38, and a sum that overflows is infinite (or NaN),
 * which would rank arbitrarily. So no vector with a Euclidean norm above {@value #MAX_NORM} becomes an item or a
 * query ({@link HnswItem} refuses it, once per vector, so a distance costs nothing more). Then every intermediate
 * value is finite: by the Cauchy-Schwarz inequality every partial sum of an inner product is at most
 * {@code |a| |b| <= 1e36} in magnitude, and of a squared distance at most {@code (|a| + |b|)^2 <= 4e36}, far below
 * the float limit even with the rounding of 2^16 additions.
 *
 * <p>The classes are {@code Serializable} because hnswlib writes its distance function into a saved index; they
 * have no fields, and the store's file reader allows exactly these classes (see {@link StoreFile}).
 *
 * <p>Thread-safety: stateless.
 */
final class ItemDistances {

    /** The largest Euclidean norm of a stored or query vector; see the class comment. */
    static final double MAX_NORM = 1e18;

    private ItemDistances() {
    }

    /**
     * @param metric a metric
     * @return its distance function
     */
    static DistanceFunction<HnswItem, Float> of(Metric metric) {
        switch (metric) {
            case COSINE:
                return new Cosine();
            case DOT_PRODUCT:
                return new InnerProduct();
            case EUCLIDEAN:
                return new SquaredEuclidean();
            default:
                throw new IllegalArgumentException("no distance for metric " + metric);
        }
    }

    /** Cosine distance. */
    static final class Cosine implements DistanceFunction<HnswItem, Float> {
        private static final long serialVersionUID = 1L;

        @Override
        public Float distance(HnswItem a, HnswItem b) {
            return 1f - VectorKernel.INSTANCE.dot(a.values(), b.values()) * a.inverseNorm() * b.inverseNorm();
        }
    }

    /** Negated inner product. */
    static final class InnerProduct implements DistanceFunction<HnswItem, Float> {
        private static final long serialVersionUID = 1L;

        @Override
        public Float distance(HnswItem a, HnswItem b) {
            return -VectorKernel.INSTANCE.dot(a.values(), b.values());
        }
    }

    /** Squared Euclidean distance. */
    static final class SquaredEuclidean implements DistanceFunction<HnswItem, Float> {
        private static final long serialVersionUID = 1L;

        @Override
        public Float distance(HnswItem a, HnswItem b) {
            return VectorKernel.INSTANCE.squaredDistance(a.values(), b.values());
        }
    }

    /** The order of distances; a class of our own so that a saved index names no JDK comparator. */
    static final class Ascending implements Comparator<Float>, java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(Float a, Float b) {
            return Float.compare(a, b);
        }
    }
}
