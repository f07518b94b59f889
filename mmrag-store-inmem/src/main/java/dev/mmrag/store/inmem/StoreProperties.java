package dev.mmrag.store.inmem;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metadata;
import dev.mmrag.api.Unicode;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rule for a store's properties ({@link HnswVectorStore.Builder#properties(Map)}): at most
 * {@value #MAX_PROPERTIES} of them; keys like metadata keys ({@value Metadata#KEY_PATTERN_TEXT}, at most
 * {@value #MAX_KEY_BYTES} characters); values any well-formed Unicode text of at most {@value #MAX_VALUE_BYTES}
 * UTF-8 bytes. Builders and file reading both check with it, so a store never holds a property its file could not
 * give back.
 *
 * <p>Thread-safety: stateless.
 */
final class StoreProperties {

    /** The most properties a store can have. */
    static final int MAX_PROPERTIES = 64;
    /** The longest property key, in characters (ASCII, so also in UTF-8 bytes). */
    static final int MAX_KEY_BYTES = 128;
    /** The longest property value, in UTF-8 bytes. */
    static final int MAX_VALUE_BYTES = 1 << 16;

    private static final Pattern KEY = Pattern.compile(Metadata.KEY_PATTERN_TEXT);

    private StoreProperties() {
    }

    /**
     * @param properties the properties; null means none
     * @return an immutable copy sorted by key
     * @throws InvalidInputException naming the first key or value that breaks the rule, or the count
     */
    static SortedMap<String, String> copyOf(Map<String, String> properties) {
        if (properties == null || properties.isEmpty()) {
            return Collections.emptySortedMap();
        }
        if (properties.size() > MAX_PROPERTIES) {
            throw new InvalidInputException(properties.size() + " properties are more than the limit of "
                    + MAX_PROPERTIES);
        }
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> property : properties.entrySet()) {
            String key = property.getKey();
            if (key == null || key.length() > MAX_KEY_BYTES || !KEY.matcher(key).matches()) {
                throw new InvalidInputException("property key " + (key == null ? "null" : "'" + key + "'")
                        + " is not allowed; keys match " + Metadata.KEY_PATTERN_TEXT + " and have at most "
                        + MAX_KEY_BYTES + " characters");
            }
            String value = property.getValue();
            if (value == null) {
                throw new InvalidInputException("property '" + key + "' has a null value; leave the key out instead");
            }
            Unicode.requireWellFormed(value, "the value of property '" + key + "'");
            int bytes = value.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_VALUE_BYTES) {
                throw new InvalidInputException("the value of property '" + key + "' has " + bytes
                        + " UTF-8 bytes; the limit is " + MAX_VALUE_BYTES);
            }
            copy.put(key, value);
        }
        return Collections.unmodifiableSortedMap(copy);
    }
}
