package dev.mmrag.adapt;

import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * What identifies the encoder an adapter was trained on: its dimension and its vectors for fixed probe contents
 * (a text and a synthetic image drawn by this class), one per modality the encoder embeds. An adapter only makes
 * sense on the encoder whose space it was trained in; {@link #check(Encoder, String)} runs the probes through an
 * encoder and refuses it unless every probe vector points the same way as the recorded one (cosine at least
 * {@value #MIN_COSINE}). Probing works for any {@link Encoder}, whatever its implementation, and tolerates the
 * last-bit differences that thread counts or CPUs cause, while another model is refused (so is a quantized variant of
 * the same model whenever its probe vectors differ by more than that).
 *
 * <p>Thread-safety: immutable.
 *
 * @param dimension the encoder's dimension
 * @param probes the encoder's (normalised) vector for each modality's probe content
 */
public record BaseModelFingerprint(int dimension, Map<Modality, float[]> probes) {

    /** The smallest cosine between a recorded and a fresh probe vector for the encoder to count as the same. */
    public static final double MIN_COSINE = 0.9995;
    /** The probe text. */
    public static final String PROBE_TEXT = "a product photo of a red and blue striped t-shirt on a white background";

    /** Validates and copies. */
    public BaseModelFingerprint {
        if (dimension < 1) {
            throw new InvalidInputException("fingerprint dimension must be positive, got " + dimension);
        }
        if (probes == null || probes.isEmpty()) {
            throw new InvalidInputException("a base model fingerprint needs at least one probe vector");
        }
        EnumMap<Modality, float[]> copy = new EnumMap<>(Modality.class);
        for (Map.Entry<Modality, float[]> probe : probes.entrySet()) {
            float[] v = probe.getValue();
            if (v == null || v.length != dimension) {
                throw new InvalidInputException("probe vector for " + probe.getKey() + " has dimension "
                        + (v == null ? "null" : v.length) + ", expected " + dimension);
            }
            copy.put(probe.getKey(), normalized(v));
        }
        probes = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Runs the probes through an encoder.
     *
     * @param encoder the base encoder (without any adapter)
     * @return its fingerprint
     */
    public static BaseModelFingerprint of(Encoder encoder) {
        Map<Modality, float[]> probes = new EnumMap<>(Modality.class);
        List<Modality> order = new ArrayList<>();
        List<Content> contents = new ArrayList<>();
        for (Modality modality : Modality.values()) {
            if (encoder.supports(modality)) {
                order.add(modality);
                contents.add(probe(modality));
            }
        }
        List<float[]> vectors = encoder.encode(contents);
        for (int i = 0; i < order.size(); i++) {
            probes.put(order.get(i), vectors.get(i));
        }
        return new BaseModelFingerprint(encoder.dimension(), probes);
    }

    /**
     * Checks that an encoder is the one this fingerprint was taken from.
     *
     * @param encoder the encoder an adapter is about to be used with
     * @param what what carries the fingerprint, for the message (such as "adapter file adapter.bin")
     * @throws InvalidInputException naming {@code what}, the dimension or the modality that disagrees
     */
    public void check(Encoder encoder, String what) {
        if (encoder.dimension() != dimension) {
            throw new InvalidInputException(what + " was trained for an encoder of dimension " + dimension
                    + ", but " + encoder + " has dimension " + encoder.dimension());
        }
        BaseModelFingerprint other = of(encoder);
        if (java.util.Collections.disjoint(other.probes.keySet(), probes.keySet())) {
            throw new InvalidInputException(what + " was trained for an encoder of " + probes.keySet() + ", but "
                    + encoder + " embeds " + encoder.modalities());
        }
        for (Map.Entry<Modality, float[]> probe : probes.entrySet()) {
            float[] fresh = other.probes.get(probe.getKey());
            if (fresh == null) {
                continue; // the encoder does not embed this modality; the adapter's map for it is never used
            }
            double cosine = dot(probe.getValue(), fresh);
            if (!(cosine >= MIN_COSINE)) {
                throw new InvalidInputException(String.format(Locale.ROOT, "%s was trained on another base model: "
                        + "%s gives the %s probe a vector at cosine %.4f from the recorded one (at least %.4f expected); "
                        + "train an adapter for this model", what, encoder, probe.getKey().name().toLowerCase(Locale.ROOT),
                        cosine, MIN_COSINE));
            }
        }
    }

    /**
     * @param modality a modality
     * @return the probe content of that modality
     */
    public static Content probe(Modality modality) {
        return modality == Modality.TEXT ? Content.text(PROBE_TEXT) : ImageContent.of(probeImage(), "image/png");
    }

    /** A 96 x 96 PNG of coloured stripes and a disc, drawn the same way every time. */
    private static byte[] probeImage() {
        int size = 96;
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int dx = x - 48;
                int dy = y - 40;
                int rgb;
                if (dx * dx + dy * dy < 400) {
                    rgb = 0x2a6fd6;
                } else if ((x + 2 * y) / 12 % 2 == 0) {
                    rgb = 0xd63a2a;
                } else {
                    rgb = (y * 2) << 16 | (x * 2) << 8 | 0x40;
                }
                image.setRGB(x, y, rgb);
            }
        }
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(image, "png", png);
            return png.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the probe PNG in memory", e);
        }
    }

    private static float[] normalized(float[] v) {
        double sum = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new InvalidInputException("probe vector has a non-finite component " + x);
            }
            sum += (double) x * x;
        }
        if (sum == 0) {
            throw new InvalidInputException("probe vector is all zeros");
        }
        float[] out = new float[v.length];
        double inv = 1 / Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] * inv);
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BaseModelFingerprint)) {
            return false;
        }
        BaseModelFingerprint other = (BaseModelFingerprint) o;
        if (dimension != other.dimension || !probes.keySet().equals(other.probes.keySet())) {
            return false;
        }
        for (Modality m : probes.keySet()) {
            if (!java.util.Arrays.equals(probes.get(m), other.probes.get(m))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = dimension;
        for (Map.Entry<Modality, float[]> e : probes.entrySet()) {
            h = 31 * h + e.getKey().hashCode() * 17 + java.util.Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        return "BaseModelFingerprint[dimension=" + dimension + ", probes=" + probes.keySet() + "]";
    }
}
