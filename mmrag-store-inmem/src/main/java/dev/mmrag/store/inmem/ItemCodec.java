package dev.mmrag.store.inmem;

import com.github.jelmerk.hnswlib.core.ObjectSerializer;
import dev.mmrag.api.Ids;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metadata;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads graph items and ids as plain data (lengths, UTF-8 bytes, floats, tagged metadata values),
 * so a saved index holds no Java-serialized item. hnswlib calls these for every node when it saves or loads.
 *
 * <p>Reading checks what it reads: every length against a limit before anything is allocated, ids with
 * {@link Ids#check(String)}, vector components for finiteness and the vector's norm (as {@link HnswItem} checks
 * it), metadata with {@link Metadata#copyOf(Map)}; a violation is an {@link InvalidObjectException} naming it.
 *
 * <p>The limits on metadata ({@value #MAX_METADATA_ENTRIES} entries, {@value #MAX_LIST_ELEMENTS} list elements,
 * {@value #MAX_STRING_BYTES} UTF-8 bytes a string) are checked by {@link #checkMetadataLimits}, which the store's
 * upsert calls so that it never holds an item that a saved file could not give back, and which writing calls too
 * (an {@link InvalidObjectException}), so that a save never replaces a good file with one that cannot be loaded.
 *
 * <p>Thread-safety: stateless.
 */
final class ItemCodec {

    /** The largest vector dimension a file may declare. */
    static final int MAX_DIMENSION = 1 << 16;
    /** The longest string (id, metadata key or value) an item may hold, in UTF-8 bytes. */
    static final int MAX_STRING_BYTES = 64 << 20;
    /** The most metadata entries an item may have. */
    static final int MAX_METADATA_ENTRIES = 1 << 20;
    /** The most elements a metadata list may have. */
    static final int MAX_LIST_ELEMENTS = 1 << 20;
    /** A UTF-8 encoding takes at most this many bytes for one char of a Java string. */
    private static final int MAX_UTF8_BYTES_PER_CHAR = 3;

    private static final byte STRING = 0;
    private static final byte FALSE = 1;
    private static final byte TRUE = 2;
    private static final byte LONG = 3;
    private static final byte DOUBLE = 4;
    private static final byte LIST = 5;

    private ItemCodec() {
    }

    /** hnswlib's serializer for item ids. */
    static final class IdSerializer implements ObjectSerializer<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(String id, ObjectOutput out) throws IOException {
            writeString(id, out);
        }

        @Override
        public String read(ObjectInput in) throws IOException {
            return checkedId(readString(in));
        }
    }

    /** hnswlib's serializer for items. */
    static final class ItemSerializer implements ObjectSerializer<HnswItem> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(HnswItem item, ObjectOutput out) throws IOException {
            try {
                checkMetadataLimits(item.id(), item.metadata());
            } catch (InvalidInputException e) {
                throw invalid("item '" + item.id() + "' cannot be saved: " + e.getMessage(), e);
            }
            writeString(item.id(), out);
            float[] values = item.values();
            out.writeInt(values.length);
            for (float v : values) {
                out.writeFloat(v);
            }
            Map<String, Object> metadata = item.metadata();
            out.writeInt(metadata.size());
            for (Map.Entry<String, Object> entry : metadata.entrySet()) {
                writeString(entry.getKey(), out);
                writeValue(entry.getValue(), out);
            }
        }

        @Override
        public HnswItem read(ObjectInput in) throws IOException {
            String id = checkedId(readString(in));
            float[] values = new float[readLength(in, MAX_DIMENSION, "vector dimension")];
            for (int i = 0; i < values.length; i++) {
                values[i] = in.readFloat();
                if (!Float.isFinite(values[i])) {
                    throw new InvalidObjectException("item '" + id + "' has " + values[i] + " at index " + i);
                }
            }
            int entries = readLength(in, MAX_METADATA_ENTRIES, "metadata entry count");
            Map<String, Object> raw = new LinkedHashMap<>();
            for (int i = 0; i < entries; i++) {
                String key = readString(in);
                raw.put(key, readValue(in, true));
            }
            Map<String, Object> metadata;
            try {
                metadata = Metadata.copyOf(raw);
            } catch (InvalidInputException e) {
                throw invalid("item '" + id + "' has invalid metadata: " + e.getMessage(), e);
            }
            try {
                return new HnswItem(id, values, metadata);
            } catch (InvalidInputException e) {
                throw invalid(e.getMessage(), e);
            }
        }
    }

    /**
     * Checks that metadata is within the limits a saved file can hold (ids and keys are far below the string
     * limit by their own rules). Cheap for ordinary metadata: only a string of more than a third of the limit in
     * chars is encoded to count its bytes.
     *
     * @param id the item's id, for the message
     * @param metadata the item's normalised metadata (see {@link Metadata#copyOf(Map)})
     * @throws InvalidInputException naming the item, the key, the size and the limit
     */
    static void checkMetadataLimits(String id, Map<String, Object> metadata) {
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            throw new InvalidInputException("item '" + id + "' has " + metadata.size()
                    + " metadata entries; the limit is " + MAX_METADATA_ENTRIES);
        }
        for (Map.Entry<String, Object> entry : metadata.entrySet()) {
            Object value = entry.getValue();
            if (value instanceof List) {
                List<?> list = (List<?>) value;
                if (list.size() > MAX_LIST_ELEMENTS) {
                    throw new InvalidInputException("metadata key '" + entry.getKey() + "' of item '" + id
                            + "' holds a list of " + list.size() + " elements; the limit is " + MAX_LIST_ELEMENTS);
                }
                for (Object element : list) {
                    checkStringLimit(id, entry.getKey(), element);
                }
            } else {
                checkStringLimit(id, entry.getKey(), value);
            }
        }
    }

    private static void checkStringLimit(String id, String key, Object value) {
        if (!(value instanceof String)) {
            return;
        }
        String s = (String) value;
        if ((long) s.length() * MAX_UTF8_BYTES_PER_CHAR <= MAX_STRING_BYTES) {
            return;
        }
        // Each char takes at least one byte, so a string of more chars than the limit need not be encoded.
        boolean tooManyChars = s.length() > MAX_STRING_BYTES;
        long bytes = tooManyChars ? s.length() : s.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_STRING_BYTES) {
            throw new InvalidInputException("metadata key '" + key + "' of item '" + id + "' holds a string of "
                    + (tooManyChars ? "at least " : "") + bytes + " UTF-8 bytes; the limit is " + MAX_STRING_BYTES);
        }
    }

    private static String checkedId(String id) throws InvalidObjectException {
        try {
            int nul = id == null ? -1 : id.indexOf('\u0000');
            if (nul > 0 && id.substring(nul + 1).matches("[0-9]{1,9}")) {
                // the tombstone of a deleted video's segment node (see HnswItem#segmented): its owner must be an id
                Ids.check(id.substring(0, nul));
                return id;
            }
            return Ids.check(id);
        } catch (InvalidInputException e) {
            throw invalid("invalid item id: " + e.getMessage(), e);
        }
    }

    private static void writeValue(Object value, ObjectOutput out) throws IOException {
        if (value instanceof String) {
            out.writeByte(STRING);
            writeString((String) value, out);
        } else if (value instanceof Boolean) {
            out.writeByte((Boolean) value ? TRUE : FALSE);
        } else if (value instanceof Long) {
            out.writeByte(LONG);
            out.writeLong((Long) value);
        } else if (value instanceof Double) {
            out.writeByte(DOUBLE);
            out.writeDouble((Double) value);
        } else if (value instanceof List) {
            List<?> list = (List<?>) value;
            out.writeByte(LIST);
            out.writeInt(list.size());
            for (Object element : list) {
                writeValue(element, out);
            }
        } else {
            // Metadata.copyOf admits only the types above, and every item's metadata went through it.
            throw new IllegalStateException("unexpected metadata value type " + value.getClass().getName());
        }
    }

    private static Object readValue(ObjectInput in, boolean allowList) throws IOException {
        byte tag = in.readByte();
        switch (tag) {
            case STRING:
                return readString(in);
            case FALSE:
                return Boolean.FALSE;
            case TRUE:
                return Boolean.TRUE;
            case LONG:
                return in.readLong();
            case DOUBLE:
                return in.readDouble();
            case LIST:
                if (!allowList) {
                    throw new InvalidObjectException("metadata list inside a list");
                }
                int size = readLength(in, MAX_LIST_ELEMENTS, "metadata list size");
                List<Object> list = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    list.add(readValue(in, false));
                }
                return list;
            default:
                throw new InvalidObjectException("unknown metadata value tag " + tag);
        }
    }

    private static void writeString(String s, ObjectOutput out) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(ObjectInput in) throws IOException {
        byte[] bytes = new byte[readLength(in, MAX_STRING_BYTES, "string length")];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int readLength(ObjectInput in, int limit, String what) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > limit) {
            throw new InvalidObjectException(what + " is " + length + "; expected 0 to " + limit);
        }
        return length;
    }

    private static InvalidObjectException invalid(String message, Exception cause) {
        InvalidObjectException e = new InvalidObjectException(message);
        e.initCause(cause);
        return e;
    }
}
