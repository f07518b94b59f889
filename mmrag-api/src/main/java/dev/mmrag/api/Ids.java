package dev.mmrag.api;

/**
 * The rule for item ids, shared by items, records and stores: not blank, at most {@value #MAX_LENGTH}
 * characters, no control characters (so that every store, including remote ones, can use the id as is).
 *
 * <p>Thread-safety: stateless.
 */
public final class Ids {

    /** The longest id allowed, in characters. */
    public static final int MAX_LENGTH = 512;

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
        if (id.length() > MAX_LENGTH) {
            throw new InvalidInputException("id of " + id.length() + " characters is longer than the limit of "
                    + MAX_LENGTH + " (starts \"" + id.substring(0, 40) + "\")");
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
