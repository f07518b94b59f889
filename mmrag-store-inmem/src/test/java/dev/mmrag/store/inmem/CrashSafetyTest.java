package dev.mmrag.store.inmem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.Metric;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.test.TestVectors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM killed with SIGKILL in the middle of {@link HnswVectorStore#save(Path)} over an existing file leaves that
 * file intact: it still loads, with its old contents, and saving over it afterwards works.
 *
 * <p>The child JVM ({@link ChildStoreMain} {@code save}) builds a store of 20,000 items with 4 KiB of metadata each
 * (a file of some 80 MiB, so the save takes a while) and saves it over the file this test wrote. The test kills it
 * ({@link Process#destroyForcibly()}, SIGKILL on Linux) as soon as the save's temporary file appears, and checks
 * afterwards that the temporary file is still there, which proves the kill came mid-save.
 */
class CrashSafetyTest {

    @TempDir
    Path folder;

    @Test
    void killedSaveLeavesTheOldFileLoadable() throws Exception {
        Path file = folder.resolve("store.hnsw");
        HnswVectorStore old = HnswVectorStore.builder(8, Metric.COSINE).build();
        for (int i = 0; i < 100; i++) {
            old.upsert(new VectorRecord("old-" + i, TestVectors.uniform(1, 8, i).get(0), Map.of("generation", 1L)));
        }
        old.save(file);
        long oldSize = Files.size(file);

        Process child = ChildJvm.start(true, "save", file.toString(), "20000");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("saving");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (temporaryFiles().isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).as("exit code of a JVM killed by SIGKILL (128 + 9)").isEqualTo(137);
        assertThat(temporaryFiles()).as("the save's temporary file, left by the kill").hasSize(1);

        assertThat(Files.size(file)).isEqualTo(oldSize);
        HnswVectorStore loaded = HnswVectorStore.load(file);
        assertThat(loaded.count()).isEqualTo(100);
        assertThat(loaded.get("old-42").orElseThrow().metadata()).containsEntry("generation", 1L);
        assertThat(loaded.get("new-0")).isEmpty();

        loaded.upsert(new VectorRecord("after-crash", TestVectors.uniform(1, 8, 999).get(0), Map.of()));
        loaded.save(file);
        assertThat(HnswVectorStore.load(file).count()).isEqualTo(101);
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).collect(Collectors.toList());
        }
    }
}
