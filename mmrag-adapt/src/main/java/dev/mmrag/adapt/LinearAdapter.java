package dev.mmrag.adapt;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A trained adapter: for each adapted modality, a residual linear map {@code W = I + alpha dW} applied to an
 * encoder's vectors, followed by L2 normalisation. {@code dW} is a full {@code d x d} matrix, or a low-rank product
 * {@code A B} of rank {@code r}; it starts at zero (the identity map) and is what {@link ContrastiveTrainer} learns.
 * A modality without a map passes through unchanged (and normalised).
 *
 * <p><b>Before or after normalisation does not matter.</b> On CLIP's unnormalised projection output {@code y = P h}
 * a linear map gives {@code W P h}, which is exactly a fine-tune of the projection layer {@code P}. An encoder that
 * normalises (as {@code ClipOnnxEncoder} does by default) hands over {@code y / |y|}; since {@code W} is linear and
 * has no bias, {@code W (y / |y|) = (W y) / |y|}, and after the final normalisation both give the same unit
 * vector. So the adapter can be put on any encoder, normalising or not, and the result is the same as putting it
 * on the raw projection; {@link #apply} normalises its output. (A bias term would break this; there is none.)
 *
 * <p><b>alpha</b> interpolates between the identity ({@code alpha = 0}, the base encoder) and the trained map
 * ({@code alpha = 1}); the trainer picks it on held-out data ({@link #withAlpha}).
 *
 * <p>Files: {@link AdapterFile}. Use with an encoder: {@link AdaptedEncoder}.
 *
 * <p>Thread-safety: immutable; safe for concurrent use.
 */
public final class LinearAdapter {

    private final BaseModelFingerprint base;
    private final int dimension;
    private final int rank;
    private final float alpha;
    private final Map<Modality, float[]> parameters;
    private final ResidualMap map;

    LinearAdapter(BaseModelFingerprint base, int dimension, int rank, float alpha, Map<Modality, float[]> parameters) {
        if (base == null) {
            throw new InvalidInputException("an adapter needs the fingerprint of its base model");
        }
        if (dimension != base.dimension()) {
            throw new InvalidInputException("adapter dimension " + dimension + " differs from its base model's "
                    + base.dimension());
        }
        if (rank < 0 || rank > dimension) {
            throw new InvalidInputException("adapter rank must be 0 (full) to " + dimension + ", got " + rank);
        }
        if (!(alpha >= 0f && alpha <= 1f)) {
            throw new InvalidInputException("adapter alpha must be in [0, 1], got " + alpha);
        }
        this.base = base;
        this.dimension = dimension;
        this.rank = rank;
        this.alpha = alpha;
        this.map = new ResidualMap(dimension, rank);
        EnumMap<Modality, float[]> copy = new EnumMap<>(Modality.class);
        for (Map.Entry<Modality, float[]> side : parameters.entrySet()) {
            float[] p = side.getValue();
            if (p.length != map.parameterCount()) {
                throw new InvalidInputException("adapter map for " + side.getKey() + " has " + p.length
                        + " parameters, expected " + map.parameterCount() + " for dimension " + dimension + " and rank "
                        + rank);
            }
            for (int i = 0; i < p.length; i++) {
                if (!Float.isFinite(p[i])) {
                    throw new InvalidInputException("adapter map for " + side.getKey() + " has " + p[i]
                            + " at parameter " + i + "; every parameter must be finite");
                }
            }
            copy.put(side.getKey(), p.clone());
        }
        this.parameters = Collections.unmodifiableMap(copy);
    }

    /**
     * @param base the fingerprint of the encoder it is for
     * @return an adapter that changes nothing (every vector is only normalised)
     */
    public static LinearAdapter identity(BaseModelFingerprint base) {
        return new LinearAdapter(base, base.dimension(), 0, 1f, Map.of());
    }

    /** @return the base model this adapter was trained for */
    public BaseModelFingerprint base() {
        return base;
    }

    /** @return the dimension of the vectors it maps */
    public int dimension() {
        return dimension;
    }

    /** @return the rank of {@code dW}, or 0 for a full matrix */
    public int rank() {
        return rank;
    }

    /** @return the interpolation between identity (0) and the trained map (1) */
    public float alpha() {
        return alpha;
    }

    /** @return the modalities that have a map; the others pass through */
    public Set<Modality> adaptedModalities() {
        return parameters.keySet();
    }

    /**
     * @param alpha the new interpolation, in [0, 1]
     * @return this adapter with another alpha
     */
    public LinearAdapter withAlpha(float alpha) {
        return new LinearAdapter(base, dimension, rank, alpha, parameters);
    }

    /**
     * @param modality a modality
     * @return the Frobenius norm of {@code alpha dW} for it (0 when it has no map): how far it is from identity
     */
    public double deltaNorm(Modality modality) {
        float[] p = parameters.get(modality);
        return p == null ? 0 : alpha * map.deltaNorm(p);
    }

    /**
     * Maps and normalises one vector.
     *
     * @param modality the modality the vector was encoded from
     * @param vector a vector of {@link #dimension()} finite components, unchanged
     * @return a new unit vector ({@code W vector / |W vector|}); a zero result is returned as zeros
     * @throws InvalidInputException when the dimension is wrong
     */
    public float[] apply(Modality modality, float[] vector) {
        if (vector == null || vector.length != dimension) {
            throw new InvalidInputException("adapter for dimension " + dimension + " got a vector of dimension "
                    + (vector == null ? "null" : vector.length));
        }
        float[] p = parameters.get(modality);
        float[] out;
        if (p == null || alpha == 0f) {
            out = vector.clone();
        } else {
            out = new float[dimension];
            map.apply(p, vector, alpha, out, new float[map.hiddenSize()]);
        }
        return normalizeInPlace(out);
    }

    /**
     * @return a SHA-256 (hex) of this adapter's file contents ({@link AdapterFile}): equal for equal adapters, and
     *     what an index built with this adapter records, so that it is not queried through another
     */
    public String fingerprint() {
        return AdapterFile.fingerprint(this);
    }

    /** @return the raw parameters of a modality's map (a copy), or null; for {@link AdapterFile} */
    float[] parameters(Modality modality) {
        float[] p = parameters.get(modality);
        return p == null ? null : p.clone();
    }

    Map<Modality, float[]> parameterMap() {
        return parameters;
    }

    static float[] normalizeInPlace(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum > 0) {
            float inv = (float) (1 / Math.sqrt(sum));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("LinearAdapter[dimension=").append(dimension).append(", ")
                .append(rank == 0 ? "full rank" : "rank " + rank).append(", alpha=")
                .append(String.format(Locale.ROOT, "%.2f", alpha));
        for (Modality m : parameters.keySet()) {
            s.append(", ").append(m.name().toLowerCase(Locale.ROOT))
                    .append(String.format(Locale.ROOT, " |dW|=%.4f", deltaNorm(m)));
        }
        return s.append(']').toString();
    }
}
