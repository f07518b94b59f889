package dev.mmrag.test;

import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import dev.mmrag.api.TextContent;
import dev.mmrag.api.UnsupportedModalityException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic stand-in for CLIP, for tests only: it embeds words, so that text and "images" that share
 * words land close together, as they would in a real shared text-image space.
 *
 * <ul>
 *   <li>Text: each lower-cased word is hashed to a component and a sign; the sum is L2-normalised.</li>
 *   <li>Image: a test image is a file or byte array whose content is {@code TESTIMG:} followed by words (for
 *       example {@code TESTIMG: red striped hat}); it is embedded like those words. Anything else is an
 *       unreadable image ({@link InvalidInputException} naming it). The words {@code nan-pixels} make the
 *       encoder return NaN, like a broken model, so that tests can check that callers reject it.</li>
 * </ul>
 *
 * <p>This is not a model: it knows no synonyms and does not look at pixels. Use the real CLIP encoder of
 * {@code mmrag-onnx} to test image handling.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class KeywordTestEncoder implements Encoder {

    /** The prefix of a test image's bytes. */
    public static final String IMAGE_PREFIX = "TESTIMG:";

    private final int dimension;
    private final Set<Modality> modalities;
    private final AtomicInteger calls = new AtomicInteger();

    /** An encoder of dimension 128 for text and images. */
    public KeywordTestEncoder() {
        this(128, EnumSet.of(Modality.TEXT, Modality.IMAGE));
    }

    /**
     * @param dimension the vector dimension
     * @param modalities the modalities to accept (others throw {@link UnsupportedModalityException})
     */
    public KeywordTestEncoder(int dimension, Set<Modality> modalities) {
        this.dimension = dimension;
        if (modalities.contains(Modality.VIDEO)) {
            throw new InvalidInputException("KeywordTestEncoder embeds text and test images, not VIDEO (got "
                    + modalities + ")");
        }
        this.modalities = Set.copyOf(modalities);
    }

    /**
     * @param words the words the image "shows"
     * @return the bytes of a test image
     */
    public static byte[] imageBytes(String words) {
        return (IMAGE_PREFIX + " " + words).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param words the words the image "shows"
     * @return an in-memory test image
     */
    public static ImageContent image(String words) {
        return ImageContent.of(imageBytes(words), "image/x-test");
    }

    /** @return how many times {@link #encode(List)} was called */
    public int calls() {
        return calls.get();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Set<Modality> modalities() {
        return modalities;
    }

    @Override
    public List<float[]> encode(List<? extends Content> contents) {
        calls.incrementAndGet();
        List<float[]> vectors = new ArrayList<>(contents.size());
        for (Content content : contents) {
            if (!modalities.contains(content.modality())) {
                throw new UnsupportedModalityException("KeywordTestEncoder does not embed " + content.modality()
                        + " (" + content.describe() + "); it embeds " + modalities);
            }
            String words = content instanceof TextContent ? ((TextContent) content).text() : wordsOf((ImageContent) content);
            vectors.add(embedWords(words));
        }
        return vectors;
    }

    private static String wordsOf(ImageContent image) {
        String text = new String(image.readAllBytes(), StandardCharsets.UTF_8);
        if (!text.startsWith(IMAGE_PREFIX)) {
            throw new InvalidInputException(image.describe() + " is not a readable image (no " + IMAGE_PREFIX
                    + " header)");
        }
        return text.substring(IMAGE_PREFIX.length());
    }

    private float[] embedWords(String text) {
        float[] v = new float[dimension];
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}-]+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (word.equals("nan-pixels")) {
                v[0] = Float.NaN;
                return v;
            }
            int h = word.hashCode() * 0x9E3779B1;
            int index = Math.floorMod(h, dimension);
            v[index] += (h & 0x10000) == 0 ? 1 : -1;
        }
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        if (norm > 0) {
            float inv = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }

    @Override
    public String toString() {
        return "KeywordTestEncoder[dimension=" + dimension + "]";
    }
}
