package dev.mmrag.store.inmem;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorKernel} on the Java Vector API: fused multiply-adds on the widest float vectors the CPU has
 * (16 lanes with AVX-512, 8 with AVX2), two accumulators, and a scalar loop for the tail.
 *
 * <p>Only {@link VectorKernel} loads this class, and only when {@code jdk.incubator.vector} is in the boot layer.
 *
 * <p>Thread-safety: stateless.
 */
final class SimdKernel implements VectorKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    @Override
    public float dot(float[] a, float[] b) {
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        int bound2 = a.length - 2 * LANES;
        for (; i <= bound2; i += 2 * LANES) {
            acc0 = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, a, i + LANES)
                    .fma(FloatVector.fromArray(SPECIES, b, i + LANES), acc1);
        }
        if (i <= a.length - LANES) {
            acc0 = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), acc0);
            i += LANES;
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    @Override
    public float squaredDistance(float[] a, float[] b) {
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        int bound2 = a.length - 2 * LANES;
        for (; i <= bound2; i += 2 * LANES) {
            FloatVector d0 = FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i));
            FloatVector d1 = FloatVector.fromArray(SPECIES, a, i + LANES)
                    .sub(FloatVector.fromArray(SPECIES, b, i + LANES));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
        }
        if (i <= a.length - LANES) {
            FloatVector d = FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i));
            acc0 = d.fma(d, acc0);
            i += LANES;
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            float d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    public String name() {
        return "simd-" + SPECIES.vectorBitSize();
    }
}
