package dev.mmrag.adapt;

/**
 * {@link Axpy} as a plain loop (which the JIT may still vectorise; the results are the same either way).
 *
 * <p>Thread-safety: stateless.
 */
final class ScalarAxpy implements Axpy {

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
