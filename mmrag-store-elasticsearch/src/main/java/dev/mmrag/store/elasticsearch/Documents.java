package dev.mmrag.store.elasticsearch;

import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.json.JsonpSerializable;
import dev.mmrag.api.Metadata;
import dev.mmrag.api.StoreException;
import dev.mmrag.api.VectorRecord;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;
import java.math.BigDecimal;
import java.util.ArrayList;
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
 *   "mn": {"size~eu": [42.0]}                              every number as a double, for ranges and equality by value
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

    /** The longest string Elasticsearch indexes as a keyword: Lucene's term limit of 32766 bytes, 4 per char. */
    static final int MAX_INDEXED_STRING = 8191;

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

    /**
     * Reads a record back from a document's {@code _source} (or the part of it that was fetched).
     *
     * @param id the document id
     * @param source the source, holding {@link #METADATA} and, when fetched, {@link #VECTOR}
     * @return the metadata, normalised as {@link Metadata#copyOf(Map)} does
     */
    static Map<String, Object> metadataOf(String id, JsonObject source) {
        JsonValue metadata = source.get(METADATA);
        if (metadata == null) {
            return Map.of();
        }
        if (metadata.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new StoreException("document '" + id + "' has a '" + METADATA + "' field that is not an object;"
                    + " the index holds documents mmrag did not write");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> entry : metadata.asJsonObject().entrySet()) {
            values.put(entry.getKey(), value(id, entry.getKey(), entry.getValue()));
        }
        return Metadata.copyOf(values);
    }

    /**
     * @param id the document id
     * @param source the source, holding {@link #VECTOR}
     * @return the stored vector
     */
    static float[] vectorOf(String id, JsonObject source) {
        JsonValue value = source.get(VECTOR);
        if (value == null || value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new StoreException("document '" + id + "' has no '" + VECTOR + "' array;"
                    + " the index holds documents mmrag did not write");
        }
        JsonArray array = value.asJsonArray();
        float[] vector = new float[array.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) array.getJsonNumber(i).doubleValue();
        }
        return vector;
    }

    private static Object value(String id, String key, JsonValue value) {
        switch (value.getValueType()) {
            case STRING:
                return ((JsonString) value).getString();
            case TRUE:
                return Boolean.TRUE;
            case FALSE:
                return Boolean.FALSE;
            case NUMBER: {
                // Integral numbers were written without a fraction (Long), floating-point ones with one (Double).
                JsonNumber number = (JsonNumber) value;
                return number.isIntegral() ? (Object) number.longValueExact() : (Object) number.doubleValue();
            }
            case ARRAY: {
                List<Object> list = new ArrayList<>();
                for (JsonValue element : value.asJsonArray()) {
                    list.add(value(id, key, element));
                }
                return list;
            }
            default:
                throw new StoreException("document '" + id + "' has metadata key '" + key + "' of JSON type "
                        + value.getValueType() + "; expected a string, boolean, number or array");
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
