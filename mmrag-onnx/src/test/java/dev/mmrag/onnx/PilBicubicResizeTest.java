package dev.mmrag.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.ImageContent;
import dev.mmrag.test.TestData;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
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
 * module's pom) and the scalar one.
 */
class PilBicubicResizeTest {

    private static final Path CROPS = resource("/pillow-crops");

    private static final ClipImagePreprocessor PREPROCESSOR = ClipImagePreprocessor.fromModelDirectory(
            TestData.miniClipModel());

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
        float[] ours = PREPROCESSOR.samples(PREPROCESSOR.decoder().decode(ImageContent.of(source)), kernel);
        RgbImage pillow = RgbImage.of(ImageIO.read(CROPS.resolve(crop).toFile()));
        assertThat(pillow.width()).isEqualTo(224);
        assertThat(pillow.height()).isEqualTo(224);
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
        assertThat(differing).as("samples of %s that differ from Pillow's", sourceName).isZero();
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
    void aCropOutsideTheResizedImageIsRefused() {
        assertThatThrownBy(() -> new PilBicubicResize.Crop(8, 8, 2, 2, 8, 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the resized 8x8 image");
    }

    private static Path resource(String name) {
        try {
            return Path.of(PilBicubicResizeTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
