package dev.mmrag.adapt;

/**
 * The arithmetic of one residual map {@code W = I + dW} on vectors of dimension {@code d}, over a flat parameter
 * array, shared by {@link LinearAdapter} (which applies it) and {@link ContrastiveTrainer} (which also
 * differentiates it).
 *
 * <p>Layouts, chosen so that every inner loop is an {@link Axpy}:
 * <ul>
 *   <li>full rank ({@code rank == 0}): {@code d * d} floats, {@code dW} by columns: {@code p[c * d + r] = dW[r][c]};
 *       {@code dW x = sum over c of x[c] * column c};</li>
 *   <li>low rank {@code r}: {@code dW = A B} with {@code A} (d x r) and {@code B} (r x d); {@code p} holds {@code A}
 *       by columns ({@code p[k * d + row] = A[row][k]}, {@code r * d} floats) and then {@code B} by columns
 *       ({@code p[r * d + c * r + k] = B[k][c]}, {@code d * r} floats); {@code dW x = A (B x)}.</li>
 * </ul>
 *
 * <p>Thread-safety: immutable; the arrays passed in are the caller's.
 */
final class ResidualMap {

    private final int dimension;
    private final int rank;

    ResidualMap(int dimension, int rank) {
        this.dimension = dimension;
        this.rank = rank;
    }

    int dimension() {
        return dimension;
    }

    int rank() {
        return rank;
    }

    /** @return how many floats the parameters of a map of this shape take */
    int parameterCount() {
        return parameterCount(dimension, rank);
    }

    static int parameterCount(int dimension, int rank) {
        return rank == 0 ? dimension * dimension : 2 * rank * dimension;
    }

    /** @return the size of the hidden vector {@code B x} a low-rank map needs (0 for full rank) */
    int hiddenSize() {
        return rank;
    }

    /**
     * {@code out = x + alpha * dW x}.
     *
     * @param p the parameters
     * @param x the input, {@code d} floats
     * @param alpha the scale of {@code dW}
     * @param out receives the output, {@code d} floats, not {@code x}
     * @param hidden receives {@code B x} for a low-rank map ({@link #hiddenSize()} floats); unused at full rank
     */
    void apply(float[] p, float[] x, float alpha, float[] out, float[] hidden) {
        Axpy axpy = Axpy.INSTANCE;
        java.util.Arrays.fill(out, 0f);
        if (rank == 0) {
            for (int c = 0; c < dimension; c++) {
                if (x[c] != 0f) {
                    axpy.axpy(x[c], p, c * dimension, out, 0, dimension);
                }
            }
        } else {
            java.util.Arrays.fill(hidden, 0f);
            int b = rank * dimension;
            for (int c = 0; c < dimension; c++) {
                if (x[c] != 0f) {
                    axpy.axpy(x[c], p, b + c * rank, hidden, 0, rank);
                }
            }
            for (int k = 0; k < rank; k++) {
                axpy.axpy(hidden[k], p, k * dimension, out, 0, dimension);
            }
        }
        for (int i = 0; i < dimension; i++) {
            out[i] = x[i] + alpha * out[i];
        }
    }

    /**
     * Adds the gradient of a loss with respect to the parameters, given the gradient {@code g} with respect to the
     * output {@code u = x + dW x} of one input {@code x} (alpha 1). Full rank: {@code dL/d dW = g x^T}. Low rank with
     * {@code h = B x}: {@code dL/dA = g h^T}, {@code dL/dh = A^T g}, {@code dL/dB = (A^T g) x^T}.
     *
     * @param p the parameters
     * @param x the input
     * @param hidden {@code B x}, as {@link #apply} left it (low rank only)
     * @param g the gradient with respect to the output
     * @param grad the parameter gradient, added to
     * @param scratch {@link #hiddenSize()} floats of scratch space (low rank only)
     */
    void accumulateGradient(float[] p, float[] x, float[] hidden, float[] g, float[] grad, float[] scratch) {
        Axpy axpy = Axpy.INSTANCE;
        if (rank == 0) {
            for (int c = 0; c < dimension; c++) {
                if (x[c] != 0f) {
                    axpy.axpy(x[c], g, 0, grad, c * dimension, dimension);
                }
            }
            return;
        }
        for (int k = 0; k < rank; k++) {
            axpy.axpy(hidden[k], g, 0, grad, k * dimension, dimension);
            float sum = 0f;
            int a = k * dimension;
            for (int r = 0; r < dimension; r++) {
                sum += p[a + r] * g[r];
            }
            scratch[k] = sum;
        }
        int b = rank * dimension;
        for (int c = 0; c < dimension; c++) {
            if (x[c] != 0f) {
                axpy.axpy(x[c], scratch, 0, grad, b + c * rank, rank);
            }
        }
    }

    /**
     * @param p the parameters
     * @return the Frobenius norm of {@code dW} (for a low-rank map, of the product {@code A B})
     */
    double deltaNorm(float[] p) {
        if (rank == 0) {
            double sum = 0;
            for (float v : p) {
                sum += (double) v * v;
            }
            return Math.sqrt(sum);
        }
        double sum = 0;
        int b = rank * dimension;
        for (int row = 0; row < dimension; row++) {
            for (int c = 0; c < dimension; c++) {
                double v = 0;
                for (int k = 0; k < rank; k++) {
                    v += (double) p[k * dimension + row] * p[b + c * rank + k];
                }
                sum += v * v;
            }
        }
        return Math.sqrt(sum);
    }
}
