package dev.mmrag.store.elasticsearch;

import co.elastic.clients.json.JsonpDeserializer;
import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.json.JsonpSerializable;
import dev.mmrag.api.Metadata;
import dev.mmrag.api.StoreException;
import dev.mmrag.api.VectorRecord;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a {@link VectorRecord} is laid out in an Elasticsearch document, both ways.
 *
 * <pre>
 * {
 *   "vector":   [0.12, -0.5, ...],                         dense_vector
 *   "metadata": {"name": "Red Hat", "size.eu": 42, ...},   the metadata as given, not indexed (returned as is)
 *   "mk": {"name": true, "size~eu": true},                 every key, so that the mapping lists every key ever written
 *   "ms": {"name": ["Red Hat"]},                           string values (keyword)
 *   "mb": {...},                                           boolean values (boolean)
 *   "ml": {"size~eu": [42]},                               integral values (long), for exact equality
 *   "md": {...},                                           floating-point values (double), for exact equality
 *   "mn": {"size~eu": [42.0]},                             every number as a double, for ranges and equality by value
 *   "mt": {"name": "Red Hat", "brand": "Meadowlark"}       keyword fields (text, mmrag_text analyzer), written by
 *                                                          the store's keywordIndex() after the vector
 * }
 * </pre>
 *
 * Metadata keys may contain dots, which Elasticsearch reads as object paths; field names therefore carry a key with
 * each {@code .} replaced by {@code ~}, a character keys cannot contain (see {@link Metadata#KEY_PATTERN_TEXT}), so the
 * mapping is one to one. Values are split by type so that one key may hold strings for some items and numbers for
 * others, as the in-process stores allow, and a list value is indexed as a multi-valued field (which matches a term
 * when any element does, the semantics of {@link dev.mmrag.api.Filter}).
 *
 * <p>Thread-safety: stateless.
 */
final class Documents {

    static final String VECTOR = "vector";
    static final String METADATA = "metadata";
    static final String KEYS = "mk";
    static final String STRINGS = "ms";
    static final String BOOLEANS = "mb";
    static final String LONGS = "ml";
    static final String DOUBLES = "md";
    static final String NUMBERS = "mn";
    /** The object holding an item's keyword fields ({@code mt.name}, ...), analysed as text. */
    static final String TEXT = "mt";

    /** The longest string Elasticsearch indexes as a keyword: Lucene's term limit of 32766 bytes, 4 per char. */
    static final int MAX_INDEXED_STRING = 8191;

    /**
     * Reads a document's {@code _source} (or the part of it that was fetched) into plain Java values: objects as maps,
     * arrays as lists, strings, booleans, and each number by its text: a {@link Double} when it has a {@code .},
     * {@code e} or {@code E}, else a {@link Long} (a {@code BigInteger} beyond a long, which mmrag never writes).
     * Whole and floating-point numbers are thus told apart as they were written, even when Elasticsearch prints a
     * filtered source anew (a Double {@code 12345678.0} comes back as {@code 1.2345678E7}). The client's own JSON
     * values cannot tell: they hold that number as a {@code BigDecimal} equal to the whole number {@code 12345678}.
     */
    static final JsonpDeserializer<Map<String, Object>> SOURCE = JsonpDeserializer.of(
            EnumSet.of(Event.START_OBJECT), (parser, mapper, event) -> readObject(parser));

    private Documents() {
    }

    /**
     * @param key a metadata key
     * @return its name inside the typed objects ({@code ms}, {@code mn}, ...): the key without dots
     */
    static String fieldName(String key) {
        return key.replace('.', '~');
    }

    /**
     * @param fieldName a field name made by {@link #fieldName(String)}
     * @return the metadata key
     */
    static String keyOf(String fieldName) {
        return fieldName.replace('~', '.');
    }

    /**
     * @param group one of the typed objects ({@link #STRINGS}, {@link #NUMBERS}, ...)
     * @param key a metadata key
     * @return the full field path, such as {@code mn.size~eu}
     */
    static String field(String group, String key) {
        return group + "." + fieldName(key);
    }

    /**
     * @param record a record, already validated
     * @return the document to index for it
     */
    static JsonpSerializable document(VectorRecord record) {
        return new Document(record.vector(), record.metadata());
    }

    private static Map<String, Object> readObject(JsonParser parser) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (Event event = parser.next(); event != Event.END_OBJECT; event = parser.next()) {
            String name = parser.getString();
            object.put(name, read(parser, parser.next()));
        }
        return object;
    }

    private static Object read(JsonParser parser, Event event) {
        switch (event) {
            case START_OBJECT:
                return readObject(parser);
            case START_ARRAY: {
                List<Object> array = new ArrayList<>();
                for (Event element = parser.next(); element != Event.END_ARRAY; element = parser.next()) {
                    array.add(read(parser, element));
                }
                return array;
            }
            case VALUE_STRING:
                return parser.getString();
            case VALUE_NUMBER:
                return number(parser.getString());
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IllegalStateException("unexpected JSON event " + event);
        }
    }

    /** @return a JSON number's text as a Double, a Long, or (for a whole number beyond a long) a BigInteger */
    private static Object number(String text) {
        if (text.indexOf('.') >= 0 || text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
            return Double.parseDouble(text);
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return new BigInteger(text);
        }
    }

    /**
     * Reads a record's metadata back from a document's source.
     *
     * @param id the document id
     * @param source the source read by {@link #SOURCE}, holding {@link #METADATA}
     * @return the metadata, normalised as {@link Metadata#copyOf(Map)} does
     */
    static Map<String, Object> metadataOf(String id, Map<String, Object> source) {
        Object metadata = source.get(METADATA);
        if (metadata == null) {
            return Map.of();
        }
        if (!(metadata instanceof Map)) {
            throw new StoreException("document '" + id + "' has a '" + METADATA + "' field that is not an object;"
                    + " the index holds documents mmrag did not write");
        }
        @SuppressWarnings("unchecked") // SOURCE reads objects as maps with string keys
        Map<String, Object> values = (Map<String, Object>) metadata;
        values.forEach((key, value) -> checkValue(id, key, value));
        return Metadata.copyOf(values);
    }

    /**
     * @param id the document id
     * @param source the source read by {@link #SOURCE}, holding {@link #VECTOR}
     * @return the stored vector
     */
    static float[] vectorOf(String id, Map<String, Object> source) {
        Object value = source.get(VECTOR);
        if (!(value instanceof List)) {
            throw new StoreException("document '" + id + "' has no '" + VECTOR + "' array;"
                    + " the index holds documents mmrag did not write");
        }
        List<?> components = (List<?>) value;
        float[] vector = new float[components.size()];
        for (int i = 0; i < vector.length; i++) {
            Object component = components.get(i);
            if (!(component instanceof Number)) {
                throw new StoreException("document '" + id + "' has a '" + VECTOR + "' array holding " + component
                        + "; the index holds documents mmrag did not write");
            }
            vector[i] = (float) ((Number) component).doubleValue();
        }
        return vector;
    }

    private static void checkValue(String id, String key, Object value) {
        if (value instanceof List) {
            for (Object element : (List<?>) value) {
                checkValue(id, key, element);
            }
        } else if (!(value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof Double)) {
            throw new StoreException("document '" + id + "' has metadata key '" + key + "' holding "
                    + (value instanceof Map ? "an object" : value) + "; expected a string, boolean, number that fits"
                    + " a long, or an array of those");
        }
    }

    /** Writes one record's document straight to the request body. */
    private static final class Document implements JsonpSerializable {
        private final float[] vector;
        private final Map<String, Object> metadata;

        Document(float[] vector, Map<String, Object> metadata) {
            this.vector = vector;
            this.metadata = metadata;
        }

        @Override
        public void serialize(JsonGenerator generator, JsonpMapper mapper) {
            generator.writeStartObject();
            generator.writeStartArray(VECTOR);
            for (float component : vector) {
                // The shortest decimal that reads back as the same float, not the float widened to a double.
                generator.write(new BigDecimal(Float.toString(component)));
            }
            generator.writeEnd();

            generator.writeStartObject(METADATA);
            for (Map.Entry<String, Object> entry : metadata.entrySet()) {
                writeValue(generator, entry.getKey(), entry.getValue());
            }
            generator.writeEnd();

            generator.writeStartObject(KEYS);
            for (String key : metadata.keySet()) {
                generator.write(fieldName(key), true);
            }
            generator.writeEnd();

            writeGroup(generator, STRINGS, v -> v instanceof String);
            writeGroup(generator, BOOLEANS, v -> v instanceof Boolean);
            writeGroup(generator, LONGS, v -> v instanceof Long);
            writeGroup(generator, DOUBLES, v -> v instanceof Double);
            writeGroup(generator, NUMBERS, v -> v instanceof Number);
            generator.writeEnd();
        }

        private static void writeValue(JsonGenerator generator, String key, Object value) {
            if (value instanceof List) {
                generator.writeStartArray(key);
                for (Object element : (List<?>) value) {
                    writeScalar(generator, element);
                }
                generator.writeEnd();
            } else {
                generator.writeKey(key);
                writeScalar(generator, value);
            }
        }

        private static void writeScalar(JsonGenerator generator, Object value) {
            if (value instanceof String) {
                generator.write((String) value);
            } else if (value instanceof Boolean) {
                generator.write((Boolean) value);
            } else if (value instanceof Long) {
                generator.write((Long) value);
            } else {
                // A Double is written with a fraction or exponent ("2.0", "1.0E20"), so it reads back as a Double.
                generator.write((Double) value);
            }
        }

        /** Writes {@code group: {field: [values of the kind]}} for every key that has values of that kind. */
        private void writeGroup(JsonGenerator generator, String group, java.util.function.Predicate<Object> kind) {
            generator.writeStartObject(group);
            for (Map.Entry<String, Object> entry : metadata.entrySet()) {
                List<Object> values = new ArrayList<>();
                Object value = entry.getValue();
                for (Object element : value instanceof List ? (List<?>) value : List.of(value)) {
                    if (kind.test(element)) {
                        values.add(element);
                    }
                }
                if (values.isEmpty()) {
                    continue;
                }
                generator.writeStartArray(fieldName(entry.getKey()));
                for (Object element : values) {
                    if (group.equals(NUMBERS)) {
                        generator.write(((Number) element).doubleValue());
                    } else {
                        writeScalar(generator, element);
                    }
                }
                generator.writeEnd();
            }
            generator.writeEnd();
        }
    }
}
