package dev.mmrag.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files an image may name that must not be read: endless devices, FIFOs that block, directories, files over the
 * byte limit. Each is refused with a message naming the file, before anything large is read.
 */
class ImageContentFileTest {

    @Test
    void aSymbolicLinkToAnEndlessDeviceIsRefusedBeforeReading(@TempDir Path dir) throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("zero.jpg"), Path.of("/dev/zero"));
        ImageContent image = ImageContent.of(link);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(image::readAllBytes)
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("image file " + link)
                .hasMessageContaining("is not a regular file (it is a FIFO, device or socket)"));
        assertThatThrownBy(image::openStream).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a regular file");
        ImageContent url = ImageContent.of(link.toUri(), null);
        assertThatThrownBy(url::readAllBytes).as("a file: URL is a file too").isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void aFifoIsRefusedInsteadOfBlocking(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("photo.jpg");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).as("mkfifo").isZero();
        ImageContent image = ImageContent.of(fifo);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(image::readAllBytes)
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("image file " + fifo)
                .hasMessageContaining("not a regular file"));
    }

    @Test
    void aDirectoryIsNotAnImage(@TempDir Path dir) {
        assertThatThrownBy(() -> ImageContent.of(dir).readAllBytes()).isInstanceOf(InvalidInputException.class)
                .hasMessage("image file " + dir + " is not a regular file (it is a directory)");
    }

    @Test
    void aFileOverTheByteLimitIsRefusedFromItsSize(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("big.jpg"), new byte[1000]);
        ImageContent image = ImageContent.of(file);
        assertThat(image.size()).contains(1000L);
        assertThat(image.readAllBytes(1000)).hasSize(1000);
        assertThatThrownBy(() -> image.readAllBytes(999)).isInstanceOf(InvalidInputException.class)
                .hasMessage("image file " + file + " is 1000 bytes, over the limit of 999 bytes");
        assertThatThrownBy(() -> ImageContent.of(new byte[10], null).readAllBytes(9))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("over the limit of 9 bytes");
        assertThatThrownBy(() -> image.readAllBytes(0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("byte limit");
    }
}
