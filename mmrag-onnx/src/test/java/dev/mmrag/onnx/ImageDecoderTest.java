package dev.mmrag.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.test.TestData;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Decoding untrusted images: every supported format (real files made by Pillow and libwebp's tools, see
 * {@code src/test/resources/images/make_images.sh}) gives the pixels Pillow would, the format comes from the bytes
 * and not the name, and every kind of bad input is an {@link InvalidInputException} that names the image.
 */
class ImageDecoderTest {

    private static final Path IMAGES = resource("/images");
    private static final ImageDecoder DECODER = new ImageDecoder(ClipImagePreprocessor.DEFAULT_MAX_PIXELS);

    @ParameterizedTest(name = "{0} decodes to {1}")
    @CsvSource({
        "source.png, source.png",
        "source.bmp, source.png",
        "lossless.webp, source.png",
        "source.gif, source.gif.pillow.png",
        "gray.jpg, gray.jpg.pillow.png",
        "grey16.png, grey16.png.pillow.png",
        "rgb555.bmp, rgb555.bmp.pillow.png",
        "offset.gif, offset.gif.pillow.png",
        "offset-transparent.gif, offset-transparent.gif.pillow.png",
        "overflow.gif, overflow.gif.pillow.png",
    })
    void everyFormatDecodesToThePixelsPillowGives(String file, String expected) throws IOException {
        RgbImage decoded = DECODER.decode(ImageContent.of(IMAGES.resolve(file)));
        assertThat(differingSamples(decoded, png(expected))).isZero();
    }

    /**
     * The TwelveMonkeys WebP reader does not upsample chroma as libwebp does by default ("fancy" upsampling), so
     * lossy WebP pixels are not exactly Pillow's: measured 2.3 levels apart on average on this file. The bound
     * catches a broken decoder (a wrong colour conversion is tens of levels off), not that known gap.
     */
    @Test
    void lossyWebPDecodesCloseToLibwebp() throws IOException {
        RgbImage decoded = DECODER.decode(ImageContent.of(IMAGES.resolve("lossy.webp")));
        RgbImage libwebp = png("lossy.webp.dwebp.png");
        assertThat(decoded.width()).isEqualTo(120);
        assertThat(decoded.height()).isEqualTo(90);
        double total = 0;
        int max = 0;
        for (int y = 0; y < 90; y++) {
            for (int x = 0; x < 120; x++) {
                for (int c = 0; c < 3; c++) {
                    int difference = Math.abs(decoded.sample(x, y, c) - libwebp.sample(x, y, c));
                    total += difference;
                    max = Math.max(max, difference);
                }
            }
        }
        double mean = total / (90 * 120 * 3);
        System.out.printf("lossy WebP vs libwebp: mean %.3f, max %d levels%n", mean, max);
        assertThat(mean).as("mean difference in 8-bit levels").isLessThan(4.0);
    }

    @Test
    void theFormatComesFromTheBytesNotTheNameOrMediaType(@TempDir Path dir) throws IOException {
        Path misnamed = dir.resolve("photo.jpg");
        Files.copy(IMAGES.resolve("source.png"), misnamed);
        RgbImage fromFile = DECODER.decode(ImageContent.of(misnamed));
        RgbImage fromBytes = DECODER.decode(ImageContent.of(Files.readAllBytes(IMAGES.resolve("source.bmp")), "image/gif"));
        assertThat(differingSamples(fromFile, png("source.png"))).isZero();
        assertThat(differingSamples(fromBytes, png("source.png"))).isZero();
    }

    @Test
    void bytesOfNoSupportedFormatAreRefusedNamingTheImageAndItsFirstBytes() {
        ImageContent text = ImageContent.of("this is not an image".getBytes(StandardCharsets.UTF_8), "image/png");
        assertThatThrownBy(() -> DECODER.decode(text)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(text.describe())
                .hasMessageContaining("is not a JPEG, PNG, GIF, BMP or WebP image")
                .hasMessageContaining("74 68 69 73");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"source.png", "source.gif", "lossless.webp", "gray.jpg", "source.bmp"})
    void aTruncatedFileIsRefusedNamingIt(String file, @TempDir Path dir) throws IOException {
        byte[] bytes = Files.readAllBytes(IMAGES.resolve(file));
        Path truncated = dir.resolve("truncated-" + file);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        ImageContent image = ImageContent.of(truncated);
        assertThatThrownBy(() -> DECODER.decode(image)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(image.describe());
    }

    @Test
    void aTruncatedCatalogueJpegIsRefusedRatherThanHalfGrey() throws IOException {
        Path photo = TestData.styleCatalog().resolve("images/sku-0002.jpg");
        byte[] bytes = Files.readAllBytes(photo);
        ImageContent image = ImageContent.of(Arrays.copyOf(bytes, bytes.length * 2 / 3), "image/jpeg");
        assertThatThrownBy(() -> DECODER.decode(image)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(image.describe()).hasMessageContaining("JPEG");
    }

    @Test
    void aCmykJpegIsRefusedWithTheDecodersReason() {
        ImageContent cmyk = ImageContent.of(IMAGES.resolve("cmyk.jpg"));
        assertThatThrownBy(() -> DECODER.decode(cmyk)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(cmyk.describe()).hasMessageContaining("cannot be decoded as JPEG");
    }

    @Test
    void anImageOverThePixelLimitIsRefusedFromItsHeaderBeforeDecoding() throws IOException {
        // A PNG header that claims 20000 x 20000 pixels, followed by no image data at all: if the decoder
        // read the pixels first it would fail on the missing data instead.
        ImageContent huge = ImageContent.of(pngHeaderOnly(20_000, 20_000), "image/png");
        assertThatThrownBy(() -> DECODER.decode(huge)).isInstanceOf(InvalidInputException.class)
                .hasMessage(huge.describe() + " is 20000x20000 = 400 Mpx, over the limit of 100 Mpx");
        ImageContent photo = ImageContent.of(TestData.styleCatalog().resolve("images/sku-0002.jpg"));
        assertThatThrownBy(() -> new ImageDecoder(50_000).decode(photo)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("288x288 = 82944 px, over the limit of 50000 px");
        assertThat(new ImageDecoder(288 * 288).decode(photo).width()).isEqualTo(288);
    }

    @Test
    void aGifIsCheckedAgainstTheLimitByItsScreenNotItsFrame() {
        // A 1 x 1 frame on a logical screen of 20000 x 20000: Pillow (and so this decoder) makes a picture of the
        // whole screen, so that is what the limit applies to.
        ImageContent gif = ImageContent.of(gifWithOnePixelOnScreen(20_000, 20_000), "image/gif");
        assertThatThrownBy(() -> DECODER.decode(gif)).isInstanceOf(InvalidInputException.class)
                .hasMessage(gif.describe() + " is 20000x20000 = 400 Mpx, over the limit of 100 Mpx");
        RgbImage small = DECODER.decode(ImageContent.of(gifWithOnePixelOnScreen(3, 2), "image/gif"));
        assertThat(small.width()).isEqualTo(3);
        assertThat(small.height()).isEqualTo(2);
    }

    @Test
    void aGigapixelClaimIsReportedInGigapixels() throws IOException {
        ImageContent huge = ImageContent.of(pngHeaderOnly(50_000, 50_000), "image/png");
        assertThatThrownBy(() -> DECODER.decode(huge)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("50000x50000 = 2.5 Gpx, over the limit of 100 Mpx");
    }

    @Test
    void aMissingFileIsRefusedNamingIt(@TempDir Path dir) {
        ImageContent missing = ImageContent.of(dir.resolve("nowhere.jpg"));
        assertThatThrownBy(() -> DECODER.decode(missing)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("nowhere.jpg").hasMessageContaining("does not exist");
    }

    private static int differingSamples(RgbImage actual, RgbImage expected) {
        assertThat(actual.width()).isEqualTo(expected.width());
        assertThat(actual.height()).isEqualTo(expected.height());
        int differing = 0;
        for (int y = 0; y < actual.height(); y++) {
            for (int x = 0; x < actual.width(); x++) {
                for (int c = 0; c < 3; c++) {
                    if (actual.sample(x, y, c) != expected.sample(x, y, c)) {
                        differing++;
                    }
                }
            }
        }
        return differing;
    }

    private static RgbImage png(String file) throws IOException {
        return RgbImage.of(ImageIO.read(IMAGES.resolve(file).toFile()));
    }

    /** The PNG signature and a valid IHDR chunk (8-bit RGB) for the given size, and nothing else. */
    private static byte[] pngHeaderOnly(int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(chunk);
        data.writeBytes("IHDR");
        data.writeInt(width);
        data.writeInt(height);
        data.write(new byte[] {8, 2, 0, 0, 0});
        out.writeInt(13);
        out.write(chunk.toByteArray());
        CRC32 crc = new CRC32();
        crc.update(chunk.toByteArray());
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }

    /**
     * A GIF whose logical screen is {@code width x height} and whose only frame is one pixel at (0, 0): a global
     * table of two colours, and an LZW stream of 2-bit codes "clear, 0, end" (3 bits each: 4, 0, 5).
     */
    private static byte[] gifWithOnePixelOnScreen(int width, int height) {
        return new byte[] {'G', 'I', 'F', '8', '9', 'a', (byte) width, (byte) (width >> 8), (byte) height,
            (byte) (height >> 8), (byte) 0x80, 0, 0, (byte) 255, 0, 0, 0, 0, (byte) 255,
            0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0,
            2, 2, (byte) (4 | 5 << 6), 1, 0, 0x3B};
    }

    private static Path resource(String name) {
        try {
            return Path.of(ImageDecoderTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
