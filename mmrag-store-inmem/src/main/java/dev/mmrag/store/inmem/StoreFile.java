package dev.mmrag.store.inmem;

import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metric;
import dev.mmrag.api.StoreException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The file format of a saved {@link HnswVectorStore}, and the crash-safe way it is written.
 *
 * <pre>
 *   magic           8 bytes  "MMRAGHNS"
 *   format version  int      {@value #FORMAT_VERSION}
 *   parameters      dimension int, metric name (modified UTF-8), m int, efConstruction int, ef int,
 *                   capacity int, graph slots used long, item count long
 *   payload         hnswlib's index as a Java serialization stream; its items and ids are plain data
 *                   written by {@link ItemCodec}
 *   payload length  long
 *   checksum        int, CRC-32C of every byte before it
 * </pre>
 * All numbers are big-endian.
 *
 * <p><b>Writing</b> goes to a temporary file in the target's folder, which is forced to disk and then renamed
 * over the target atomically (and the folder is forced too), so a crash at any moment leaves either the old
 * file or the new one. The new file keeps the POSIX permissions of the file it replaces; a file that did not
 * exist gets the default permissions of any new file (the umask applies). A failed save, whatever it failed with,
 * deletes its temporary file; one killed mid-save leaves it behind ({@code .mmrag-<random>.tmp}), and it is safe
 * to delete.
 *
 * <p><b>Reading</b> checks the magic, the version, the length and the checksum of the whole file before it
 * parses anything, so a truncated or damaged file is refused without being interpreted. It opens the file once and
 * takes the size, the checksum and the contents from that one open file, so a load while another process saves
 * over the path reads the old file or the new one, whole. The payload is then
 * read by an {@link ObjectInputStream} behind an {@link ObjectInputFilter} that allows exactly the classes a
 * saved index contains (hnswlib's {@code HnswIndex}, the store's distance functions, comparator and item
 * serializers), no arrays, a graph depth of {@value #MAX_DEPTH} and {@value #MAX_REFERENCES} object
 * references; a stream naming any other class is refused before any of that class's code runs (the class is looked up,
 * not initialised).
 *
 * <p>The checksum finds damage, not tampering: whoever crafts a file can recompute it. So reading also keeps a
 * crafted file from making hnswlib allocate huge arrays: the header's capacity and item count must fit the
 * payload's length, and every number hnswlib sizes an array from is checked, as it is read, against the header or
 * the payload's length (see {@link CheckedNumbersInputStream}). What a load allocates thus grows with the file's
 * size, not with the numbers written in it; a file too large for the free heap is refused with a
 * {@link StoreException}, not an {@link OutOfMemoryError}.
 *
 * <p>Thread-safety: stateless; callers keep the store from changing while it is written.
 */
final class StoreFile {

    /** The current (and only) format version. */
    static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = "MMRAGHNS".getBytes(StandardCharsets.US_ASCII);
    private static final int TRAILER_BYTES = Long.BYTES + Integer.BYTES;
    private static final int MAX_DEPTH = 3;
    private static final int MAX_REFERENCES = 16;
    /** The temporary file of a save is {@code .mmrag-<random>.tmp}, in the target's folder. */
    private static final String TEMPORARY_PREFIX = ".mmrag-";
    private static final String TEMPORARY_SUFFIX = ".tmp";
    private static final int MAX_NAME_ATTEMPTS = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Every class a saved index contains; the filter refuses all others. */
    private static final List<Class<?>> ALLOWED_CLASSES = List.of(HnswIndex.class,
            ItemDistances.Cosine.class, ItemDistances.InnerProduct.class,
            ItemDistances.SquaredEuclidean.class, ItemDistances.Ascending.class,
            ItemCodec.IdSerializer.class, ItemCodec.ItemSerializer.class);

    private static final ObjectInputFilter ALLOW_LIST = ObjectInputFilter.Config.createFilter(
            "maxdepth=" + MAX_DEPTH + ";maxrefs=" + MAX_REFERENCES + ";maxarray=0;"
            + ALLOWED_CLASSES.stream().map(Class::getName).collect(Collectors.joining(";")) + ";!*");

    private StoreFile() {
    }

    /**
     * The store's parameters, as written in the file.
     *
     * @param dimension the vector dimension
     * @param metric the metric
     * @param m hnswlib's M
     * @param efConstruction hnswlib's efConstruction
     * @param ef the search width
     * @param capacity how many graph nodes the index has room for
     * @param slotsUsed an upper bound of the graph nodes created so far (deleted ones included)
     * @param count how many items are stored
     */
    record Header(int dimension, Metric metric, int m, int efConstruction, int ef, int capacity, long slotsUsed,
            long count) {
    }

    /**
     * What a file holds.
     *
     * @param header the parameters
     * @param index the graph with its items
     */
    record Contents(Header header, HnswIndex<String, HnswItem, HnswItem, Float> index) {
    }

    /**
     * Writes a file crash-safely: temporary file, fsync, atomic rename, fsync of the folder.
     *
     * @param target the file to create or replace
     * @param header the parameters
     * @param index the graph; must not change while it is written
     * @throws IOException when writing fails; the target is then unchanged
     */
    static void write(Path target, Header header, HnswIndex<String, HnswItem, HnswItem, Float> index)
            throws IOException {
        write(target, header, out -> {
            ObjectOutputStream objects = new ObjectOutputStream(out);
            objects.writeObject(index);
            objects.flush();
        });
    }

    /** Writes the payload of a file. */
    @FunctionalInterface
    interface PayloadWriter {
        /**
         * @param out where to write; not to be closed
         * @throws IOException when writing fails
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes a file crash-safely with any payload. The store uses {@link #write(Path, Header, HnswIndex)}; tests
     * use this to make files that a store would never write.
     *
     * @param target the file to create or replace
     * @param header the parameters
     * @param payload writes the payload
     * @throws IOException when writing fails; the target is then unchanged
     */
    static void write(Path target, Header header, PayloadWriter payload) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        if (!Files.isDirectory(folder)) {
            throw new NoSuchFileException(folder.toString(), null, "the folder to save into does not exist");
        }
        Path temporary = createTemporaryFile(folder);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                CRC32C crc = new CRC32C();
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(
                        new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), crc));
                writeHeader(out, header);
                long payloadStart = out.size();
                payload.write(out);
                out.flush();
                long payloadLength = channel.position() - payloadStart;
                out.writeLong(payloadLength);
                out.flush();
                out.writeInt((int) crc.getValue());
                out.flush();
                channel.force(true);
            }
            copyPermissions(absolute, temporary);
            moveAtomically(temporary, absolute);
        } catch (Throwable e) {
            // Also on an Error (an OutOfMemoryError while the payload is serialised): the file is of no use.
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException | RuntimeException deleteFailure) {
                e.addSuppressed(deleteFailure);
            }
            throw e;
        }
        forceFolder(folder);
    }

    /**
     * Creates an empty temporary file with a short random name in the folder. It is created like any new file, so
     * it gets the default permissions of new files (the process's umask applies), not those of
     * {@link Files#createTempFile}, which are owner-only. The name is short so that a target whose own name is
     * as long as the file system allows can still be saved; the file is created exclusively, so an existing file
     * or link of that name is never written through.
     */
    private static Path createTemporaryFile(Path folder) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path candidate = folder.resolve(TEMPORARY_PREFIX + Long.toUnsignedString(RANDOM.nextLong(), 36)
                    + TEMPORARY_SUFFIX);
            try {
                Files.newByteChannel(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return candidate;
            } catch (FileAlreadyExistsException e) {
                if (attempt == MAX_NAME_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Gives the temporary file the POSIX permissions of the file it is about to replace, so that a save keeps
     * them; nothing happens when there is no such file or the file system has no POSIX permissions.
     */
    private static void copyPermissions(Path target, Path temporary) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = view.readAttributes().permissions();
        } catch (NoSuchFileException e) {
            return;
        }
        Files.setPosixFilePermissions(temporary, permissions);
    }

    private static void writeHeader(DataOutputStream out, Header header) throws IOException {
        out.write(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeInt(header.dimension());
        out.writeUTF(header.metric().name());
        out.writeInt(header.m());
        out.writeInt(header.efConstruction());
        out.writeInt(header.ef());
        out.writeInt(header.capacity());
        out.writeLong(header.slotsUsed());
        out.writeLong(header.count());
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + to.getParent() + " cannot rename atomically, so " + to
                    + " cannot be replaced crash-safely", e);
        }
    }

    /** Makes the rename durable: on Linux a directory can be opened and forced; elsewhere this may not apply. */
    private static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a folder; the rename itself was atomic all the same.
        }
    }

    /**
     * Reads and checks a file.
     *
     * @param path the file
     * @return its contents
     * @throws StoreException naming the problem when the file is missing, unreadable, of another format or
     *     version, truncated, damaged, or names a class outside the allow-list
     */
    static Contents read(Path path) {
        // One open file for the size, the verification and the parsing: a file renamed over the path meanwhile (a
        // save by another process) is not seen, so the load reads the old file or the new one, never parts of both.
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            long payloadLength = verify(path, channel, size);
            channel.position(MAGIC.length + Integer.BYTES);
            DataInputStream in = new DataInputStream(
                    new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
            Header header = readHeader(path, in);
            long expectedSize = headerLength(header) + payloadLength + TRAILER_BYTES;
            if (expectedSize != size) {
                throw corrupt(path, "its parts add up to " + expectedSize + " bytes but it has " + size);
            }
            checkFitsPayload(path, header, payloadLength);
            return new Contents(header, readIndex(path, header, payloadLength,
                    new BoundedInputStream(in, payloadLength)));
        } catch (NoSuchFileException e) {
            throw new StoreException("store file " + path + " does not exist", e);
        } catch (IOException e) {
            throw new StoreException("could not read store file " + path + ": " + e, e);
        }
    }

    /**
     * Checks magic, version, length and checksum, reading the file once from its start.
     *
     * @param channel the file, at position 0; left at an unspecified position
     * @param size the file's size
     * @return the payload length the trailer declares
     */
    private static long verify(Path path, FileChannel channel, long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        int prefix = MAGIC.length + Integer.BYTES;
        if (size < prefix + TRAILER_BYTES) {
            throw corrupt(path, "it has " + size + " bytes, fewer than any store file");
        }
        readFully(channel, buffer, prefix);
        byte[] magic = new byte[MAGIC.length];
        buffer.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new StoreException("file " + path + " is not an mmrag HNSW store file (it does not start with \""
                    + new String(MAGIC, StandardCharsets.US_ASCII) + "\")");
        }
        int version = buffer.getInt();
        if (version != FORMAT_VERSION) {
            throw new StoreException("store file " + path + " has format version " + version
                    + "; this version of mmrag reads format version " + FORMAT_VERSION);
        }
        CRC32C crc = new CRC32C();
        crc.update(magic);
        crc.update(ByteBuffer.allocate(Integer.BYTES).putInt(0, version));
        long checked = prefix;
        long end = size - Integer.BYTES;
        while (checked < end) {
            int chunk = (int) Math.min(buffer.capacity(), end - checked);
            readFully(channel, buffer, chunk);
            crc.update(buffer);
            checked += chunk;
        }
        readFully(channel, buffer, Integer.BYTES);
        int stored = buffer.getInt();
        if (stored != (int) crc.getValue()) {
            throw corrupt(path, String.format("its checksum is %08x but its content sums to %08x", stored,
                    (int) crc.getValue()));
        }
        channel.position(size - TRAILER_BYTES);
        readFully(channel, buffer, Long.BYTES);
        long payloadLength = buffer.getLong();
        if (payloadLength < 0 || payloadLength > size) {
            throw corrupt(path, "it declares a payload of " + payloadLength + " bytes in a file of " + size);
        }
        return payloadLength;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, int length) throws IOException {
        buffer.clear().limit(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("unexpected end of file");
            }
        }
        buffer.flip();
    }

    private static Header readHeader(Path path, DataInputStream in) throws IOException {
        int dimension = in.readInt();
        String metricName = in.readUTF();
        Metric metric = Arrays.stream(Metric.values()).filter(m -> m.name().equals(metricName)).findFirst()
                .orElseThrow(() -> corrupt(path, "it names an unknown metric '" + metricName + "'"));
        Header header = new Header(dimension, metric, in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                in.readLong(), in.readLong());
        try {
            HnswVectorStore.builder(header);
        } catch (InvalidInputException e) {
            throw corrupt(path, "its parameters are out of range: " + e.getMessage() + " (" + header + ")");
        }
        if (header.slotsUsed() < 0 || header.slotsUsed() > header.capacity()) {
            throw corrupt(path, "its parameters are out of range: graph slots used is " + header.slotsUsed()
                    + "; expected 0 to the capacity " + header.capacity() + " (" + header + ")");
        }
        if (header.count() < 0 || header.count() > header.slotsUsed()) {
            throw corrupt(path, "its parameters are out of range: item count is " + header.count()
                    + "; expected 0 to the graph slots used " + header.slotsUsed() + " (" + header + ")");
        }
        return header;
    }

    /**
     * Refuses a header that declares more than the payload can hold, before the payload is parsed: hnswlib writes
     * every one of its {@code capacity} node slots with at least an int (its node id, -1 when empty), and every
     * stored item with at least its vector's {@code 4 * dimension} bytes. (The header's ranges, checked before,
     * keep these products far from overflowing.)
     */
    private static void checkFitsPayload(Path path, Header header, long payloadLength) {
        long least = (long) Integer.BYTES * header.capacity()
                + (long) Float.BYTES * header.dimension() * header.count();
        if (least > payloadLength) {
            throw corrupt(path, "its header declares room for " + header.capacity() + " graph nodes and "
                    + header.count() + " items of dimension " + header.dimension() + ", which take at least " + least
                    + " bytes, but its payload has " + payloadLength);
        }
    }

    private static long headerLength(Header header) {
        long prefix = MAGIC.length + Integer.BYTES;
        long metric = Short.BYTES + header.metric().name().length(); // modified UTF-8 of an ASCII name
        return prefix + Integer.BYTES + metric + 4L * Integer.BYTES + 2L * Long.BYTES;
    }

    @SuppressWarnings("unchecked")
    private static HnswIndex<String, HnswItem, HnswItem, Float> readIndex(Path path, Header header,
            long payloadLength, InputStream payload) throws IOException {
        Object index;
        RecordingFilter filter = new RecordingFilter();
        try (ObjectInputStream objects = new CheckedNumbersInputStream(payload, header, payloadLength)) {
            objects.setObjectInputFilter(filter);
            index = objects.readObject();
        } catch (OutOfMemoryError e) {
            // Every number that sizes an array was checked against the header and the payload's length; what is
            // left is a file whose graph is larger than the free heap. The partly read graph is garbage now.
            throw new StoreException("store file " + path + " could not be loaded: its graph, with room for "
                    + header.capacity() + " nodes, needs more memory than the JVM has free (" + e.getMessage() + ")",
                    e);
        } catch (InvalidClassException e) {
            throw new StoreException("store file " + path + " was refused: it contains " + filter.refused
                    + "; allowed are the classes " + ALLOWED_CLASSES.stream().map(Class::getName)
                    .collect(Collectors.toList()) + ", no arrays, a depth of " + MAX_DEPTH + " and "
                    + MAX_REFERENCES + " references", e);
        } catch (ObjectStreamException | ClassNotFoundException | EOFException | RuntimeException e) {
            throw new StoreException("store file " + path + " is damaged: its index could not be read: " + e, e);
        }
        if (!(index instanceof HnswIndex)) {
            throw corrupt(path, "its payload is " + (index == null ? "null" : "a " + index.getClass().getName())
                    + ", not an HNSW index");
        }
        return (HnswIndex<String, HnswItem, HnswItem, Float>) index;
    }

    private static StoreException corrupt(Path path, String why) {
        return new StoreException("store file " + path + " is damaged or truncated: " + why);
    }

    /** The allow-list, remembering what it refused so that the error can name it. */
    private static final class RecordingFilter implements ObjectInputFilter {
        private String refused = "something the filter refused";

        @Override
        public Status checkInput(FilterInfo info) {
            Status status = ALLOW_LIST.checkInput(info);
            if (status == Status.REJECTED) {
                Class<?> type = info.serialClass();
                if (type != null && type.isArray()) {
                    refused = "an array (" + type.getComponentType().getName() + "[" + info.arrayLength() + "])";
                } else if (type != null && !ALLOWED_CLASSES.contains(type)) {
                    refused = "class " + type.getName();
                } else {
                    refused = "an object graph beyond the limits (depth " + info.depth() + ", references "
                            + info.references() + ")";
                }
            }
            return status;
        }
    }

    /**
     * The payload's object stream, which checks every int hnswlib's {@code HnswIndex.readObject} may size an array
     * from before hnswlib sees it, so that what a load allocates grows with the file's size, not with the numbers
     * written in it. hnswlib 1.2.1 reads its fixed fields first, and these are the first ints read from the
     * stream (Java serialization reads its own framing without this method): dimensions, maxItemCount, m, maxM,
     * maxM0, ef, efConstruction, nodeCount. maxItemCount sizes bit sets (one per processor), maxM0 and maxM the
     * neighbour list of each level of each node; they, and the others the header also holds, must agree with the
     * header, which {@link #checkFitsPayload} has bounded. Every int read after them is a count of elements of at
     * least one byte each (map entries, nodes, levels, neighbours, and the lengths {@link ItemCodec} reads), a node
     * id below the capacity, or -1 for no node; so none can exceed the payload's length, and one that does is
     * refused before it is used.
     */
    private static final class CheckedNumbersInputStream extends ObjectInputStream {
        private static final int FIXED_FIELDS = 8;

        private final Header header;
        private final long payloadLength;
        private long intsRead;

        CheckedNumbersInputStream(InputStream in, Header header, long payloadLength) throws IOException {
            super(in);
            this.header = header;
            this.payloadLength = payloadLength;
        }

        @Override
        public int readInt() throws IOException {
            int value = super.readInt();
            long position = intsRead++;
            if (position < FIXED_FIELDS) {
                checkFixedField((int) position, value);
            } else if (value > payloadLength) {
                throw new InvalidObjectException("the graph holds a count or node id of " + value
                        + ", more than its payload of " + payloadLength + " bytes can hold");
            }
            return value;
        }

        private void checkFixedField(int position, int value) throws InvalidObjectException {
            switch (position) {
                case 0:
                    expect("dimensions", value, header.dimension(), "its header's dimension");
                    break;
                case 1:
                    expect("maxItemCount", value, header.capacity(), "its header's capacity");
                    break;
                case 2:
                case 3:
                    expect(position == 2 ? "m" : "maxM", value, header.m(), "its header's m");
                    break;
                case 4:
                    expect("maxM0", value, 2 * header.m(), "twice its header's m " + header.m() + ":");
                    break;
                case 6:
                    expect("efConstruction", value, Math.max(header.efConstruction(), header.m()),
                            "the larger of its header's efConstruction " + header.efConstruction() + " and m "
                            + header.m() + ":");
                    break;
                case 7:
                    if (value < 0 || value > header.slotsUsed()) {
                        throw new InvalidObjectException("the graph's nodeCount is " + value
                                + "; expected 0 to its header's graph slots used " + header.slotsUsed());
                    }
                    break;
                default:
                    // 5: hnswlib's ef, its default search width, sizes nothing; the store passes its own width.
                    break;
            }
        }

        private static void expect(String field, int value, int expected, String source)
                throws InvalidObjectException {
            if (value != expected) {
                throw new InvalidObjectException("the graph's " + field + " is " + value + "; expected " + source
                        + " " + expected);
            }
        }
    }

    /** Lets a reader see only the payload, so it cannot read into the trailer. */
    private static final class BoundedInputStream extends FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(buffer, offset, (int) Math.min(length, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() {
            // The caller closes the underlying stream.
        }
    }
}
