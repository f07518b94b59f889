package dev.mmrag.store.inmem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import dev.mmrag.api.Filter;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.StoreException;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.core.io.FramedFile;
import dev.mmrag.test.TestVectors;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link HnswVectorStore#save(Path)} and {@link HnswVectorStore#load(Path)}: a round trip keeps everything, a save
 * replaces a file through a temporary one (also when the file's name is as long as allowed, and even when the save
 * fails with an {@link Error}, the temporary file is gone afterwards), the file keeps its POSIX permissions or gets
 * those of any new file, and every kind of bad file is refused with a {@link StoreException}
 * naming the problem: missing, not a store file, another format version, truncated at any length, any bit flipped,
 * and crafted files (correct checksum) that name a class outside the allow-list or contain an array.
 */
class PersistenceTest {

    private static final int DIM = 12;

    @TempDir
    Path folder;

    @Test
    void roundTripKeepsRecordsParametersAndSearchResults() {
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.EUCLIDEAN).m(8).efConstruction(40).ef(30)
                .exactScanFraction(1).build();
        store.upsert(records(600));
        store.upsert(new VectorRecord("item-5", vector(5_000), Map.of("replaced", true)));
        store.delete(List.of("item-6", "item-7"));
        Path file = folder.resolve("store.hnsw");

        store.save(file);
        HnswVectorStore loaded = HnswVectorStore.load(file);

        assertThat(loaded.dimension()).isEqualTo(DIM);
        assertThat(loaded.metric()).isEqualTo(Metric.EUCLIDEAN);
        assertThat(loaded.m()).isEqualTo(8);
        assertThat(loaded.efConstruction()).isEqualTo(40);
        assertThat(loaded.ef()).isEqualTo(30);
        assertThat(loaded.count()).isEqualTo(598);
        assertThat(loaded.graphNodes()).isEqualTo(store.graphNodes());
        assertThat(loaded.metadataKeys()).isEqualTo(store.metadataKeys());
        assertThat(loaded.get("item-6")).isEmpty();
        for (int i = 0; i < 600; i++) {
            assertThat(loaded.get("item-" + i)).isEqualTo(store.get("item-" + i));
        }
        for (int q = 0; q < 20; q++) {
            SearchRequest request = SearchRequest.of(vector(10_000 + q), 10);
            assertThat(loaded.search(request)).isEqualTo(store.search(request));
            SearchRequest filtered = SearchRequest.builder(vector(20_000 + q), 5)
                    .filter(Filter.eq("tags", "odd")).build();
            assertThat(loaded.search(filtered)).isEqualTo(store.search(filtered));
        }
        loaded.upsert(records(2_000));
        assertThat(loaded.count()).isEqualTo(2_000);
    }

    /**
     * A file of format version 1, saved by the store before properties existed (checked in as
     * {@code format-v1/store.hnsw}: items {@code item-0} to {@code item-59} without {@code item-3}, made as below),
     * still loads, with no properties; saved again, it is written in the current version and loads the same.
     */
    @Test
    void aFileOfFormatVersion1StillLoads() throws Exception {
        Path v1 = Path.of(PersistenceTest.class.getResource("/format-v1/store.hnsw").toURI());
        assertThat(Files.readAllBytes(v1)[11]).as("the fixture's format version").isEqualTo((byte) 1);

        HnswVectorStore loaded = HnswVectorStore.load(v1);

        assertThat(loaded.count()).isEqualTo(59);
        assertThat(loaded.m()).isEqualTo(8);
        assertThat(loaded.properties()).isEmpty();
        assertThat(loaded.get("item-3")).isEmpty();
        for (int i = 0; i < 60; i++) {
            if (i != 3) {
                float[] vector = TestVectors.uniform(1, DIM, i).get(0);
                assertThat(loaded.get("item-" + i)).contains(new VectorRecord("item-" + i, vector, Map.of("n", (long) i,
                        "name", "Item ü" + i, "tags", List.of(i % 2 == 0 ? "even" : "odd", "all"))));
            }
        }
        Path again = folder.resolve("again.hnsw");
        loaded.save(again);
        assertThat(Files.readAllBytes(again)[11]).isEqualTo((byte) StoreFile.FORMAT_VERSION);
        HnswVectorStore reloaded = HnswVectorStore.load(again);
        for (int i = 0; i < 60; i++) {
            assertThat(reloaded.get("item-" + i)).isEqualTo(loaded.get("item-" + i));
        }
    }

    /**
     * Ids and metadata that differ only in supplementary characters (UTF-16 surrogate pairs) stay apart through a
     * save and a load; text with a lone surrogate, which used to be saved as {@code ?} (two ids collapsed and the
     * file no longer loaded), cannot get into a store at all (see the contract suite).
     */
    @Test
    void supplementaryCharactersSurviveASaveAndLoad() {
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.COSINE).build();
        List<VectorRecord> records = List.of(
                new VectorRecord("sku-\uD83D\uDE00", vector(1), Map.of("name", "\uD83D\uDE00", "tags", List.of("\uD834\uDD1E"))),
                new VectorRecord("sku-\uD83D\uDE01", vector(2), Map.of("name", "\uD83D\uDE01")));
        store.upsert(records);
        Path file = folder.resolve("store.hnsw");
        store.save(file);

        HnswVectorStore loaded = HnswVectorStore.load(file);

        assertThat(loaded.count()).isEqualTo(2);
        for (VectorRecord record : records) {
            assertThat(loaded.get(record.id())).contains(store.get(record.id()).orElseThrow());
        }
    }

    /**
     * A file whose string bytes are not well-formed UTF-8 (crafted, with a correct checksum) is refused as damaged;
     * it used to load with the bytes replaced by U+FFFD, so an id came back other than it was saved.
     */
    @Test
    void aStringInAFileThatIsNotWellFormedUtf8IsRefused() throws IOException {
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.COSINE).build();
        store.upsert(new VectorRecord("zq-\u00e9", vector(1), Map.of()));
        Path file = folder.resolve("store.hnsw");
        store.save(file);
        byte[] content = FramedFile.read(file, StoreFile.FORMAT, frame -> frame.in().readAllBytes());
        byte[] id = "zq-\u00e9".getBytes(StandardCharsets.UTF_8);
        int patched = 0;
        for (int i = 0; i + id.length <= content.length; i++) {
            if (Arrays.equals(content, i, i + id.length, id, 0, id.length)) {
                content[i + id.length - 1] = 0x28; // c3 28: a lead byte without its continuation
                patched++;
            }
        }
        assertThat(patched).as("occurrences of the id in the file").isPositive();
        FramedFile.write(file, StoreFile.FORMAT, out -> out.write(content));

        assertThatThrownBy(() -> HnswVectorStore.load(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining("is damaged or truncated").hasMessageContaining("not well-formed UTF-8");
    }

    @Test
    void propertiesAreSavedAndLoaded() {
        Map<String, String> properties = Map.of("model.fingerprint", "sha256:0f3a\u00e9", "adapter.fingerprint",
                "Größe 😀 " + "x".repeat(1000), "empty", "");
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.COSINE).properties(properties).build();
        store.upsert(records(30));
        Path file = folder.resolve("store.hnsw");
        store.save(file);

        HnswVectorStore loaded = HnswVectorStore.load(file);

        assertThat(store.properties()).isEqualTo(properties);
        assertThat(loaded.properties()).isEqualTo(properties);
        assertThat(loaded.properties().keySet()).containsExactly("adapter.fingerprint", "empty", "model.fingerprint");
        assertThat(loaded.count()).isEqualTo(30);
        assertThatThrownBy(() -> loaded.properties().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        loaded.save(file);
        assertThat(HnswVectorStore.load(file).properties()).isEqualTo(properties);
    }

    @Test
    void propertiesOutsideTheRulesAreRefusedByTheBuilder() {
        HnswVectorStore.Builder builder = HnswVectorStore.builder(DIM, Metric.COSINE);
        Map<String, String> tooMany = new TreeMap<>();
        for (int i = 0; i <= HnswVectorStore.MAX_PROPERTIES; i++) {
            tooMany.put("p" + i, "v");
        }
        assertThatThrownBy(() -> builder.properties(tooMany)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("65 properties are more than the limit of 64");
        assertThatThrownBy(() -> builder.properties(Map.of("bad key", "v"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("property key 'bad key' is not allowed");
        assertThatThrownBy(() -> builder.properties(Map.of("k", "x".repeat(HnswVectorStore.MAX_PROPERTY_VALUE_BYTES
                + 1)))).isInstanceOf(InvalidInputException.class).hasMessageContaining("65537 UTF-8 bytes");
        assertThatThrownBy(() -> builder.properties(Map.of("k", "ab\ud800"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the value of property 'k' is not well-formed Unicode");
        Map<String, String> nullValue = new TreeMap<>();
        nullValue.put("k", null);
        assertThatThrownBy(() -> builder.properties(nullValue)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("property 'k' has a null value");
    }

    /** Also for a name of 255 bytes, the longest that common file systems allow. */
    @ParameterizedTest
    @MethodSource("fileNames")
    void saveReplacesTheFileAndLeavesNoTemporaryFile(String name) throws IOException {
        Path file = folder.resolve(name);
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.COSINE).build();
        store.upsert(records(10));
        store.save(file);
        store.upsert(records(50));
        store.save(file);

        assertThat(HnswVectorStore.load(file).count()).isEqualTo(50);
        assertFolderHoldsOnly(name);
    }

    static Stream<String> fileNames() {
        return Stream.of("store.hnsw", "s".repeat(250) + ".hnsw");
    }

    @Test
    void savingIntoAFolderThatDoesNotExistNamesTheFolder() {
        Path missing = folder.resolve("no/such/dir");
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.COSINE).build();
        assertThatThrownBy(() -> store.save(missing.resolve("x.hnsw"))).isInstanceOf(StoreException.class)
                .hasMessageContaining(missing.toAbsolutePath() + ": the folder to save into does not exist");
        assertThat(Files.exists(missing)).isFalse();
    }

    /** Needs a file system with POSIX permissions, as on Linux and macOS. */
    @Test
    void saveKeepsThePermissionsOfTheFileItReplaces() throws IOException {
        Path file = savedStore();
        HnswVectorStore store = HnswVectorStore.load(file);
        for (String permissions : List.of("rw-r--r--", "rw-rw----", "rw-------")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
            store.save(file);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo(permissions);
        }
    }

    /**
     * A new file gets what any newly created file gets from the process's umask. Needs a file system with POSIX
     * permissions; with a umask of 077 this would hold even for a save that made every file rw-------.
     */
    @Test
    void saveGivesANewFileTheDefaultPermissionsOfNewFiles() throws IOException {
        Path reference = Files.createFile(folder.resolve("created-normally"));
        Path file = folder.resolve("store.hnsw");
        HnswVectorStore.builder(DIM, Metric.COSINE).build().save(file);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Files.getPosixFilePermissions(reference));
    }

    @Test
    void anErrorWhileWritingDeletesTheTemporaryFileAndKeepsTheOldOne() throws IOException {
        Path file = savedStore();
        StoreFile.Header header = StoreFile.read(file).header();
        OutOfMemoryError error = new OutOfMemoryError("thrown by the test while the payload is written");

        assertThatThrownBy(() -> StoreFile.write(file, header, out -> {
            out.write(new byte[100_000]);
            throw error;
        })).isSameAs(error);

        assertThat(HnswVectorStore.load(file).count()).isEqualTo(40);
        assertFolderHoldsOnly("store.hnsw");
    }

    /**
     * One thread saves two stores of different sizes over the same file in turn, as another process replacing the
     * file would, while this thread loads it for two seconds (and until it has seen both): every load sees a whole
     * file, the old or the new one.
     */
    @Test
    void loadsWhileTheFileIsReplacedSeeTheOldFileOrTheNewOne() throws Exception {
        Path file = folder.resolve("shared.hnsw");
        List<HnswVectorStore> stores = new ArrayList<>();
        for (int count : new int[] {10, 300}) {
            HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.COSINE).build();
            store.upsert(records(count)).throwIfFailed();
            stores.add(store);
        }
        stores.get(0).save(file);
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger saves = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> saveErrors = new ConcurrentLinkedQueue<>();
        Thread saver = new Thread(() -> {
            try {
                while (loading.get()) {
                    stores.get(saves.get() % 2).save(file);
                    saves.incrementAndGet();
                }
            } catch (Throwable e) {
                saveErrors.add(e);
            }
        });
        Map<Long, Integer> loadedCounts = new TreeMap<>();
        List<RuntimeException> loadErrors = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        saver.start();
        try {
            while (saver.isAlive() && (System.nanoTime() < end || loadedCounts.size() < 2)) {
                try {
                    loadedCounts.merge(HnswVectorStore.load(file).count(), 1, Integer::sum);
                } catch (RuntimeException e) {
                    loadErrors.add(e);
                }
            }
        } finally {
            loading.set(false);
            saver.join();
        }

        assertThat(saveErrors).isEmpty();
        assertThat(loadErrors).as("loads that failed, of %d", loadErrors.size() + loadedCounts.values().stream()
                .mapToInt(Integer::intValue).sum()).isEmpty();
        assertThat(loadedCounts).as("loads per item count, during %d saves", saves.get()).containsOnlyKeys(10L, 300L);
    }

    /**
     * The writer checks the reader's limits too, so that no path into the graph (upsert refuses such items) can
     * make a save replace a good file with one that cannot be loaded: the item is written the way hnswlib writes
     * every item of a saved index.
     */
    @Test
    void writingAnItemBeyondTheReadersLimitsFailsAndKeepsTheOldFile() throws IOException {
        Path file = savedStore();
        StoreFile.Header header = StoreFile.read(file).header();
        HnswItem tooLong = new HnswItem("too-long", vector(1),
                Map.of("tags", Collections.nCopies(HnswVectorStore.MAX_LIST_ELEMENTS + 1, 7L)));

        assertThatThrownBy(() -> StoreFile.write(file, header, out -> {
            ObjectOutputStream objects = new ObjectOutputStream(out);
            new ItemCodec.ItemSerializer().write(tooLong, objects);
            objects.flush();
        })).isInstanceOf(InvalidObjectException.class).hasMessageContaining("item 'too-long' cannot be saved")
                .hasMessageContaining("key 'tags'").hasMessageContaining("limit is 1048576");

        assertThat(HnswVectorStore.load(file).count()).isEqualTo(40);
        assertFolderHoldsOnly("store.hnsw");
    }

    @Test
    void saveIntoAMissingFolderFailsClearly() {
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.COSINE).build();
        Path file = folder.resolve("no-such-folder").resolve("store.hnsw");
        assertThatThrownBy(() -> store.save(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining("could not save the store to " + file);
    }

    @Test
    void missingFileIsRefused() {
        Path file = folder.resolve("absent.hnsw");
        assertThatThrownBy(() -> HnswVectorStore.load(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining(file + " does not exist");
    }

    @Test
    void aFileOfAnotherKindIsRefused() throws IOException {
        Path file = folder.resolve("notes.txt");
        Files.writeString(file, "these are not vectors, but they are long enough to have a header");
        assertThatThrownBy(() -> HnswVectorStore.load(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining("is not an mmrag HNSW store file");
    }

    @Test
    void anotherFormatVersionIsRefused() throws IOException {
        Path file = savedStore();
        byte[] bytes = Files.readAllBytes(file);
        bytes[11] = 3; // the low byte of the big-endian version after the 8-byte magic
        Files.write(file, bytes);
        assertThatThrownBy(() -> HnswVectorStore.load(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining("format version 3").hasMessageContaining("reads format versions 1 to 2");
    }

    @Test
    void aTruncatedFileIsRefusedWhereverItEnds() throws IOException {
        Path file = savedStore();
        byte[] bytes = Files.readAllBytes(file);
        for (int length : new int[] {0, 7, 12, 40, bytes.length / 2, bytes.length - 12, bytes.length - 1}) {
            Path truncated = folder.resolve("truncated-" + length);
            Files.write(truncated, Arrays.copyOf(bytes, length));
            assertThatThrownBy(() -> HnswVectorStore.load(truncated)).as("truncated to %d bytes", length)
                    .isInstanceOf(StoreException.class).hasMessageContaining(truncated.toString())
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void aFlippedBitAnywhereIsRefused() throws IOException {
        Path file = savedStore();
        byte[] original = Files.readAllBytes(file);
        List<Integer> positions = new ArrayList<>();
        for (int p = 12; p < original.length; p += Math.max(1, original.length / 97)) {
            positions.add(p);
        }
        positions.add(original.length - 1);
        for (int position : positions) {
            byte[] bytes = original.clone();
            bytes[position] ^= (byte) (1 << (position % 8));
            Path damaged = folder.resolve("damaged");
            Files.write(damaged, bytes);
            assertThatThrownBy(() -> HnswVectorStore.load(damaged)).as("bit flipped at byte %d", position)
                    .isInstanceOf(StoreException.class).hasMessageContaining("damaged");
        }
    }

    @Test
    void aFileNamingAClassOutsideTheAllowListIsRefusedWithoutRunningIt() throws IOException {
        Gadget.ranCode = false;
        Path file = crafted(new Gadget());

        assertThatThrownBy(() -> HnswVectorStore.load(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining("was refused").hasMessageContaining(Gadget.class.getName())
                .hasMessageContaining("allowed are");
        assertThat(Gadget.ranCode).isFalse();
    }

    @Test
    void anHnswlibIndexWithAForeignDistanceFunctionIsRefused() throws IOException {
        HnswIndex<String, float[], ?, Float> foreign = HnswIndex
                .newBuilder(DIM, DistanceFunctions.FLOAT_COSINE_DISTANCE, 10).build();
        Path file = crafted(foreign);
        assertThatThrownBy(() -> HnswVectorStore.load(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining("was refused")
                .hasMessageContaining(DistanceFunctions.FLOAT_COSINE_DISTANCE.getClass().getName());
    }

    @Test
    void aFileWithAnArrayIsRefusedByTheArrayLimit() throws IOException {
        Path file = crafted(new long[1 << 20]);
        assertThatThrownBy(() -> HnswVectorStore.load(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining("was refused").hasMessageContaining("array");
    }

    private void assertFolderHoldsOnly(String name) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(name);
        }
    }

    private Path savedStore() {
        HnswVectorStore store = HnswVectorStore.builder(DIM, Metric.COSINE).build();
        store.upsert(records(40));
        Path file = folder.resolve("store.hnsw");
        store.save(file);
        return file;
    }

    /** A file with a valid header and checksum whose payload is the given object. */
    private Path crafted(Object payload) throws IOException {
        Path file = folder.resolve("crafted.hnsw");
        StoreFile.Header header = new StoreFile.Header(DIM, Metric.COSINE, 16, 200, 64, 10, 0, 0);
        StoreFile.write(file, header, out -> {
            ObjectOutputStream objects = new ObjectOutputStream(out);
            objects.writeObject(payload);
            objects.flush();
        });
        return file;
    }

    private static List<VectorRecord> records(int n) {
        List<VectorRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(new VectorRecord("item-" + i, vector(i), Map.of("n", (long) i, "half", i % 2 == 0,
                    "weight", i / 7.0, "name", "Item ü" + i, "tags", List.of(i % 2 == 0 ? "even" : "odd", "all"))));
        }
        return records;
    }

    private static float[] vector(long seed) {
        return TestVectors.uniform(1, DIM, seed).get(0);
    }
}
