package dev.mmrag.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.ImageContent;
import dev.mmrag.api.MmragException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A valid image whose pixels do not fit the heap is reported as such (an {@code EncodingException} naming the image
 * and the heap), not as a damaged image with an empty reason. It runs in a child JVM with a 64 MiB heap, decoding
 * a black 6000 x 6000 PNG (36 Mpx, within the default limit; about 100 MiB once decoded).
 */
class ImageDecoderMemoryTest {

    @Test
    void anImageTooLargeForTheHeapIsAnEncodingExceptionSayingSo(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("black.png");
        ImageIO.write(new BufferedImage(6000, 6000, BufferedImage.TYPE_3BYTE_BGR), "png", png.toFile());
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), DecodeOne.class.getName(), png.toString());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(output).contains("dev.mmrag.api.EncodingException: image file " + png + " (36 Mpx) does not fit "
                + "the Java heap while it is decoded").contains("give the JVM more heap (-Xmx)");
    }

    /** Decodes the image named by its argument and prints the exception it gets, if any. */
    static final class DecodeOne {
        public static void main(String[] args) throws IOException {
            try {
                RgbImage image = new ImageDecoder(ClipImagePreprocessor.DEFAULT_MAX_PIXELS)
                        .decode(ImageContent.of(Path.of(args[0])));
                System.out.println("decoded " + image.width() + "x" + image.height());
            } catch (MmragException e) {
                System.out.println(e);
            }
        }
    }
}
