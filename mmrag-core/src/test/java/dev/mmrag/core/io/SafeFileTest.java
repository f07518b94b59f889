package dev.mmrag.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SafeFile}: it creates and replaces regular files, keeps their permissions and leaves no temporary file
 * behind when the content fails (with an exception or an {@link Error}); it refuses, naming the path and what it
 * is, and without changing anything, every target that is not a regular file to create or replace: an empty path,
 * {@code /}, a directory, a FIFO, a device ({@code /dev/null}), a symbolic link (unless asked to follow it: then the
 * file it leads to is replaced and the link kept), a dangling link, and a read-only file (also when the tests run as
 * root, as in CI). FIFOs are made with the real {@code mkfifo}.
 */
class SafeFileTest {

    @TempDir
    Path folder;

    @Test
    void createsAndReplacesARegularFileKeepingItsPermissions() throws IOException {
        Path file = folder.resolve("data.bin");
        SafeFile.write(file, out -> out.write("first".getBytes(StandardCharsets.UTF_8)));
        assertThat(Files.readString(file)).isEqualTo("first");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        SafeFile.write(file, out -> {
            out.write("second, ".getBytes(StandardCharsets.UTF_8));
            out.write('x');
            out.close(); // has no effect
            out.write('y');
        });
        assertThat(Files.readString(file)).isEqualTo("second, xy");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertFolderHoldsOnly("data.bin");
    }

    @Test
    void aFailingWriteKeepsTheOldFileAndDeletesItsTemporaryFile() throws IOException {
        Path file = folder.resolve("data.bin");
        Files.writeString(file, "old");

        assertThatThrownBy(() -> SafeFile.write(file, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk on fire");
        })).isInstanceOf(IOException.class).hasMessage("disk on fire");
        assertThatThrownBy(() -> SafeFile.write(file, out -> {
            out.write(new byte[100_000]);
            throw new OutOfMemoryError("simulated");
        })).isInstanceOf(OutOfMemoryError.class);

        assertThat(Files.readString(file)).isEqualTo("old");
        assertFolderHoldsOnly("data.bin");
    }

    @Test
    void refusesAnEmptyPathTheRootAndDirectories() throws IOException {
        Path sub = Files.createDirectory(folder.resolve("sub"));
        assertRefused(Path.of(""), "the path to write is empty");
        assertRefused(Path.of("/"), "/ is a directory");
        assertRefused(sub, sub + " is a directory");
        assertRefused(folder.resolve("sub").resolve(".."), "is a directory");
        assertThat(sub).isDirectory();
    }

    @Test
    void refusesAFifoAndADeviceWithoutTouchingThem() throws Exception {
        Path fifo = mkfifo(folder.resolve("pipe"));
        assertRefused(fifo, fifo + " is a FIFO (named pipe), not a regular file");
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)).isTrue();

        Path devNull = Path.of("/dev/null");
        assertRefused(devNull, "/dev/null is a character device, not a regular file");
        assertThat(Files.isRegularFile(devNull, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertFolderHoldsOnly("pipe");
    }

    @Test
    void refusesASymbolicLinkUnlessAskedToFollowIt() throws IOException {
        Path real = folder.resolve("real.bin");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(folder.resolve("link.bin"), real.getFileName());

        assertRefused(link, link + " is a symbolic link (to real.bin)");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("old");

        assertThat(SafeFile.checkTarget(link, SafeFile.Symlinks.FOLLOW)).isEqualTo(real.toRealPath());
        SafeFile.write(link, SafeFile.Symlinks.FOLLOW, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("new");
        assertFolderHoldsOnly("link.bin", "real.bin");
    }

    @Test
    void aFollowedLinkMustLeadToAnExistingRegularFile() throws IOException {
        Path dangling = Files.createSymbolicLink(folder.resolve("dangling"), folder.resolve("absent"));
        assertThatThrownBy(() -> SafeFile.write(dangling, SafeFile.Symlinks.FOLLOW, out -> out.write(1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(dangling + " is a symbolic link to ")
                .hasMessageContaining("which does not exist");
        Path toDevNull = Files.createSymbolicLink(folder.resolve("null"), Path.of("/dev/null"));
        assertThatThrownBy(() -> SafeFile.write(toDevNull, SafeFile.Symlinks.FOLLOW, out -> out.write(1)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("/dev/null is a character device, not a regular file");
        assertThat(Files.exists(folder.resolve("absent"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertFolderHoldsOnly("dangling", "null");
    }

    @Test
    void refusesAReadOnlyFileEvenForRoot() throws IOException {
        Path file = folder.resolve("frozen.bin");
        Files.writeString(file, "keep me");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));

        assertRefused(file, file + " is read-only (permissions r--r--r--: its owner may not write it)");
        assertThat(Files.readString(file)).isEqualTo("keep me");
        assertFolderHoldsOnly("frozen.bin");
    }

    @Test
    void aMissingFolderIsNamed() {
        Path file = folder.resolve("no-such-folder").resolve("data.bin");
        assertThatThrownBy(() -> SafeFile.write(file, out -> out.write(1))).isInstanceOf(NoSuchFileException.class)
                .hasMessage(file.getParent() + ": the folder to save into does not exist");
    }

    private void assertRefused(Path target, String message) {
        assertThatThrownBy(() -> SafeFile.write(target, out -> out.write(1))).as("writing %s", target)
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(message);
    }

    private void assertFolderHoldsOnly(String... names) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(names);
        }
    }

    /** Makes a FIFO with the system's {@code mkfifo}. */
    static Path mkfifo(Path path) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("mkfifo: %s", output).isZero();
        return path;
    }
}
