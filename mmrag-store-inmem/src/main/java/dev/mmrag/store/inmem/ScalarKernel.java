package dev.mmrag.store.inmem;

/**
 * {@link VectorKernel} in plain Java loops, used when the Vector API module is absent. Eight independent
 * accumulators let the CPU overlap the additions instead of waiting for each one in turn (at 512 dimensions this
 * is about three times as fast as one accumulator; C2 does not vectorise a float sum by itself, because that
 * would change its rounding).
 *
 * <p>Thread-safety: stateless.
 */
final class ScalarKernel implements VectorKernel {

    @Override
    public float dot(float[] a, float[] b) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int i = 0;
        int bound = a.length & ~7;
        for (; i < bound; i += 8) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
            s4 += a[i + 4] * b[i + 4];
            s5 += a[i + 5] * b[i + 5];
            s6 += a[i + 6] * b[i + 6];
            s7 += a[i + 7] * b[i + 7];
        }
        for (; i < a.length; i++) {
            s0 += a[i] * b[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    @Override
    public float squaredDistance(float[] a, float[] b) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int i = 0;
        int bound = a.length & ~7;
        for (; i < bound; i += 8) {
            s0 += square(a[i] - b[i]);
            s1 += square(a[i + 1] - b[i + 1]);
            s2 += square(a[i + 2] - b[i + 2]);
            s3 += square(a[i + 3] - b[i + 3]);
            s4 += square(a[i + 4] - b[i + 4]);
            s5 += square(a[i + 5] - b[i + 5]);
            s6 += square(a[i + 6] - b[i + 6]);
            s7 += square(a[i + 7] - b[i + 7]);
        }
        for (; i < a.length; i++) {
            s0 += square(a[i] - b[i]);
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    private static float square(float x) {
        return x * x;
    }

    @Override
    public String name() {
        return "scalar";
    }
}
