package dev.mmrag.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link KeywordIndex} holds for one item: named text fields to search, and the item's metadata to
 * filter on.
 *
 * <p>Thread-safety: immutable.
 *
 * @param id the item id, see {@link Ids#check(String)}
 * @param fields field name (a metadata key, see {@link Metadata}) to text; copied, order kept; may be empty (the
 *     item then exists but no word finds it)
 * @param metadata the item's metadata, see {@link Metadata}; copied and normalised; null means empty
 */
public record KeywordDocument(String id, Map<String, String> fields, Map<String, Object> metadata) {

    /** The longest text a field may hold, in characters (4 Mi). */
    public static final int MAX_FIELD_LENGTH = 4 << 20;

    /** Validates and copies. */
    public KeywordDocument {
        Ids.check(id);
        Map<String, String> copy = new LinkedHashMap<>();
        if (fields != null) {
            for (Map.Entry<String, String> field : fields.entrySet()) {
                String name = Metadata.checkKey(field.getKey());
                String text = field.getValue();
                if (text == null) {
                    throw new InvalidInputException("keyword document '" + id + "' has a null text in field '"
                            + name + "'");
                }
                if (text.length() > MAX_FIELD_LENGTH) {
                    throw new InvalidInputException("keyword document '" + id + "' field '" + name + "' holds "
                            + text.length() + " characters; at most " + MAX_FIELD_LENGTH + " are allowed");
                }
                copy.put(name, text);
            }
        }
        fields = Collections.unmodifiableMap(copy);
        metadata = Metadata.copyOf(metadata);
    }
}
