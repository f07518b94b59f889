package dev.mmrag.api;

import java.nio.charset.StandardCharsets;

/**
 * The rule for item ids, shared by items, records and stores: not blank, well-formed Unicode (no lone UTF-16
 * surrogate, which UTF-8 cannot encode: see {@link Unicode}), at most {@value #MAX_UTF8_BYTES} bytes in UTF-8, no
 * control characters (so that every store, including Elasticsearch, whose limit this is, can use the id as is, and
 * a saved index gives every id back unchanged).
 *
 * <p>Thread-safety: stateless.
 */
public final class Ids {

    /** The longest id allowed, in bytes of its UTF-8 encoding. */
    public static final int MAX_UTF8_BYTES = 512;

    private Ids() {
    }

    /**
     * @param id an item id
     * @return the id, unchanged
     * @throws InvalidInputException naming the id when it breaks the rule
     */
    public static String check(String id) {
        if (id == null) {
            throw new InvalidInputException("id must not be null");
        }
        if (id.isBlank()) {
            throw new InvalidInputException("id must not be blank (got \"" + id + "\")");
        }
        Unicode.requireWellFormed(id, "id");
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_UTF8_BYTES) {
            throw new InvalidInputException("id of " + bytes + " UTF-8 bytes is longer than the limit of "
                    + MAX_UTF8_BYTES + " (starts \"" + id.substring(0, Math.min(40, id.length())) + "\")");
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                throw new InvalidInputException("id \"" + id.replaceAll("\\p{Cntrl}", "?")
                        + "\" contains a control character at index " + i);
            }
        }
        return id;
    }
}
