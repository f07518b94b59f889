package dev.mmrag.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import dev.mmrag.api.UnsupportedModalityException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Encoder} must have (the rules in {@link Encoder}'s javadoc). An encoder's test class
 * extends this, says which modalities it embeds, how to build one for a subset of them, and which contents it can
 * read; the suite then checks:
 * <ul>
 *   <li>the dimension, and that every vector has it, with finite components, and unit length;</li>
 *   <li>a batch gives the same vectors as its contents one by one, in any order;</li>
 *   <li>several threads encoding at once get the same vectors as one thread;</li>
 *   <li>a modality the encoder was not built for throws {@link UnsupportedModalityException}, even in a mixed
 *       batch, and nothing is silently skipped;</li>
 *   <li>an unreadable image throws {@link InvalidInputException} naming it, and the encoder stays usable.</li>
 * </ul>
 *
 * <p>Vectors are compared component by component within {@link #tolerance()}.
 *
 * <p>Thread-safety: a JUnit test class; encoders made by a test are closed after it.
 */
public abstract class EncoderContract {

    private final List<Encoder> created = new ArrayList<>();

    /** @return the modalities the encoder under test can embed */
    protected abstract Set<Modality> supportedModalities();

    /**
     * Builds an encoder for some of the supported modalities.
     *
     * @param modalities a non-empty subset of {@link #supportedModalities()}
     * @return a new encoder that embeds exactly those modalities
     */
    protected abstract Encoder newEncoder(Set<Modality> modalities);

    /**
     * @return readable contents: at least two of each supported modality, all different, none of them giving a
     *     zero vector
     */
    protected abstract List<Content> sampleContents();

    /** @return the largest difference allowed between two components that should be equal; default 1e-5 */
    protected double tolerance() {
        return 1e-5;
    }

    /** @return an image no encoder can decode; default a few bytes of text */
    protected ImageContent unreadableImage() {
        return ImageContent.of("this is not an image".getBytes(StandardCharsets.UTF_8), "image/png");
    }

    private Encoder encoder(Set<Modality> modalities) {
        Encoder encoder = newEncoder(modalities);
        created.add(encoder);
        return encoder;
    }

    private Encoder encoder() {
        return encoder(supportedModalities());
    }

    @AfterEach
    void closeEncoders() throws Exception {
        for (Encoder encoder : created) {
            encoder.close();
        }
        created.clear();
    }

    @Test
    void reportsItsModalitiesAndAPositiveDimension() {
        Encoder encoder = encoder();
        assertThat(encoder.modalities()).isEqualTo(supportedModalities());
        assertThat(encoder.dimension()).isPositive();
        for (Modality modality : supportedModalities()) {
            assertThat(encoder.supports(modality)).isTrue();
            assertThat(sampleContents()).as("sample contents of modality %s", modality)
                    .filteredOn(c -> c.modality() == modality).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void everyVectorHasTheDimensionFiniteComponentsAndUnitLength() {
        Encoder encoder = encoder();
        List<Content> samples = sampleContents();
        List<float[]> vectors = encoder.encode(samples);
        assertThat(vectors).hasSameSizeAs(samples);
        for (int i = 0; i < samples.size(); i++) {
            float[] vector = vectors.get(i);
            assertThat(vector).as("vector of %s", samples.get(i).describe()).hasSize(encoder.dimension());
            double squares = 0;
            for (float component : vector) {
                assertThat(Float.isFinite(component)).as("finite components for %s", samples.get(i).describe())
                        .isTrue();
                squares += (double) component * component;
            }
            assertThat(Math.sqrt(squares)).as("length of the vector of %s", samples.get(i).describe())
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void differentContentsGetDifferentVectors() {
        List<Content> samples = sampleContents();
        List<float[]> vectors = encoder().encode(samples);
        for (int i = 0; i < samples.size(); i++) {
            for (int j = i + 1; j < samples.size(); j++) {
                assertThat(maxDifference(vectors.get(i), vectors.get(j)))
                        .as("%s and %s", samples.get(i).describe(), samples.get(j).describe())
                        .isGreaterThan(tolerance());
            }
        }
    }

    @Test
    void aBatchGivesTheSameVectorsAsOneByOneInAnyOrder() {
        Encoder encoder = encoder();
        List<Content> samples = sampleContents();
        List<float[]> batch = encoder.encode(samples);
        List<Content> reversed = new ArrayList<>(samples);
        Collections.reverse(reversed);
        List<float[]> backwards = encoder.encode(reversed);
        for (int i = 0; i < samples.size(); i++) {
            float[] single = encoder.encode(samples.get(i));
            assertClose(batch.get(i), single, samples.get(i));
            assertClose(backwards.get(samples.size() - 1 - i), single, samples.get(i));
        }
    }

    @Test
    void anEmptyBatchGivesNoVectors() {
        assertThat(encoder().encode(List.of())).isEmpty();
    }

    @Test
    void severalThreadsEncodingAtOnceGetTheSameVectorsAsOneThread() throws Exception {
        Encoder encoder = encoder();
        List<Content> samples = sampleContents();
        List<float[]> expected = encoder.encode(samples);
        int threads = 4;
        int rounds = 5;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                Random random = new Random(t);
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < rounds; round++) {
                        List<Integer> order = new ArrayList<>();
                        for (int i = 0; i < samples.size(); i++) {
                            order.add(i);
                        }
                        Collections.shuffle(order, random);
                        List<Content> shuffled = order.stream().map(samples::get).toList();
                        List<float[]> vectors = encoder.encode(shuffled);
                        for (int k = 0; k < order.size(); k++) {
                            assertClose(vectors.get(k), expected.get(order.get(k)), shuffled.get(k));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aVideoIsRejectedBecauseEncodersEmbedStillsAndTextsOnly() {
        Encoder encoder = encoder(supportedModalities());
        assertThat(encoder.supports(Modality.VIDEO)).isFalse();
        assertThatThrownBy(() -> encoder.encode(dev.mmrag.api.VideoContent.of(java.nio.file.Path.of("clip.mp4"))))
                .isInstanceOf(UnsupportedModalityException.class).hasMessageContaining("VIDEO");
    }

    @Test
    void aModalityTheEncoderWasNotBuiltForIsRejectedEvenInAMixedBatch() {
        boolean checked = false;
        for (Modality missing : supportedModalities()) {
            Set<Modality> enabled = EnumSet.copyOf(supportedModalities());
            enabled.remove(missing);
            if (enabled.isEmpty()) {
                continue;
            }
            Encoder encoder = encoder(enabled);
            assertThat(encoder.supports(missing)).isFalse();
            Content accepted = sampleContents().stream().filter(c -> enabled.contains(c.modality())).findFirst()
                    .orElseThrow();
            Content rejected = contentOf(missing);
            assertThatThrownBy(() -> encoder.encode(List.of(accepted, rejected)))
                    .isInstanceOf(UnsupportedModalityException.class).hasMessageContaining(missing.name());
            assertThatThrownBy(() -> encoder.encode(rejected))
                    .isInstanceOf(UnsupportedModalityException.class).hasMessageContaining(missing.name());
            assertThat(encoder.encode(accepted)).hasSize(encoder.dimension());
            checked = true;
        }
        assertThat(checked).as("the test needs an encoder that lacks at least one modality").isTrue();
    }

    @Test
    void anUnreadableImageIsInvalidInputNamingItAndTheEncoderStaysUsable() {
        Encoder encoder = encoder();
        ImageContent unreadable = unreadableImage();
        if (!supportedModalities().contains(Modality.IMAGE)) {
            assertThatThrownBy(() -> encoder.encode(unreadable)).isInstanceOf(UnsupportedModalityException.class);
            return;
        }
        List<Content> samples = sampleContents();
        List<float[]> before = encoder.encode(samples);
        List<Content> withBadImage = new ArrayList<>(samples);
        withBadImage.add(samples.size() / 2, unreadable);
        assertThatThrownBy(() -> encoder.encode(withBadImage))
                .isInstanceOf(InvalidInputException.class)
                .isNotInstanceOf(UnsupportedModalityException.class)
                .hasMessageContaining(unreadable.describe());
        List<float[]> after = encoder.encode(samples);
        for (int i = 0; i < samples.size(); i++) {
            assertClose(after.get(i), before.get(i), samples.get(i));
        }
    }

    private Content contentOf(Modality modality) {
        return sampleContents().stream().filter(c -> c.modality() == modality).findFirst()
                .orElseGet(() -> modality == Modality.TEXT ? Content.text("a red striped t-shirt") : unreadableImage());
    }

    private void assertClose(float[] actual, float[] expected, Content content) {
        assertThat(actual).as("vector of %s", content.describe()).hasSameSizeAs(expected);
        assertThat(maxDifference(actual, expected)).as("largest difference for %s", content.describe())
                .isLessThanOrEqualTo(tolerance());
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
