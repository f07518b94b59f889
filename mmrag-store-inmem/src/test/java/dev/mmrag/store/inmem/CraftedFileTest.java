package dev.mmrag.store.inmem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.Metric;
import dev.mmrag.api.StoreException;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.core.io.FramedFile;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store files crafted so that hnswlib's {@code readObject} would size arrays from huge numbers in the payload are
 * refused with a {@link StoreException} naming the file and the number, before anything that large is allocated;
 * and a consistent file too large for the heap fails with a {@link StoreException} naming the file, not an
 * {@link OutOfMemoryError}. These loads run in a child JVM with a 32 MiB heap ({@link ChildStoreMain} {@code load}),
 * where each crafted file, were it read as it claims, would need from 64 MiB to gigabytes. Files whose header
 * parameters are out of range, whose graph's id map disagrees with its nodes, or that hold a vector a store would
 * refuse, are small and loaded here: they too fail with a {@link StoreException} naming the file, never another
 * exception.
 *
 * <p>The checksum guards against damage, not against an attacker, who recomputes it: these files are written with
 * {@link StoreFile#write(Path, StoreFile.Header, StoreFile.PayloadWriter)}, so their checksums are right. Each
 * starts as the payload of a real saved store of dimension {@value #DIMENSION}, m {@value #M} and capacity
 * {@value #CAPACITY}, so that hnswlib's fields maxItemCount, m, maxM and maxM0 are the ints 37, 5, 5, 10, a pattern
 * found once in the payload; one number is then changed at its offset from that pattern, in the order hnswlib
 * 1.2.1 writes its fields (see the offsets), after checking that the original number is the one expected there.
 */
class CraftedFileTest {

    private static final int DIMENSION = 3;
    private static final int M = 5;
    private static final int CAPACITY = 37;

    /*
     * Offsets from maxItemCount. hnswlib writes maxItemCount, m, maxM, maxM0 (ints), levelLambda (a double), ef,
     * efConstruction (ints), removeEnabled (a boolean), nodeCount and the size of its id-to-node map (ints); then
     * the map's entries (an id as written by ItemCodec, a node id), the size of its map of deleted ids and their
     * entries, the size of its node array, and each node: id (-1 for none), level count, ...
     */
    private static final int MAX_M0 = 12;
    private static final int LOOKUP_SIZE = 37;
    /** In a store without items, whose id-to-node map is empty. */
    private static final int DELETED_SIZE_WITHOUT_ITEMS = 41;
    private static final int NODES_SIZE_WITHOUT_ITEMS = 45;
    /** In a store holding the one item "a": its map entry takes 9 bytes (length, "a", node id). */
    private static final int NODE_0_ID_WITH_ONE_ITEM = 58;
    private static final int NODE_0_LEVELS_WITH_ONE_ITEM = 62;

    @TempDir
    Path folder;

    @Test
    void hugeNumbersInACraftedFileAreRefusedBeforeTheyAreAllocated() throws Exception {
        Path empty = saved("empty", 0);
        Path oneItem = saved("one-item", 1);
        Payload emptyPayload = payload(empty);
        Payload oneItemPayload = payload(oneItem);
        assertThat(oneItemPayload.intAt(LOOKUP_SIZE)).isEqualTo(1);
        assertThat(oneItemPayload.intAt(NODE_0_ID_WITH_ONE_ITEM)).isZero();
        int levels = oneItemPayload.intAt(NODE_0_LEVELS_WITH_ONE_ITEM);
        assertThat(levels).as("levels of the only node").isBetween(1, 40);

        Map<Path, List<String>> expected = new LinkedHashMap<>();
        expected.put(oneItem, List.of("loaded 1"));
        expected.put(patched(empty, emptyPayload, "max-item-count", 0, CAPACITY, Integer.MAX_VALUE),
                List.of("maxItemCount is 2147483647", "capacity 37"));
        expected.put(patched(oneItem, oneItemPayload, "max-m0", MAX_M0, 2 * M, 1 << 30),
                List.of("maxM0 is 1073741824", "m 5"));
        expected.put(patched(empty, emptyPayload, "lookup-size", LOOKUP_SIZE, 0, 1 << 26),
                List.of("67108864"));
        expected.put(patched(empty, emptyPayload, "deleted-size", DELETED_SIZE_WITHOUT_ITEMS, 0, 1 << 26),
                List.of("67108864"));
        expected.put(patched(empty, emptyPayload, "nodes-size", NODES_SIZE_WITHOUT_ITEMS, CAPACITY,
                Integer.MAX_VALUE - 8), List.of("2147483639"));
        expected.put(patched(oneItem, oneItemPayload, "levels", NODE_0_LEVELS_WITH_ONE_ITEM, levels, 1 << 28),
                List.of("268435456"));

        // A header and a graph that agree on a capacity of 2^28 nodes, in a file far too short to hold them.
        byte[] claimsMore = emptyPayload.with(0, CAPACITY, 1 << 28);
        StoreFile.Header header = StoreFile.read(empty).header();
        Path capacity = write("capacity", new StoreFile.Header(header.dimension(), header.metric(), header.m(),
                header.efConstruction(), header.ef(), 1 << 28, header.slotsUsed(), header.count()), claimsMore);
        expected.put(capacity, List.of("room for 268435456 graph nodes", "payload has " + claimsMore.length));

        Map<Path, String> outcomes = loadInSmallHeap(expected.keySet());
        SoftAssertions.assertSoftly(softly -> expected.forEach((file, words) -> {
            String outcome = outcomes.get(file);
            softly.assertThat(outcome).as(file.getFileName().toString()).contains(words);
            if (!file.equals(oneItem)) {
                softly.assertThat(outcome).as(file.getFileName().toString())
                        .startsWith("StoreException: file " + file + " (an mmrag HNSW store file) is damaged");
            }
        }));
    }

    @Test
    void aConsistentFileTooLargeForTheHeapFailsWithAStoreException() throws Exception {
        // 8 Mi node slots: a 32 MiB node array on load, which a 32 MiB heap cannot hold.
        HnswVectorStore store = HnswVectorStore.builder(DIMENSION, Metric.COSINE).m(M).initialCapacity(8 << 20)
                .build();
        store.upsert(new VectorRecord("a", new float[] {1, 2, 3}, Map.of()));
        Path file = folder.resolve("large.hnsw");
        store.save(file);

        String outcome = loadInSmallHeap(List.of(file)).get(file);

        assertThat(outcome).startsWith("StoreException: store file " + file + " could not be loaded")
                .contains("more memory");
    }

    /**
     * A crafted header's properties (format version 2) are checked as they are read: their count and every length
     * against the limits before anything is allocated, their bytes as strict UTF-8 (a lone surrogate's 3-byte form
     * too), each key once and by the builder's rule.
     */
    @Test
    void craftedPropertiesAreRefusedNamingTheProblem() throws IOException {
        byte[] malformed = {(byte) 0xC3, 0x28};
        byte[] loneSurrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
        Map<String, FramedFile.ContentWriter> cases = new LinkedHashMap<>();
        cases.put("declares 1073741824 properties; expected 0 to 64", out -> out.writeInt(1 << 30));
        cases.put("its property key is 1073741824 bytes long; expected 0 to 128", out -> {
            out.writeInt(1);
            out.writeInt(1 << 30);
        });
        cases.put("its value of property 'k' is not well-formed UTF-8", out -> {
            out.writeInt(1);
            bytes(out, "k".getBytes(StandardCharsets.UTF_8));
            bytes(out, malformed);
        });
        cases.put("its property key is not well-formed UTF-8", out -> {
            out.writeInt(1);
            bytes(out, loneSurrogate);
            bytes(out, new byte[0]);
        });
        cases.put("it holds property 'k' twice", out -> {
            out.writeInt(2);
            for (int i = 0; i < 2; i++) {
                bytes(out, "k".getBytes(StandardCharsets.UTF_8));
                bytes(out, "v".getBytes(StandardCharsets.UTF_8));
            }
        });
        cases.put("its properties are invalid: property key 'a b' is not allowed", out -> {
            out.writeInt(1);
            bytes(out, "a b".getBytes(StandardCharsets.UTF_8));
            bytes(out, "v".getBytes(StandardCharsets.UTF_8));
        });
        int n = 0;
        for (Map.Entry<String, FramedFile.ContentWriter> entry : cases.entrySet()) {
            Path file = folder.resolve("properties-" + n++ + ".hnsw");
            FramedFile.write(file, StoreFile.FORMAT, out -> {
                out.writeInt(DIMENSION);
                out.writeUTF("COSINE");
                out.writeInt(M);
                out.writeInt(20);
                out.writeInt(64);
                out.writeInt(CAPACITY);
                out.writeLong(0);
                out.writeLong(0);
                entry.getValue().write(out);
                out.write(new byte[64]); // stands for a payload, never reached
            });
            assertThatThrownBy(() -> HnswVectorStore.load(file)).as(entry.getKey()).isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("file " + file + " (an mmrag HNSW store file) is damaged or truncated: ")
                    .hasMessageContaining(entry.getKey());
        }
    }

    private static void bytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /**
     * Every header parameter is checked over its whole range, as the store's builder checks it, before the payload
     * is read; slots used must fit the capacity and the item count the slots used.
     */
    @Test
    void headerParametersOutOfRangeAreRefusedNamingThem() throws IOException {
        Path original = saved("one-item", 1);
        byte[] payload = payload(original).bytes();
        StoreFile.Header h = StoreFile.read(original).header();
        Map<StoreFile.Header, String> expected = new LinkedHashMap<>();
        expected.put(new StoreFile.Header(0, h.metric(), h.m(), h.efConstruction(), h.ef(), h.capacity(),
                h.slotsUsed(), h.count()), "dimension is 0");
        expected.put(new StoreFile.Header(HnswVectorStore.MAX_DIMENSION + 1, h.metric(), h.m(), h.efConstruction(),
                h.ef(), h.capacity(), h.slotsUsed(), h.count()), "dimension is 65537");
        expected.put(new StoreFile.Header(h.dimension(), h.metric(), 1, h.efConstruction(), h.ef(), h.capacity(),
                h.slotsUsed(), h.count()), "m is 1");
        expected.put(new StoreFile.Header(h.dimension(), h.metric(), 513, h.efConstruction(), h.ef(), h.capacity(),
                h.slotsUsed(), h.count()), "m is 513");
        expected.put(new StoreFile.Header(h.dimension(), h.metric(), h.m(), 0, h.ef(), h.capacity(), h.slotsUsed(),
                h.count()), "efConstruction is 0");
        expected.put(new StoreFile.Header(h.dimension(), h.metric(), h.m(), h.efConstruction(), 0, h.capacity(),
                h.slotsUsed(), h.count()), "ef is 0");
        expected.put(new StoreFile.Header(h.dimension(), h.metric(), h.m(), h.efConstruction(), 20_000, h.capacity(),
                h.slotsUsed(), h.count()), "ef is 20000");
        expected.put(new StoreFile.Header(h.dimension(), h.metric(), h.m(), h.efConstruction(), h.ef(), 0,
                h.slotsUsed(), h.count()), "initialCapacity is 0");
        expected.put(new StoreFile.Header(h.dimension(), h.metric(), h.m(), h.efConstruction(), h.ef(),
                Integer.MAX_VALUE, h.slotsUsed(), h.count()), "initialCapacity is 2147483647");
        expected.put(new StoreFile.Header(h.dimension(), h.metric(), h.m(), h.efConstruction(), h.ef(), h.capacity(),
                -1, h.count()), "graph slots used is -1");
        expected.put(new StoreFile.Header(h.dimension(), h.metric(), h.m(), h.efConstruction(), h.ef(), h.capacity(),
                h.capacity() + 1L, h.count()), "graph slots used is 38");
        expected.put(new StoreFile.Header(h.dimension(), h.metric(), h.m(), h.efConstruction(), h.ef(), h.capacity(),
                h.slotsUsed(), -1), "item count is -1");
        expected.put(new StoreFile.Header(h.dimension(), h.metric(), h.m(), h.efConstruction(), h.ef(), h.capacity(),
                h.slotsUsed(), h.slotsUsed() + 1), "item count is 2");

        int n = 0;
        for (Map.Entry<StoreFile.Header, String> entry : expected.entrySet()) {
            Path file = write("header-" + n++, entry.getKey(), payload);
            assertThatThrownBy(() -> HnswVectorStore.load(file)).as(entry.getValue())
                    .isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("file " + file + " (an mmrag HNSW store file) is damaged or truncated: its "
                            + "parameters are out "
                            + "of range: " + entry.getValue());
        }
    }

    /**
     * hnswlib does not check that its id-to-node map agrees with its nodes. In a saved store of the items "a" (node
     * 0) and "b" (node 1), the map is changed (keeping the payload's length, which Java serialization's framing
     * needs) so that "b" names node 40, past the end of the node array: the load used to succeed, and the store
     * failed later with an {@link IndexOutOfBoundsException} from hnswlib; and so that "a" and "b" name each other's
     * node. Both are refused with a {@link StoreException} naming the file.
     */
    @Test
    void aGraphWhoseIdMapDisagreesWithItsNodesIsRefused() throws IOException {
        Path original = saved("two-items", 2);
        StoreFile.Header header = StoreFile.read(original).header();
        byte[] bytes = payload(original).bytes();
        int a = findOnce(bytes, lookupEntry("a", 0), "the map entry of 'a'") + lookupEntry("a", 0).length;
        int b = findOnce(bytes, lookupEntry("b", 1), "the map entry of 'b'") + lookupEntry("b", 1).length;

        byte[] pastTheEnd = bytes.clone();
        ByteBuffer.wrap(pastTheEnd).putInt(b - Integer.BYTES, CAPACITY + 3);
        Path missingNode = write("missing-node", header, pastTheEnd);
        assertThatThrownBy(() -> HnswVectorStore.load(missingNode)).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("store file " + missingNode + " is inconsistent: its graph could not be loaded")
                .hasCauseInstanceOf(IndexOutOfBoundsException.class);

        byte[] crossed = bytes.clone();
        ByteBuffer.wrap(crossed).putInt(a - Integer.BYTES, 1).putInt(b - Integer.BYTES, 0);
        Path crossedNodes = write("crossed-nodes", header, crossed);
        assertThatThrownBy(() -> HnswVectorStore.load(crossedNodes)).isInstanceOf(StoreException.class)
                .hasMessage("store file " + crossedNodes + " is inconsistent: its graph's id map does not lead to the "
                        + "node of item 'a'");
    }

    /** A file holds only vectors a store accepts: one whose norm is above the limit is refused, naming it. */
    @Test
    void aVectorAboveTheNormLimitIsRefused() throws IOException {
        Path original = saved("one-item", 1);
        byte[] bytes = payload(original).bytes();
        byte[] vector = ByteBuffer.allocate(4 * Integer.BYTES).putInt(DIMENSION).putFloat(1).putFloat(2).putFloat(3)
                .array();
        int first = findOnce(bytes, vector, "the vector of 'a'") + Integer.BYTES;
        ByteBuffer.wrap(bytes).putFloat(first, 1e30f);
        Path file = write("huge-vector", StoreFile.read(original).header(), bytes);

        assertThatThrownBy(() -> HnswVectorStore.load(file)).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("file " + file + " (an mmrag HNSW store file) is damaged")
                .hasMessageContaining("vector of item 'a' has a Euclidean norm of 1.00000e+30, above the limit of "
                        + "1.00000e+18");
    }

    private Path saved(String name, int items) {
        HnswVectorStore store = HnswVectorStore.builder(DIMENSION, Metric.COSINE).m(M).efConstruction(20)
                .initialCapacity(CAPACITY).build();
        for (int i = 0; i < items; i++) {
            String id = String.valueOf((char) ('a' + i));
            store.upsert(new VectorRecord(id, new float[] {1 + i, 2, 3}, Map.of("k", "v")));
        }
        Path file = folder.resolve(name + ".hnsw");
        store.save(file);
        return file;
    }

    /**
     * A saved file's payload, and where hnswlib's maxItemCount is in it (what comes before is Java serialization's
     * framing, hnswlib's version and dimension, and the four objects it writes).
     */
    private record Payload(byte[] bytes, int fixedFields) {

        int intAt(int offset) {
            return ByteBuffer.wrap(bytes).getInt(fixedFields + offset);
        }

        /** @return a copy with the int at the offset changed, after checking that it was the expected one */
        byte[] with(int offset, int expected, int value) {
            assertThat(intAt(offset)).as("the number at offset %d", offset).isEqualTo(expected);
            byte[] changed = bytes.clone();
            ByteBuffer.wrap(changed).putInt(fixedFields + offset, value);
            return changed;
        }
    }

    private static Payload payload(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long payloadLength = buffer.getLong(bytes.length - Long.BYTES - Integer.BYTES);
        int start = (int) (bytes.length - Long.BYTES - Integer.BYTES - payloadLength);
        byte[] payload = Arrays.copyOfRange(bytes, start, start + (int) payloadLength);
        byte[] fixedFields = ByteBuffer.allocate(4 * Integer.BYTES).putInt(CAPACITY).putInt(M).putInt(M)
                .putInt(2 * M).array();
        return new Payload(payload, findOnce(payload, fixedFields, "hnswlib's fixed fields"));
    }

    /** @return where the pattern is in the bytes, after checking that it is there exactly once */
    private static int findOnce(byte[] bytes, byte[] pattern, String what) {
        int found = -1;
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                assertThat(found).as("%s found once", what).isEqualTo(-1);
                found = i;
            }
        }
        assertThat(found).as(what).isPositive();
        return found;
    }

    /** @return an entry of hnswlib's id-to-node map as written: the id's length and UTF-8 bytes, the node id */
    private static byte[] lookupEntry(String id, int node) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 * Integer.BYTES + utf8.length).putInt(utf8.length).put(utf8).putInt(node).array();
    }

    /** Writes the payload with one number changed, under the original file's header. */
    private Path patched(Path original, Payload payload, String name, int offset, int expected, int value)
            throws IOException {
        return write(name, StoreFile.read(original).header(), payload.with(offset, expected, value));
    }

    private Path write(String name, StoreFile.Header header, byte[] payload) throws IOException {
        Path file = folder.resolve(name + ".hnsw");
        StoreFile.write(file, header, out -> out.write(payload));
        return file;
    }

    /** Loads the files in a child JVM with a 32 MiB heap; returns each file's outcome line. */
    private static Map<Path, String> loadInSmallHeap(Iterable<Path> files) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("load"));
        files.forEach(file -> args.add(file.toString()));
        Process child = ChildJvm.start(List.of("-Xmx32m"), args.toArray(String[]::new));
        String output;
        try (InputStream out = child.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("exit code; output:%n%s", output).isZero();
        Map<Path, String> outcomes = new HashMap<>();
        output.lines().forEach(line -> {
            int tab = line.indexOf('\t');
            outcomes.put(Path.of(line.substring(0, tab)), line.substring(tab + 1));
        });
        return outcomes;
    }
}
