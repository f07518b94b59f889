package dev.mmrag.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FramedFile}: a round trip gives back the content and its version; older readable versions are read;
 * every other file is refused with a {@link FileFormatException} naming it, before the reader sees a byte: another
 * format, a version outside the readable ones, a file truncated at any length, any bit flipped, a directory and a
 * FIFO (refused without blocking); content the reader leaves unread or reads past is refused as damaged.
 */
class FramedFileTest {

    private static final FramedFile.Format FORMAT = new FramedFile.Format("MMRAGTST", "an mmrag test file", 3, 2);

    @TempDir
    Path folder;

    @Test
    void roundTripGivesBackContentAndVersion() throws IOException {
        Path file = folder.resolve("data.tst");
        FramedFile.write(file, FORMAT, out -> {
            out.writeUTF("héllo");
            out.writeLong(42);
            out.write(new byte[200_000]);
        });
        String read = FramedFile.read(file, FORMAT, frame -> {
            assertThat(frame.version()).isEqualTo(3);
            assertThat(frame.length()).isEqualTo(2 + "héllo".getBytes("UTF-8").length + 8 + 200_000);
            String text = frame.in().readUTF() + frame.in().readLong();
            frame.in().readFully(new byte[200_000]);
            assertThat(frame.remaining()).isZero();
            return text;
        });
        assertThat(read).isEqualTo("héllo42");
    }

    @Test
    void readsTheOldestReadableVersionAndRefusesOthers() throws IOException {
        Path file = folder.resolve("data.tst");
        for (int version = 1; version <= 4; version++) {
            int written = version;
            FramedFile.write(file, new FramedFile.Format("MMRAGTST", "an mmrag test file", written, 1),
                    out -> out.writeInt(written));
            if (version == 2 || version == 3) {
                int read = FramedFile.read(file, FORMAT, frame -> frame.version() * 100 + frame.in().readInt());
                assertThat(read).isEqualTo(101 * version);
            } else {
                assertThatThrownBy(() -> FramedFile.read(file, FORMAT, frame -> 0))
                        .isInstanceOf(FileFormatException.class)
                        .hasMessage("file " + file + " (an mmrag test file) has format version " + version
                                + "; this version of mmrag reads format versions 2 to 3");
            }
        }
    }

    @Test
    void aFileOfAnotherFormatIsRefused() throws IOException {
        Path file = folder.resolve("notes.txt");
        Files.writeString(file, "these are notes, long enough to look like a header");
        assertThatThrownBy(() -> FramedFile.read(file, FORMAT, frame -> 0)).isInstanceOf(FileFormatException.class)
                .hasMessage("file " + file + " is not an mmrag test file (it does not start with \"MMRAGTST\")");
    }

    @Test
    void aTruncatedOrDamagedFileIsRefusedBeforeTheReaderRuns() throws IOException {
        Path file = folder.resolve("data.tst");
        FramedFile.write(file, FORMAT, out -> out.writeUTF("some content of a few bytes"));
        byte[] bytes = Files.readAllBytes(file);
        Path other = folder.resolve("other.tst");
        for (int length = 0; length < bytes.length; length++) {
            Files.write(other, Arrays.copyOf(bytes, length));
            assertThatThrownBy(() -> FramedFile.read(other, FORMAT, frame -> {
                throw new AssertionError("the reader ran");
            })).as("truncated to %d bytes", length).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("file " + other + " (an mmrag test file) is damaged or truncated");
        }
        for (int bit = 12 * 8; bit < bytes.length * 8; bit++) {
            byte[] damaged = bytes.clone();
            damaged[bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(other, damaged);
            assertThatThrownBy(() -> FramedFile.read(other, FORMAT, frame -> {
                throw new AssertionError("the reader ran");
            })).as("bit %d flipped", bit).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("is damaged or truncated: its checksum is");
        }
    }

    @Test
    void contentLeftUnreadOrReadPastIsDamage() throws IOException {
        Path file = folder.resolve("data.tst");
        FramedFile.write(file, FORMAT, out -> out.writeInt(7));
        assertThatThrownBy(() -> FramedFile.read(file, FORMAT, frame -> frame.in().readShort()))
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining("is damaged or truncated: it has 2 bytes after the end of its content");
        assertThatThrownBy(() -> FramedFile.read(file, FORMAT, frame -> frame.in().readInt() + frame.in().readInt()))
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining("is damaged or truncated: its content ends before all of it is read");
        assertThatThrownBy(() -> FramedFile.read(file, FORMAT, frame -> {
            throw frame.damaged("it declares 9 items");
        })).isInstanceOf(FileFormatException.class)
                .hasMessage("file " + file + " (an mmrag test file) is damaged or truncated: it declares 9 items");
    }

    @Test
    void onlyRegularFilesAreRead() throws Exception {
        Path fifo = SafeFileTest.mkfifo(folder.resolve("pipe"));
        assertThatThrownBy(() -> FramedFile.read(fifo, FORMAT, frame -> 0)).isInstanceOf(FileFormatException.class)
                .hasMessage("file " + fifo + " is a FIFO (named pipe), not a regular file; expected an mmrag test file");
        assertThatThrownBy(() -> FramedFile.read(folder, FORMAT, frame -> 0)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("is a directory, not a regular file");
        assertThatThrownBy(() -> FramedFile.read(folder.resolve("absent"), FORMAT, frame -> 0))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void formatsAreValidated() {
        assertThatThrownBy(() -> new FramedFile.Format("MM", "x", 1, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("magic \"MM\"");
        assertThatThrownBy(() -> new FramedFile.Format("MMRAG\u00e9XX", "x", 1, 1))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new FramedFile.Format("MMRAGTST", "x", 1, 2))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("versions 2 to 1");
    }
}
