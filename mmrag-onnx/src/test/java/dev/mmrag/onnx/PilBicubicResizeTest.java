package dev.mmrag.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.ImageContent;
import dev.mmrag.test.TestData;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our resize and crop against Pillow's, byte for byte: {@code src/test/resources/pillow-crops} holds what Pillow
 * 9.4.0 ({@code Image.resize(size, Image.BICUBIC)} then the center crop, as {@code CLIPImageProcessor} does)
 * made of the parity images and of a photo enlarged to 1728 x 1296 (a downscale by almost 6); the script that
 * made them is next to them. The inputs include JPEGs, so the JDK's JPEG decoding is compared with Pillow's
 * libjpeg-turbo too. Both resampling kernels are compared: the Vector API one (this test JVM has the module, see the
 * module's pom) and the scalar one; each on the calling thread alone and split into bands on a pool of helpers, as
 * the encoder runs it.
 */
class PilBicubicResizeTest {

    private static final Path CROPS = resource("/pillow-crops");
    private static final String HELPER = "resize-helper-";
    private static final int HELPERS = 3;
    private static final ExecutorService POOL = Executors.newFixedThreadPool(HELPERS, named(HELPER));

    private static final ClipImagePreprocessor PREPROCESSOR = ClipImagePreprocessor.fromModelDirectory(
            TestData.miniClipModel());
    private static final ClipImagePreprocessor BANDED = new ClipImagePreprocessor(PreprocessorConfig.from(
            ModelDirectory.open(TestData.miniClipModel()).json(PreprocessorConfig.FILE)),
            ClipImagePreprocessor.DEFAULT_MAX_PIXELS, new PilBicubicResize.Threads(POOL, HELPERS));

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    static Stream<Arguments> crops() throws IOException {
        List<String> crops;
        try (Stream<Path> files = Files.list(CROPS)) {
            crops = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".crop.png")).sorted().toList();
        }
        return Stream.of(new SimdResampleKernel(), new ScalarResampleKernel())
                .flatMap(kernel -> crops.stream().map(crop -> Arguments.of(crop, Named.of(kernel.name(), kernel))));
    }

    @Test
    void thisJvmUsesTheVectorApiKernel() {
        assertThat(ResampleKernel.INSTANCE).isInstanceOf(SimdResampleKernel.class);
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("crops")
    void resizeAndCropEqualPillowByteForByte(String crop, ResampleKernel kernel) throws IOException {
        String sourceName = crop.substring(0, crop.length() - ".crop.png".length());
        Path source = CROPS.resolve("sources").resolve(sourceName);
        if (!Files.exists(source)) {
            source = resource("/clip-parity/images").resolve(sourceName);
        }
        RgbImage pillow = RgbImage.of(ImageIO.read(CROPS.resolve(crop).toFile()));
        assertThat(pillow.width()).isEqualTo(224);
        assertThat(pillow.height()).isEqualTo(224);
        for (ClipImagePreprocessor preprocessor : List.of(PREPROCESSOR, BANDED)) {
            float[] ours = preprocessor.samples(preprocessor.decoder().decode(ImageContent.of(source)), kernel);
            int differing = 0;
            for (int y = 0; y < 224; y++) {
                for (int x = 0; x < 224; x++) {
                    for (int c = 0; c < 3; c++) {
                        if (ours[(c * 224 + y) * 224 + x] != pillow.sample(x, y, c)) {
                            differing++;
                        }
                    }
                }
            }
            assertThat(differing).as("samples of %s that differ from Pillow's (%s)", sourceName,
                    preprocessor == BANDED ? "in bands" : "one thread").isZero();
        }
    }

    /**
     * A large image is split into one band per thread: the bands beyond the calling thread's are offered to the
     * helpers given (never to the common fork-join pool), every band runs once, on the calling thread or a helper,
     * and the samples are those of one thread doing it all.
     */
    @Test
    void aLargeImageIsSplitIntoBandsThatRunOnlyOnTheThreadsGiven() {
        RgbImage large = randomImage(2000, 1500, new Random(11));
        PilBicubicResize.Crop crop = new PilBicubicResize.Crop(299, 224, 37, 0, 224, 224);
        AtomicInteger offered = new AtomicInteger();
        RecordingKernel kernel = new RecordingKernel();

        float[] banded = samples(kernel, large, crop, new PilBicubicResize.Threads(task -> {
            offered.incrementAndGet();
            POOL.execute(task);
        }, HELPERS));

        assertThat(banded).containsExactly(samples(ResampleKernel.INSTANCE, large, crop,
                PilBicubicResize.Threads.CALLING_THREAD));
        assertThat(offered).hasValue(HELPERS - 1);
        String caller = Thread.currentThread().getName();
        assertThat(kernel.bandThreads).as("the thread of each band").hasSize(HELPERS)
                .allSatisfy(thread -> assertThat(thread.equals(caller) || thread.startsWith(HELPER))
                        .as("band on %s", thread).isTrue());
    }

    /**
     * The bands a resize offers to a pool whose every thread is busy (here: the pool's only thread is the one
     * resizing) are run by the resizing thread itself; it never waits for a band that is still queued. The time
     * limit only turns such a deadlock into a failure.
     */
    @Test
    void bandsOfferedToABusyPoolAreRunByTheCallingThread() throws Exception {
        RgbImage large = randomImage(2000, 1500, new Random(12));
        PilBicubicResize.Crop crop = new PilBicubicResize.Crop(299, 224, 37, 0, 224, 224);
        ExecutorService single = Executors.newSingleThreadExecutor(named("only-"));
        try {
            RecordingKernel kernel = new RecordingKernel();
            Future<float[]> banded = single.submit(() -> samples(kernel, large, crop,
                    new PilBicubicResize.Threads(single, 4)));

            assertThat(banded.get(2, TimeUnit.MINUTES)).containsExactly(samples(ResampleKernel.INSTANCE, large,
                    crop, PilBicubicResize.Threads.CALLING_THREAD));
            assertThat(kernel.bandThreads).hasSize(4).containsOnly("only-1");
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void cubicIsTheKeysKernelWithAMinusOneHalf() {
        assertThat(PilBicubicResize.cubic(0)).isEqualTo(1.0);
        assertThat(PilBicubicResize.cubic(1)).isEqualTo(0.0);
        assertThat(PilBicubicResize.cubic(2)).isEqualTo(0.0);
        assertThat(PilBicubicResize.cubic(0.5)).isEqualTo(0.5625);
        assertThat(PilBicubicResize.cubic(-1.5)).isEqualTo(-0.0625);
    }

    @Test
    void downscalingWidensTheKernelByTheScaleFactor() {
        PilBicubicResize.Weights up = PilBicubicResize.Weights.of(100, 200, 100, 1);
        PilBicubicResize.Weights down = PilBicubicResize.Weights.of(1000, 100, 50, 1);
        assertThat(up.length[0]).isEqualTo(4);
        assertThat(down.length[0]).isEqualTo(40);
        long sum = 0;
        for (int t = 0; t < down.length[0]; t++) {
            sum += down.weights[t];
        }
        assertThat(sum).isCloseTo(1L << 22, org.assertj.core.data.Offset.offset(40L));
    }

    @Test
    void cachedWeightsAreSharedBySizeAndEqualFreshOnes() {
        PilBicubicResize.Weights first = PilBicubicResize.Weights.cached(288, 224, 0, 224);
        PilBicubicResize.Weights fresh = PilBicubicResize.Weights.of(288, 224, 0, 224);
        assertThat(PilBicubicResize.Weights.cached(288, 224, 0, 224)).isSameAs(first);
        assertThat(first.start).isEqualTo(fresh.start);
        assertThat(first.length).isEqualTo(fresh.length);
        assertThat(first.weights).isEqualTo(fresh.weights);
        assertThat(first.maxLength()).isEqualTo(fresh.maxLength()).isEqualTo(6);
        assertThat(PilBicubicResize.Weights.cached(288, 224, 1, 222)).isNotSameAs(first);
        PilBicubicResize.Weights same = PilBicubicResize.Weights.cached(224, 224, 0, 224);
        assertThat(same.maxLength()).isEqualTo(1);
        assertThat(same.start[5]).isEqualTo(5);
    }

    @Test
    void aCropOutsideTheResizedImageIsRefused() {
        assertThatThrownBy(() -> new PilBicubicResize.Crop(8, 8, 2, 2, 8, 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the resized 8x8 image");
    }

    private static float[] samples(ResampleKernel kernel, RgbImage image, PilBicubicResize.Crop crop,
            PilBicubicResize.Threads threads) {
        float[][] identity = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                identity[c][v] = v;
            }
        }
        float[] samples = new float[3 * crop.plane()];
        PilBicubicResize.resizeAndCrop(kernel, image, crop, identity, FloatBuffer.wrap(samples), 0, threads);
        return samples;
    }

    private static RgbImage randomImage(int width, int height, Random random) {
        byte[] data = new byte[3 * width * height];
        random.nextBytes(data);
        return RgbImage.packed(data, width, height);
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** This JVM's kernel, noting the thread of every band (each band starts one horizontal pass). */
    private static final class RecordingKernel implements ResampleKernel {
        final List<String> bandThreads = Collections.synchronizedList(new java.util.ArrayList<>());

        @Override
        public int pixelStride() {
            return INSTANCE.pixelStride();
        }

        @Override
        public int rowSlack() {
            return INSTANCE.rowSlack();
        }

        @Override
        public HorizontalPass horizontal(RgbImage source, PilBicubicResize.Weights columns) {
            bandThreads.add(Thread.currentThread().getName());
            return INSTANCE.horizontal(source, columns);
        }

        @Override
        public void vertical(int[] band, int[] offsets, int[] weights, int from, int taps, int length, int[] out) {
            INSTANCE.vertical(band, offsets, weights, from, taps, length, out);
        }

        @Override
        public String name() {
            return "recording " + INSTANCE.name();
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(PilBicubicResizeTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
