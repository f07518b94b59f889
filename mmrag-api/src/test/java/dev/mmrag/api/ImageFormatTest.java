package dev.mmrag.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Format detection from the first bytes: real files written by the JDK's ImageIO writers (JPEG, PNG, GIF, BMP; the
 * JDK has no WebP writer, so WebP is a RIFF header as the WebP container specification lays it out), and the bytes
 * that must not pass for an image.
 */
class ImageFormatTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"jpeg, JPEG", "png, PNG", "gif, GIF", "bmp, BMP"})
    void imagesWrittenByImageIoAreDetectedWithTheWritersMediaType(String writerFormat, ImageFormat expected)
            throws IOException {
        byte[] image = write(writerFormat);

        assertThat(ImageFormat.detect(image)).contains(expected);
        assertThat(ImageFormat.detect(Arrays.copyOf(image, ImageFormat.SIGNATURE_BYTES))).contains(expected);
        ImageWriter writer = ImageIO.getImageWritersByFormatName(writerFormat).next();
        assertThat(writer.getOriginatingProvider().getMIMETypes()).contains(expected.mediaType());
    }

    @Test
    void aRiffFileIsWebPOnlyWhenItsFormIsWebp() {
        byte[] webp = {'R', 'I', 'F', 'F', 0x24, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L'};
        byte[] wave = {'R', 'I', 'F', 'F', 0x24, 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't', ' '};

        assertThat(ImageFormat.detect(webp)).contains(ImageFormat.WEBP);
        assertThat(ImageFormat.WEBP.mediaType()).isEqualTo("image/webp");
        assertThat(ImageFormat.detect(wave)).isEmpty();
    }

    @Test
    void bytesThatOnlyResembleASignatureAreNotAnImage() throws IOException {
        byte[] png = write("png");

        assertThat(ImageFormat.detect(Arrays.copyOf(png, 7))).as("a PNG signature cut short").isEmpty();
        assertThat(ImageFormat.detect(new byte[] {'G', 'I', 'F', '8', '8', 'a'})).as("no GIF version 88a").isEmpty();
        assertThat(ImageFormat.detect(new byte[] {(byte) 0xFF, (byte) 0xD8})).as("two bytes of JPEG").isEmpty();
        assertThat(ImageFormat.detect(new byte[] {'R', 'I', 'F', 'F'})).as("a RIFF header cut short").isEmpty();
        assertThat(ImageFormat.detect("<html><body>".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(ImageFormat.detect(new byte[0])).isEmpty();
        assertThatThrownBy(() -> ImageFormat.detect(null)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void theHeadIsDescribedWithoutQuotingItsBytes() {
        String passwd = ImageFormat.describeHead("root:x:0:0:root:/root:/bin/bash\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(passwd).isEqualTo("text").doesNotContain("root").doesNotContain("72 6f 6f 74");
        assertThat(ImageFormat.describeHead("<html>\r\n\t<b>".getBytes(StandardCharsets.US_ASCII))).isEqualTo("text");
        assertThat(ImageFormat.describeHead(new byte[] {(byte) 0x7F, 'E', 'L', 'F', 2, 1, 1, 0}))
                .isEqualTo("binary data");
        assertThat(ImageFormat.describeHead(new byte[] {'B', 'M'})).isEqualTo("text");
        assertThat(ImageFormat.describeHead(new byte[0])).isEqualTo("no bytes");
    }

    @Test
    void namesAreListedInDeclarationOrderForMessages() {
        assertThat(ImageFormat.names(EnumSet.allOf(ImageFormat.class))).isEqualTo("JPEG, PNG, GIF, BMP or WebP");
        assertThat(ImageFormat.names(Set.of(ImageFormat.WEBP, ImageFormat.JPEG))).isEqualTo("JPEG or WebP");
        assertThat(ImageFormat.names(Set.of(ImageFormat.PNG))).isEqualTo("PNG");
        assertThat(ImageFormat.WEBP).hasToString("WebP");
    }

    private static byte[] write(String format) throws IOException {
        BufferedImage image = new BufferedImage(4, 3, BufferedImage.TYPE_3BYTE_BGR);
        image.setRGB(1, 1, 0xC03020);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).as("the JDK writes %s", format).isTrue();
        return out.toByteArray();
    }
}
