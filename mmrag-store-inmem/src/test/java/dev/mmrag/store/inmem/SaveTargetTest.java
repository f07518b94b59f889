package dev.mmrag.store.inmem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metric;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.core.io.SafeFile;
import dev.mmrag.test.TestVectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HnswVectorStore#save(Path)} replaces only what a save should (issue 16, item 8): it refuses, with an
 * {@link InvalidInputException} naming the path and what it is and without changing anything, a FIFO (made with the
 * real {@code mkfifo}), {@code /dev/null}, a symbolic link (which it used to replace with a regular file), a read-only
 * file (also when the tests run as root, as in CI), {@code /} (a {@code NullPointerException} before), another
 * directory and an empty path; with {@link SafeFile.Symlinks#FOLLOW} it saves into the file a link leads to and keeps
 * the link.
 */
class SaveTargetTest {

    private static final int DIM = 8;

    @TempDir
    Path folder;

    private HnswVectorStore store;

    @BeforeEach
    void fill() {
        store = HnswVectorStore.builder(DIM, Metric.COSINE).build();
        List<float[]> vectors = TestVectors.uniform(20, DIM, 3);
        for (int i = 0; i < vectors.size(); i++) {
            store.upsert(List.of(new VectorRecord("item-" + i, vectors.get(i), Map.of())));
        }
    }

    @Test
    void aFifoIsRefusedAndKept() throws Exception {
        Path fifo = folder.resolve("index.hnsw");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        assertThat(mkfifo.waitFor()).as(new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();

        assertRefused(fifo, fifo + " is a FIFO (named pipe), not a regular file");
        assertThat(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertFolderHoldsOnly("index.hnsw");
    }

    @Test
    void aDeviceIsRefused() {
        assertRefused(Path.of("/dev/null"), "/dev/null is a character device, not a regular file");
        assertThat(Files.isRegularFile(Path.of("/dev/null"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aSymbolicLinkIsRefusedUnlessFollowed() throws IOException {
        Path real = folder.resolve("real.hnsw");
        Files.writeString(real, "not yet an index");
        Path link = Files.createSymbolicLink(folder.resolve("link.hnsw"), real.getFileName());

        assertRefused(link, link + " is a symbolic link (to real.hnsw)");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("not yet an index");

        store.save(link, SafeFile.Symlinks.FOLLOW);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(HnswVectorStore.load(real).count()).isEqualTo(20);
        assertFolderHoldsOnly("link.hnsw", "real.hnsw");
    }

    @Test
    void aReadOnlyFileIsRefusedAndKept() throws IOException {
        Path file = folder.resolve("index.hnsw");
        store.save(file);
        byte[] before = Files.readAllBytes(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        store.upsert(List.of(new VectorRecord("extra", TestVectors.uniform(1, DIM, 99).get(0), Map.of())));

        assertRefused(file, file + " is read-only (permissions r--r--r--");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertFolderHoldsOnly("index.hnsw");
    }

    @Test
    void directoriesTheRootAndAnEmptyPathAreRefused() throws IOException {
        Path sub = Files.createDirectory(folder.resolve("sub"));
        assertRefused(Path.of("/"), "/ is a directory");
        assertRefused(sub, sub + " is a directory");
        assertRefused(Path.of(""), "the path to write is empty");
        assertThat(sub).isEmptyDirectory();
    }

    private void assertRefused(Path target, String message) {
        assertThatThrownBy(() -> store.save(target)).as("saving to %s", target)
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(message);
    }

    private void assertFolderHoldsOnly(String... names) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(names);
        }
    }
}
