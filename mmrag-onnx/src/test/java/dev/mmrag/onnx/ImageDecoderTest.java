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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decoding untrusted images: every supported format (real files made by Pillow 9.4 and libwebp's tools, see
 * {@code src/test/resources/images/make_images.sh} and {@code make_cmyk_exif.sh}; the YCCK JPEG is written by
 * {@code MakeYcck.java}, since Pillow cannot write one, and decoded by Pillow for the expected pixels) gives the
 * pixels Pillow would, CMYK and YCCK JPEGs included, EXIF orientation is applied as Pillow's
 * {@code ImageOps.exif_transpose} applies it (or ignored when asked), the format comes from the bytes
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
        "cmyk.jpg, cmyk.jpg.pillow.png",
        "cmyk-black.jpg, cmyk-black.jpg.pillow.png",
        "ycck.jpg, ycck.jpg.pillow.png",
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
    void bytesOfNoSupportedFormatAreRefusedNamingTheImageWithoutQuotingThem(@TempDir Path dir) throws IOException {
        ImageContent text = ImageContent.of("this is not an image".getBytes(StandardCharsets.UTF_8), "image/png");
        assertThatThrownBy(() -> DECODER.decode(text)).isInstanceOf(InvalidInputException.class)
                .hasMessage(text.describe() + " is not a JPEG, PNG, GIF, BMP or WebP image (its first bytes are text)");
        // A catalogue line may name any file the process can read: the message must not show what it holds.
        Path secret = Files.writeString(dir.resolve("evil.jpg"), "root:x:0:0:root:/root:/bin/bash\n");
        ImageContent passwd = ImageContent.of(secret);
        assertThatThrownBy(() -> DECODER.decode(passwd)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("is not a JPEG, PNG, GIF, BMP or WebP image").hasMessageNotContaining("root:")
                .hasMessageNotContaining("72 6f 6f 74");
        ImageContent elf = ImageContent.of(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0}, null);
        assertThatThrownBy(() -> DECODER.decode(elf)).isInstanceOf(InvalidInputException.class)
                .hasMessageEndingWith("(its first bytes are binary data)");
    }

    @ParameterizedTest(name = "orientation {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void exifOrientationIsAppliedAsPillowsExifTransposeDoesOrIgnoredWhenAsked(int orientation) throws IOException {
        ImageContent photo = ImageContent.of(IMAGES.resolve("orientation-" + orientation + ".jpg"));
        RgbImage upright = DECODER.decode(photo);
        assertThat(differingSamples(upright, png("orientation-" + orientation + ".jpg.transposed.png"))).isZero();
        assertThat(upright.width()).isEqualTo(orientation >= 5 ? 20 : 32);
        RgbImage asStored = new ImageDecoder(ClipImagePreprocessor.DEFAULT_MAX_PIXELS,
                ClipImagePreprocessor.DEFAULT_MAX_BYTES, false).decode(photo);
        assertThat(differingSamples(asStored, png("orientation.jpg.pillow.png"))).isZero();
    }

    @Test
    void malformedExifIsIgnoredNotFatal() {
        assertThat(JpegExtras.exifOrientation(new byte[] {'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, -1, -1, -1, 0x7F}))
                .as("an IFD offset past the end").isEqualTo(1);
        assertThat(JpegExtras.exifOrientation(new byte[] {'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,
            0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 9, 0, 0})).as("orientation 9 does not exist").isEqualTo(1);
        assertThat(JpegExtras.exifOrientation(new byte[] {'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,
            0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0})).as("big-endian orientation 6").isEqualTo(6);
        assertThat(JpegExtras.exifOrientation(new byte[] {'J', 'F', 'I', 'F', 0})).isEqualTo(1);
    }

    @Test
    void aFileOverTheByteLimitIsRefusedFromItsSizeWithoutBeingRead(@TempDir Path dir) throws IOException {
        // A sparse 200 MB file that starts like a JPEG: reading it whole would take 200 MB of heap.
        Path big = dir.resolve("big.jpg");
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            file.write(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0});
            file.setLength(200L * 1000 * 1000);
        }
        ImageContent image = ImageContent.of(big);
        assertThatThrownBy(() -> DECODER.decode(image)).isInstanceOf(InvalidInputException.class)
                .hasMessage(image.describe() + " is 200000000 bytes, over the limit of 134217728 bytes");
    }

    @Test
    void aStreamIsReadNoFurtherThanTheByteLimit() throws IOException {
        // An HTTP source of unknown size that would send 64 MiB: the decoder stops after its 1 MiB limit.
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        server.createContext("/photo.jpg", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (java.io.OutputStream body = exchange.getResponseBody()) {
                body.write(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF});
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 1024; i++) {
                    body.write(chunk);
                    sent.addAndGet(chunk.length);
                }
            } catch (IOException closedByTheClient) {
                // expected: the decoder stops reading
            }
        });
        server.start();
        try {
            ImageContent image = ImageContent.of(java.net.URI.create("http://127.0.0.1:"
                    + server.getAddress().getPort() + "/photo.jpg"), null);
            assertThatThrownBy(() -> new ImageDecoder(ClipImagePreprocessor.DEFAULT_MAX_PIXELS, 1 << 20, true)
                    .decode(image)).isInstanceOf(InvalidInputException.class)
                    .hasMessage(image.describe() + " is more than 1048576 bytes, over the limit of 1048576 bytes");
        } finally {
            server.stop(0);
        }
        assertThat(sent.get()).as("bytes the server could send before the client stopped").isLessThan(48L << 20);
    }

    @Test
    void devicesFifosAndDirectoriesAreRefusedBeforeTheyAreRead(@TempDir Path dir) throws Exception {
        Path zero = Files.createSymbolicLink(dir.resolve("zero.jpg"), Path.of("/dev/zero"));
        Path fifo = dir.resolve("fifo.jpg");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
        for (Path path : new Path[] {zero, fifo, dir}) {
            ImageContent image = ImageContent.of(path);
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                    () -> assertThatThrownBy(() -> DECODER.decode(image)).isInstanceOf(InvalidInputException.class)
                            .hasMessageStartingWith(image.describe() + " is not a regular file"));
        }
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
