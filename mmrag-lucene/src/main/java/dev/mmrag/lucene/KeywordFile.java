package dev.mmrag.lucene;

import dev.mmrag.api.KeywordDocument;
import dev.mmrag.api.MmragException;
import dev.mmrag.api.StoreException;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The file format of a saved {@link LuceneKeywordIndex}, and the crash-safe way it is written. The file holds
 * the documents as plain data (no Lucene files, no Java serialization); loading re-indexes them.
 *
 * <pre>
 *   magic           8 bytes  "MMRAGKWD"
 *   format version  int      {@value #FORMAT_VERSION}
 *   BM25            k1 double, b double
 *   documents       count int, then per document: id, field count int, (name, text)*, metadata count int,
 *                   (key, value)*
 *   payload length  long     (bytes from the document count to here)
 *   checksum        int      CRC-32C of every byte before it
 * </pre>
 * Strings are an int byte length and UTF-8; a metadata value is a tag byte ({@code S} string, {@code B} boolean
 * as one byte, {@code L} long, {@code D} double, {@code A} list: int size, then tagged non-list elements). All
 * numbers are big-endian.
 *
 * <p><b>Writing</b> goes to a temporary file ({@code .mmrag-<random>.tmp}) in the target's folder, forced to disk,
 * renamed over the target atomically, and the folder is forced too: a crash leaves the old file or the new one.
 * A failed save deletes its temporary file. (The same mechanism as the HNSW store's file; adapters may not depend
 * on each other, so it is repeated here.)
 *
 * <p><b>Reading</b> reads the file once, checks magic, version, length and checksum before parsing anything,
 * and checks every length and count against the bytes left, so a damaged or crafted file is refused with a
 * {@link StoreException} naming the file, and what a load allocates grows with the file's size.
 *
 * <p>Thread-safety: stateless.
 */
final class KeywordFile {

    /** The current (and only) format version. */
    static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = "MMRAGKWD".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = MAGIC.length + Integer.BYTES + 2 * Double.BYTES;
    private static final int TRAILER_BYTES = Long.BYTES + Integer.BYTES;
    private static final String TEMPORARY_PREFIX = ".mmrag-";
    private static final String TEMPORARY_SUFFIX = ".tmp";
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeywordFile() {
    }

    /**
     * What a file holds.
     *
     * @param k1 BM25 k1
     * @param b BM25 b
     * @param documents the documents
     */
    record Contents(double k1, double b, List<KeywordDocument> documents) {
    }

    /**
     * Writes a file crash-safely.
     *
     * @param target the file to create or replace
     * @param k1 BM25 k1
     * @param b BM25 b
     * @param documents the documents
     * @throws StoreException when writing fails; the target is then unchanged
     */
    static void write(Path target, double k1, double b, List<KeywordDocument> documents) {
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new StoreException("cannot save the keyword index to " + target + ": the folder " + folder
                    + " does not exist");
        }
        Path temporary = null;
        try {
            temporary = createTemporaryFile(folder);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                CRC32C crc = new CRC32C();
                ByteArrayOutputStream header = new ByteArrayOutputStream();
                DataOutputStream headerOut = new DataOutputStream(header);
                headerOut.write(MAGIC);
                headerOut.writeInt(FORMAT_VERSION);
                headerOut.writeDouble(k1);
                headerOut.writeDouble(b);
                headerOut.flush();
                CountingCrcStream counting = new CountingCrcStream(
                        new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), crc);
                DataOutputStream out = new DataOutputStream(counting);
                out.write(header.toByteArray());
                long payloadStart = counting.count;
                out.writeInt(documents.size());
                for (KeywordDocument document : documents) {
                    writeString(out, document.id());
                    out.writeInt(document.fields().size());
                    for (Map.Entry<String, String> field : document.fields().entrySet()) {
                        writeString(out, field.getKey());
                        writeString(out, field.getValue());
                    }
                    out.writeInt(document.metadata().size());
                    for (Map.Entry<String, Object> entry : document.metadata().entrySet()) {
                        writeString(out, entry.getKey());
                        writeValue(out, entry.getValue(), true);
                    }
                }
                out.writeLong(counting.count - payloadStart + Long.BYTES);
                out.flush();
                int checksum = (int) crc.getValue();
                DataOutputStream trailer = new DataOutputStream(Channels.newOutputStream(channel));
                trailer.writeInt(checksum);
                trailer.flush();
                channel.force(true);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + folder + " cannot rename atomically", e);
            }
            temporary = null;
            forceFolder(folder);
        } catch (IOException e) {
            throw new StoreException("cannot save the keyword index to " + target + ": " + e, e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // the save already failed; a stray temporary file is safe to delete by hand
                }
            }
        }
    }

    /** Counts the bytes written and feeds them to the checksum. */
    private static final class CountingCrcStream extends java.io.FilterOutputStream {
        private final CRC32C crc;
        private long count;

        CountingCrcStream(java.io.OutputStream out, CRC32C crc) {
            super(out);
            this.crc = crc;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            crc.update(bytes, offset, length);
            count += length;
        }
    }

    private static Path createTemporaryFile(Path folder) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path candidate = folder.resolve(TEMPORARY_PREFIX + Long.toUnsignedString(RANDOM.nextLong(), 36)
                    + TEMPORARY_SUFFIX);
            try {
                return Files.createFile(candidate);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 9) {
                    throw e;
                }
            }
        }
    }

    private static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a folder; the rename is then as durable as the file system makes it.
        }
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static void writeValue(DataOutputStream out, Object value, boolean allowList) throws IOException {
        if (value instanceof String) {
            out.writeByte('S');
            writeString(out, (String) value);
        } else if (value instanceof Boolean) {
            out.writeByte('B');
            out.writeByte((Boolean) value ? 1 : 0);
        } else if (value instanceof Long) {
            out.writeByte('L');
            out.writeLong((Long) value);
        } else if (value instanceof Double) {
            out.writeByte('D');
            out.writeDouble((Double) value);
        } else if (value instanceof List && allowList) {
            List<?> list = (List<?>) value;
            out.writeByte('A');
            out.writeInt(list.size());
            for (Object element : list) {
                writeValue(out, element, false);
            }
        } else {
            throw new IllegalStateException("metadata value of type " + value.getClass().getName()
                    + " passed validation but has no encoding");
        }
    }

    /**
     * Reads a file written by {@link #write}.
     *
     * @param file the file
     * @return what it holds
     * @throws StoreException when the file is missing, unreadable, damaged, or not a keyword index file
     */
    static Contents read(Path file) {
        byte[] bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new StoreException("keyword index file " + file + " is " + size
                        + " bytes; at most 2 GiB can be loaded");
            }
            if (size < HEADER_BYTES + Integer.BYTES + TRAILER_BYTES) {
                throw new StoreException("keyword index file " + file + " is " + size
                        + " bytes, too short to be a keyword index (damaged or not one)");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new StoreException("keyword index file " + file + " ended while it was read");
                }
            }
            bytes = buffer.array();
        } catch (NoSuchFileException e) {
            throw new StoreException("keyword index file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new StoreException("cannot read keyword index file " + file + ": " + e, e);
        } catch (OutOfMemoryError e) {
            throw new StoreException("keyword index file " + file + " does not fit the free heap", e);
        }
        if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new StoreException("file " + file + " is not a keyword index saved by mmrag (wrong magic bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position(MAGIC.length);
        int version = in.getInt();
        if (version != FORMAT_VERSION) {
            throw new StoreException("keyword index file " + file + " has format version " + version
                    + "; this mmrag reads version " + FORMAT_VERSION);
        }
        int checksumAt = bytes.length - Integer.BYTES;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, checksumAt);
        int stored = ByteBuffer.wrap(bytes, checksumAt, Integer.BYTES).getInt();
        if ((int) crc.getValue() != stored) {
            throw new StoreException("keyword index file " + file + " is damaged: its checksum does not match");
        }
        long payloadLength = ByteBuffer.wrap(bytes, checksumAt - Long.BYTES, Long.BYTES).getLong();
        if (payloadLength != checksumAt - HEADER_BYTES) {
            throw new StoreException("keyword index file " + file + " is damaged: it says its payload is "
                    + payloadLength + " bytes, but it is " + (checksumAt - HEADER_BYTES));
        }
        double k1 = in.getDouble();
        double b = in.getDouble();
        if (!(k1 >= 0) || !Double.isFinite(k1) || !(b >= 0 && b <= 1)) {
            throw new StoreException("keyword index file " + file + " has BM25 parameters k1=" + k1 + ", b=" + b
                    + " out of range (k1 >= 0, 0 <= b <= 1)");
        }
        ByteBuffer payload = ByteBuffer.wrap(bytes, HEADER_BYTES, checksumAt - Long.BYTES - HEADER_BYTES).slice();
        try {
            int count = count(payload, 1 + 3 * Integer.BYTES, "document count");
            List<KeywordDocument> documents = new ArrayList<>(count);
            for (int d = 0; d < count; d++) {
                String id = string(payload);
                int fieldCount = count(payload, 2 * Integer.BYTES, "field count");
                Map<String, String> fields = new LinkedHashMap<>();
                for (int f = 0; f < fieldCount; f++) {
                    fields.put(string(payload), string(payload));
                }
                int metadataCount = count(payload, Integer.BYTES + 2, "metadata count");
                Map<String, Object> metadata = new LinkedHashMap<>();
                for (int m = 0; m < metadataCount; m++) {
                    metadata.put(string(payload), value(payload, true));
                }
                documents.add(new KeywordDocument(id, fields, metadata));
            }
            if (payload.hasRemaining()) {
                throw new StoreException(payload.remaining() + " bytes follow the last document");
            }
            return new Contents(k1, b, documents);
        } catch (BufferUnderflowException e) {
            throw new StoreException("keyword index file " + file + " is damaged: it ends inside a document", e);
        } catch (MmragException e) {
            throw new StoreException("keyword index file " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    /** Reads a count whose elements need at least {@code minBytes} each, checked against what is left. */
    private static int count(ByteBuffer in, int minBytes, String what) {
        int count = in.getInt();
        if (count < 0 || (long) count * minBytes > in.remaining()) {
            throw new StoreException(what + " " + count + " does not fit the " + in.remaining() + " bytes left");
        }
        return count;
    }

    private static String string(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new StoreException("string length " + length + " does not fit the " + in.remaining()
                    + " bytes left");
        }
        ByteBuffer slice = in.slice();
        slice.limit(length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new StoreException("a string is not valid UTF-8");
        }
    }

    private static Object value(ByteBuffer in, boolean allowList) {
        byte tag = in.get();
        switch (tag) {
            case 'S':
                return string(in);
            case 'B': {
                byte flag = in.get();
                if (flag != 0 && flag != 1) {
                    throw new StoreException("boolean byte is " + flag);
                }
                return flag == 1;
            }
            case 'L':
                return in.getLong();
            case 'D':
                return in.getDouble();
            case 'A':
                if (allowList) {
                    int size = count(in, 2, "list size");
                    List<Object> list = new ArrayList<>(size);
                    for (int i = 0; i < size; i++) {
                        list.add(value(in, false));
                    }
                    return list;
                }
                throw new StoreException("a list holds a list");
            default:
                throw new StoreException("unknown metadata value tag " + tag);
        }
    }
}
