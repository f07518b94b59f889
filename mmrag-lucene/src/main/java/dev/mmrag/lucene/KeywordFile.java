package dev.mmrag.lucene;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.KeywordDocument;
import dev.mmrag.api.MmragException;
import dev.mmrag.api.StoreException;
import dev.mmrag.core.io.FileFormatException;
import dev.mmrag.core.io.FramedFile;
import dev.mmrag.core.io.SafeFile;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The file format of a saved {@link LuceneKeywordIndex}, in mmrag-core's {@link FramedFile} (magic, format
 * version, CRC-32C checksum) written crash-safely by {@link SafeFile}: the same mechanism as the HNSW store's
 * file. The file holds the documents as plain data (no Lucene files, no Java serialization); loading re-indexes
 * them.
 *
 * <pre>
 *   frame           magic "MMRAGKWD", format version int {@value #FORMAT_VERSION}, ..., checksum (FramedFile)
 *   BM25            k1 double, b double
 *   documents       count int, then per document: id, field count int, (name, text)*, metadata count int,
 *                   (key, value)*
 * </pre>
 * Strings are an int byte length and UTF-8; a metadata value is a tag byte ({@code S} string, {@code B} boolean
 * as one byte, {@code L} long, {@code D} double, {@code A} list: int size, then tagged non-list elements). All
 * numbers are big-endian.
 *
 * <p><b>Writing</b> goes to a temporary file in the target's folder, forced to disk, renamed over the target
 * atomically, and the folder is forced: a crash leaves the old file or the new one. A target that is not a
 * regular file (a folder, a device, a symbolic link) is refused before anything is written (see {@link SafeFile}).
 *
 * <p><b>Reading</b> checks magic, version and checksum of the whole file before parsing anything, then checks
 * every length and count against the bytes left, so a damaged or crafted file is refused with a
 * {@link StoreException} naming the file, and what a load allocates grows with the file's size.
 *
 * <p>Thread-safety: stateless.
 */
final class KeywordFile {

    /** The current (and only) format version. */
    static final int FORMAT_VERSION = 1;

    static final FramedFile.Format FORMAT = new FramedFile.Format("MMRAGKWD", "an mmrag keyword index file",
            FORMAT_VERSION, 1);

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
     * @throws InvalidInputException when the target may not be replaced (see {@link SafeFile}), naming it
     */
    static void write(Path target, double k1, double b, List<KeywordDocument> documents) {
        try {
            FramedFile.write(target, FORMAT, out -> {
                out.writeDouble(k1);
                out.writeDouble(b);
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
            });
        } catch (NoSuchFileException e) {
            throw new StoreException("cannot save the keyword index to " + target + ": the folder "
                    + target.toAbsolutePath().getParent() + " does not exist", e);
        } catch (IOException e) {
            throw new StoreException("cannot save the keyword index to " + target + ": " + e, e);
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
        try {
            return FramedFile.read(file, FORMAT, frame -> {
                DataInputStream in = frame.in();
                double k1 = in.readDouble();
                double b = in.readDouble();
                if (!(k1 >= 0) || !Double.isFinite(k1) || !(b >= 0 && b <= 1)) {
                    throw frame.damaged("its BM25 parameters k1=" + k1 + ", b=" + b
                            + " are out of range (k1 >= 0, 0 <= b <= 1)");
                }
                int count = count(frame, 1 + 3 * Integer.BYTES, "document count");
                List<KeywordDocument> documents = new ArrayList<>(count);
                try {
                    for (int d = 0; d < count; d++) {
                        String id = string(frame);
                        int fieldCount = count(frame, 2 * Integer.BYTES, "field count");
                        Map<String, String> fields = new LinkedHashMap<>();
                        for (int f = 0; f < fieldCount; f++) {
                            fields.put(string(frame), string(frame));
                        }
                        int metadataCount = count(frame, Integer.BYTES + 2, "metadata count");
                        Map<String, Object> metadata = new LinkedHashMap<>();
                        for (int m = 0; m < metadataCount; m++) {
                            metadata.put(string(frame), value(frame, true));
                        }
                        documents.add(new KeywordDocument(id, fields, metadata));
                    }
                } catch (FileFormatException e) {
                    throw e;
                } catch (MmragException e) {
                    throw frame.damaged(e.getMessage());
                }
                return new Contents(k1, b, documents);
            });
        } catch (FileFormatException e) {
            throw new StoreException(e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new StoreException("keyword index file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new StoreException("cannot read keyword index file " + file + ": " + e, e);
        } catch (InvalidInputException e) {
            throw new StoreException("cannot read keyword index file " + file + ": " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new StoreException("keyword index file " + file + " does not fit the free heap", e);
        }
    }

    /** Reads a count whose elements need at least {@code minBytes} each, checked against what is left. */
    private static int count(FramedFile.Frame frame, int minBytes, String what) throws IOException {
        int count = frame.in().readInt();
        if (count < 0 || (long) count * minBytes > frame.remaining()) {
            throw frame.damaged("its " + what + " " + count + " does not fit the " + frame.remaining()
                    + " bytes left");
        }
        return count;
    }

    private static String string(FramedFile.Frame frame) throws IOException {
        int length = frame.in().readInt();
        if (length < 0 || length > frame.remaining()) {
            throw frame.damaged("a string length " + length + " does not fit the " + frame.remaining()
                    + " bytes left");
        }
        byte[] bytes = new byte[length];
        frame.in().readFully(bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw frame.damaged("a string is not valid UTF-8");
        }
    }

    private static Object value(FramedFile.Frame frame, boolean allowList) throws IOException {
        DataInputStream in = frame.in();
        byte tag = in.readByte();
        switch (tag) {
            case 'S':
                return string(frame);
            case 'B': {
                byte flag = in.readByte();
                if (flag != 0 && flag != 1) {
                    throw frame.damaged("a boolean byte is " + flag);
                }
                return flag == 1;
            }
            case 'L':
                return in.readLong();
            case 'D':
                return in.readDouble();
            case 'A':
                if (allowList) {
                    int size = count(frame, 2, "list size");
                    List<Object> list = new ArrayList<>(size);
                    for (int i = 0; i < size; i++) {
                        list.add(value(frame, false));
                    }
                    return list;
                }
                throw frame.damaged("a list holds a list");
            default:
                throw frame.damaged("unknown metadata value tag " + tag);
        }
    }
}
