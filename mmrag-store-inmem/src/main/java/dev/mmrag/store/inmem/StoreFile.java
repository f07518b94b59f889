package dev.mmrag.store.inmem;

import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metric;
import dev.mmrag.api.StoreException;
import dev.mmrag.core.io.BoundedInputStream;
import dev.mmrag.core.io.FileFormatException;
import dev.mmrag.core.io.FramedFile;
import dev.mmrag.core.io.SafeFile;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
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
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The file format of a saved {@link HnswVectorStore}, in a {@link FramedFile} (magic, format version, checksum),
 * written crash-safely by {@link SafeFile}.
 *
 * <pre>
 *   magic           8 bytes  "MMRAGHNS"
 *   format version  int      {@value #FORMAT_VERSION} (version 1, the same without the properties, is still read)
 *   parameters      dimension int, metric name (modified UTF-8), m int, efConstruction int, ef int,
 *                   capacity int, graph slots used long, item count long
 *   properties      (version 2) count int, then per property, sorted by key: key and value, each a length int
 *                   and that many UTF-8 bytes (see {@link StoreProperties})
 *   grouped         (version 2) long: how many of the items have no graph node, as near-duplicates of one that has
 *                   (see {@link DuplicateGroups})
 *   near-duplicates (version 2) that many times: the id of the graph node's item, then the item, both as
 *                   {@link ItemCodec} writes them
 *   payload         hnswlib's index as a Java serialization stream; its items and ids are plain data
 *                   written by {@link ItemCodec}
 *   payload length  long
 *   checksum        int, CRC-32C of every byte before it
 * </pre>
 * All numbers are big-endian.
 *
 * <p><b>Writing</b> goes through {@link SafeFile}: a temporary file in the target's folder, forced to disk and
 * renamed over the target atomically (and the folder forced too), so a crash at any moment leaves either the old file
 * or the new one; the new file keeps the POSIX permissions of the file it replaces. Only a regular file is replaced
 * (or a new one created): a directory, a FIFO, a device, a read-only file and, unless asked to follow it, a symbolic
 * link are refused with an {@link InvalidInputException} (see {@link SafeFile}). A failed save, whatever it failed
 * with, deletes its temporary file; one killed mid-save leaves it behind ({@code .mmrag-<random>.tmp}), and it is
 * safe to delete.
 *
 * <p><b>Reading</b> ({@link FramedFile#read}) refuses anything but a regular file, then checks the magic, the
 * version and the checksum of the whole file before it parses anything, so a truncated or damaged file is refused
 * without being interpreted. It opens the file once and takes the size, the checksum and the contents from that one
 * open file, so a load while another process saves over the path reads the old file or the new one, whole. The
 * payload is then
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
 * {@link StoreException}, not an {@link OutOfMemoryError}. The properties' count and lengths are checked against
 * their limits before anything is allocated, and their text must be well-formed UTF-8.
 *
 * <p>Thread-safety: stateless; callers keep the store from changing while it is written.
 */
final class StoreFile {

    /** The current format version, written by every save. */
    static final int FORMAT_VERSION = 2;
    /** The format: version 1 (no properties) is still read. */
    static final FramedFile.Format FORMAT = new FramedFile.Format("MMRAGHNS", "an mmrag HNSW store file",
            FORMAT_VERSION, 1);

    private static final int MAX_DEPTH = 3;
    private static final int MAX_REFERENCES = 16;

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
     * @param properties the store's properties (see {@link StoreProperties}), sorted by key; copied
     * @param grouped how many of the items are stored without a graph node, as near-duplicates of one that has (see
     *     {@link DuplicateGroups})
     */
    record Header(int dimension, Metric metric, int m, int efConstruction, int ef, int capacity, long slotsUsed,
            long count, Map<String, String> properties, long grouped) {

        Header {
            properties = Collections.unmodifiableSortedMap(new TreeMap<>(properties));
        }

        /** A header without properties and near-duplicates. */
        Header(int dimension, Metric metric, int m, int efConstruction, int ef, int capacity, long slotsUsed,
                long count) {
            this(dimension, metric, m, efConstruction, ef, capacity, slotsUsed, count, Map.of(), 0);
        }
    }

    /**
     * What a file holds.
     *
     * @param header the parameters
     * @param index the graph with its items
     * @param members the items stored without a graph node: pairs of (the id of the graph node's item, the member)
     */
    record Contents(Header header, HnswIndex<String, HnswItem, HnswItem, Float> index,
            List<Map.Entry<String, HnswItem>> members) {
    }

    /**
     * Writes a file crash-safely (see the class comment).
     *
     * @param target the file to create or replace
     * @param symlinks whether a symbolic link at the target is refused or followed
     * @param header the parameters
     * @param index the graph; must not change while it is written
     * @param members the near-duplicates stored without a graph node, {@code header.grouped()} of them: pairs of
     *     (the id of the graph node's item, the member)
     * @throws InvalidInputException when the target may not be replaced (see {@link SafeFile}), naming it
     * @throws IOException when writing fails; the target is then unchanged
     */
    static void write(Path target, SafeFile.Symlinks symlinks, Header header,
            HnswIndex<String, HnswItem, HnswItem, Float> index, List<Map.Entry<String, HnswItem>> members)
            throws IOException {
        if (members.size() != header.grouped()) {
            throw new IllegalArgumentException(members.size() + " members, header says " + header.grouped());
        }
        write(target, symlinks, header, members, out -> {
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
     * Writes a file crash-safely with any payload, refusing a symbolic link at the target. The store uses
     * {@link #write(Path, SafeFile.Symlinks, Header, HnswIndex, List)}; tests use this to make files that a store would
     * never write.
     *
     * @param target the file to create or replace
     * @param header the parameters
     * @param payload writes the payload
     * @throws IOException when writing fails; the target is then unchanged
     */
    static void write(Path target, Header header, PayloadWriter payload) throws IOException {
        write(target, SafeFile.Symlinks.REFUSE, header, List.of(), payload);
    }

    private static void write(Path target, SafeFile.Symlinks symlinks, Header header,
            List<Map.Entry<String, HnswItem>> members, PayloadWriter payload) throws IOException {
        FramedFile.write(target, symlinks, FORMAT, out -> {
            writeHeader(out, header);
            for (Map.Entry<String, HnswItem> member : members) {
                ItemCodec.writeId(member.getKey(), out);
                ItemCodec.writeItem(member.getValue(), out);
            }
            CountingOutputStream counted = new CountingOutputStream(out);
            payload.write(counted);
            counted.flush();
            out.writeLong(counted.count);
        });
    }

    private static void writeHeader(DataOutputStream out, Header header) throws IOException {
        out.writeInt(header.dimension());
        out.writeUTF(header.metric().name());
        out.writeInt(header.m());
        out.writeInt(header.efConstruction());
        out.writeInt(header.ef());
        out.writeInt(header.capacity());
        out.writeLong(header.slotsUsed());
        out.writeLong(header.count());
        out.writeInt(header.properties().size());
        for (Map.Entry<String, String> property : header.properties().entrySet()) {
            writeString(out, property.getKey());
            writeString(out, property.getValue());
        }
        out.writeLong(header.grouped());
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /**
     * Reads and checks a file.
     *
     * @param path the file
     * @return its contents
     * @throws StoreException naming the problem when the file is missing, unreadable, not a regular file, of another
     *     format or version, truncated, damaged, or names a class outside the allow-list
     */
    static Contents read(Path path) {
        try {
            return FramedFile.read(path, FORMAT, frame -> {
                Header header = readHeader(frame);
                List<Map.Entry<String, HnswItem>> members = readMembers(frame, header);
                long payloadLength = frame.remaining() - Long.BYTES;
                if (payloadLength < 0) {
                    throw frame.damaged("it ends before its payload length");
                }
                checkFitsPayload(frame, header, payloadLength);
                BoundedInputStream payload = new BoundedInputStream(frame.in(), payloadLength);
                HnswIndex<String, HnswItem, HnswItem, Float> index = readIndex(frame, header, payloadLength, payload);
                payload.skipRest();
                long declared = frame.in().readLong();
                if (declared != payloadLength) {
                    throw frame.damaged("it declares a payload of " + declared + " bytes but holds " + payloadLength);
                }
                return new Contents(header, index, members);
            });
        } catch (FileFormatException e) {
            throw new StoreException(e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new StoreException("store file " + path + " does not exist", e);
        } catch (IOException e) {
            throw new StoreException("could not read store file " + path + ": " + e, e);
        }
    }

    private static Header readHeader(FramedFile.Frame frame) throws IOException {
        DataInputStream in = frame.in();
        int dimension = in.readInt();
        String metricName = in.readUTF();
        Metric metric = Arrays.stream(Metric.values()).filter(m -> m.name().equals(metricName)).findFirst()
                .orElseThrow(() -> frame.damaged("it names an unknown metric '" + metricName + "'"));
        int m = in.readInt();
        int efConstruction = in.readInt();
        int ef = in.readInt();
        int capacity = in.readInt();
        long slotsUsed = in.readLong();
        long count = in.readLong();
        Map<String, String> properties = frame.version() >= 2 ? readProperties(frame) : Map.of();
        long grouped = frame.version() >= 2 ? in.readLong() : 0;
        Header header = new Header(dimension, metric, m, efConstruction, ef, capacity, slotsUsed, count, properties,
                grouped);
        try {
            HnswVectorStore.builder(header);
        } catch (InvalidInputException e) {
            throw frame.damaged("its parameters are out of range: " + e.getMessage() + " (" + header + ")");
        }
        if (header.slotsUsed() < 0 || header.slotsUsed() > header.capacity()) {
            throw frame.damaged("its parameters are out of range: graph slots used is " + header.slotsUsed()
                    + "; expected 0 to the capacity " + header.capacity() + " (" + header + ")");
        }
        if (header.count() < 0 || header.count() - header.grouped() > header.slotsUsed()) {
            throw frame.damaged("its parameters are out of range: item count is " + header.count()
                    + (header.grouped() > 0 ? ", " + header.grouped() + " of them without a graph node" : "")
                    + "; expected 0 to the graph slots used " + header.slotsUsed() + " (" + header + ")");
        }
        if (header.grouped() < 0 || header.grouped() > Math.max(0, header.count())) {
            throw frame.damaged("its parameters are out of range: near-duplicate count is " + header.grouped()
                    + "; expected 0 to the item count " + header.count() + " (" + header + ")");
        }
        return header;
    }

    /**
     * Reads the near-duplicates stored without a graph node, checking first that the file can hold as many as the
     * header declares (each takes at least a node id, its own id, its vector and a metadata count), and every length
     * against the bytes left (see {@link BoundedDataInput}). That each names a graph node it near-duplicates is
     * checked by the store once the graph is read.
     */
    private static List<Map.Entry<String, HnswItem>> readMembers(FramedFile.Frame frame, Header header)
            throws IOException {
        long perMember = 4L * Integer.BYTES + (long) Float.BYTES * header.dimension();
        if (header.grouped() > frame.remaining() / perMember) {
            throw frame.damaged("its header declares " + header.grouped() + " near-duplicates of dimension "
                    + header.dimension() + ", which take at least " + perMember + " bytes each, but only "
                    + frame.remaining() + " bytes are left");
        }
        List<Map.Entry<String, HnswItem>> members = new ArrayList<>((int) Math.min(header.grouped(), 1 << 16));
        BoundedDataInput in = new BoundedDataInput(frame);
        for (long i = 0; i < header.grouped(); i++) {
            try {
                String node = ItemCodec.readId(in);
                members.add(Map.entry(node, ItemCodec.readItem(in)));
            } catch (InvalidObjectException e) {
                FileFormatException damaged = frame.damaged("its near-duplicate " + i + " could not be read: "
                        + e.getMessage());
                damaged.initCause(e);
                throw damaged;
            }
        }
        return members;
    }

    /** Reads the properties, checking each count and length before it allocates and the text as it decodes. */
    private static Map<String, String> readProperties(FramedFile.Frame frame) throws IOException {
        DataInputStream in = frame.in();
        int count = in.readInt();
        if (count < 0 || count > StoreProperties.MAX_PROPERTIES) {
            throw frame.damaged("it declares " + count + " properties; expected 0 to " + StoreProperties.MAX_PROPERTIES);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String key = readString(frame, StoreProperties.MAX_KEY_BYTES, "property key");
            String value = readString(frame, StoreProperties.MAX_VALUE_BYTES, "value of property '" + key + "'");
            if (properties.put(key, value) != null) {
                throw frame.damaged("it holds property '" + key + "' twice");
            }
        }
        try {
            return StoreProperties.copyOf(properties);
        } catch (InvalidInputException e) {
            throw frame.damaged("its properties are invalid: " + e.getMessage());
        }
    }

    private static String readString(FramedFile.Frame frame, int limit, String what) throws IOException {
        int length = frame.in().readInt();
        if (length < 0 || length > limit || length > frame.remaining()) {
            throw frame.damaged("its " + what + " is " + length + " bytes long; expected 0 to " + limit
                    + " (and at most the " + frame.remaining() + " bytes left)");
        }
        byte[] bytes = new byte[length];
        frame.in().readFully(bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw frame.damaged("its " + what + " is not well-formed UTF-8 (" + e + ")");
        }
    }

    /**
     * Refuses a header that declares more than the payload can hold, before the payload is parsed: hnswlib writes
     * every one of its {@code capacity} node slots with at least an int (its node id, -1 when empty), and every
     * stored item with at least its vector's {@code 4 * dimension} bytes. (The header's ranges, checked before,
     * keep these products far from overflowing.)
     */
    private static void checkFitsPayload(FramedFile.Frame frame, Header header, long payloadLength) {
        long least = (long) Integer.BYTES * header.capacity()
                + (long) Float.BYTES * header.dimension() * (header.count() - header.grouped());
        if (least > payloadLength) {
            throw frame.damaged("its header declares room for " + header.capacity() + " graph nodes and "
                    + (header.count() - header.grouped()) + " items in the graph of dimension " + header.dimension() + ", which take at least " + least
                    + " bytes, but its payload has " + payloadLength);
        }
    }

    @SuppressWarnings("unchecked")
    private static HnswIndex<String, HnswItem, HnswItem, Float> readIndex(FramedFile.Frame frame, Header header,
            long payloadLength, InputStream payload) throws IOException {
        Path path = frame.path();
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
            FileFormatException damaged = frame.damaged("its index could not be read: " + e);
            damaged.initCause(e);
            throw damaged;
        }
        if (!(index instanceof HnswIndex)) {
            throw frame.damaged("its payload is " + (index == null ? "null" : "a " + index.getClass().getName())
                    + ", not an HNSW index");
        }
        return (HnswIndex<String, HnswItem, HnswItem, Float>) index;
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

    /** Counts the bytes of the payload, in a long (a payload can exceed 2 GB). */
    private static final class CountingOutputStream extends FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            out.write(buffer, offset, length);
            count += length;
        }

        @Override
        public void close() throws IOException {
            // The frame's stream is not to be closed.
            out.flush();
        }
    }

    /**
     * The content as {@link DataInput} for {@link ItemCodec}, refusing any int larger than the bytes left: every int
     * ItemCodec reads is a count or length of elements of at least one byte each, so a larger one is a lie and is
     * refused before anything is allocated for it.
     */
    private static final class BoundedDataInput implements DataInput {
        private final FramedFile.Frame frame;
        private final DataInputStream in;

        BoundedDataInput(FramedFile.Frame frame) {
            this.frame = frame;
            this.in = frame.in();
        }

        @Override
        public int readInt() throws IOException {
            int value = in.readInt();
            if (value > frame.remaining()) {
                throw new InvalidObjectException("a count or length of " + value + " is more than the "
                        + frame.remaining() + " bytes left");
            }
            return value;
        }

        @Override
        public void readFully(byte[] b) throws IOException {
            in.readFully(b);
        }

        @Override
        public void readFully(byte[] b, int off, int len) throws IOException {
            in.readFully(b, off, len);
        }

        @Override
        public int skipBytes(int n) throws IOException {
            return in.skipBytes(n);
        }

        @Override
        public boolean readBoolean() throws IOException {
            return in.readBoolean();
        }

        @Override
        public byte readByte() throws IOException {
            return in.readByte();
        }

        @Override
        public int readUnsignedByte() throws IOException {
            return in.readUnsignedByte();
        }

        @Override
        public short readShort() throws IOException {
            return in.readShort();
        }

        @Override
        public int readUnsignedShort() throws IOException {
            return in.readUnsignedShort();
        }

        @Override
        public char readChar() throws IOException {
            return in.readChar();
        }

        @Override
        public long readLong() throws IOException {
            return in.readLong();
        }

        @Override
        public float readFloat() throws IOException {
            return in.readFloat();
        }

        @Override
        public double readDouble() throws IOException {
            return in.readDouble();
        }

        @Override
        @Deprecated
        public String readLine() throws IOException {
            throw new UnsupportedOperationException("not used by ItemCodec");
        }

        @Override
        public String readUTF() throws IOException {
            return in.readUTF();
        }
    }
}
