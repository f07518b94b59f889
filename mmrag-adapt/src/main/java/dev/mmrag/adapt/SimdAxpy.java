package dev.mmrag.adapt;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Axpy} on the Java Vector API: the widest float vectors the CPU has (8 lanes with AVX2, 16 with AVX-512),
 * a multiply then an add (not a fused multiply-add, so that every component is rounded as the scalar loop rounds
 * it), and a scalar loop for the tail.
 *
 * <p>Only {@link Axpy} loads this class, and only when {@code jdk.incubator.vector} is in the boot layer.
 *
 * <p>Thread-safety: stateless.
 */
final class SimdAxpy implements Axpy {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        if (n >= LANES) {
            FloatVector scale = FloatVector.broadcast(SPECIES, a);
            int bound = n - LANES;
            for (; i <= bound; i += LANES) {
                FloatVector product = FloatVector.fromArray(SPECIES, x, xOff + i).mul(scale);
                product.add(FloatVector.fromArray(SPECIES, y, yOff + i)).intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    @Override
    public String name() {
        return "simd-" + SPECIES.vectorBitSize();
    }
}
