package dev.mmrag.api;

/**
 * The rule that text mmrag stores is well-formed Unicode: a Java string may hold a lone UTF-16 surrogate (half of a
 * pair, {@code U+D800} to {@code U+DFFF}), which no UTF-8 text can hold. Encoding one to UTF-8 (a saved index, a JSON
 * request to Elasticsearch) silently turns it into {@code ?}: two ids would become one, an id would change, and a
 * saved index would no longer load. {@link Ids#check(String)} and {@link Metadata} refuse such text with this class,
 * so every store refuses it before anything is stored.
 *
 * <p>Thread-safety: stateless.
 */
public final class Unicode {

    private Unicode() {
    }

    /**
     * @param text any string
     * @return the index of the first char of {@code text} that is a lone surrogate, or -1 when the text is
     *     well-formed (every high surrogate is followed by a low one, and every low one follows a high one)
     */
    public static int loneSurrogateIndex(String text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param text the text to check
     * @param what what the text is, for the message, e.g. {@code "id"} or {@code "metadata key 'name'"}
     * @return the text, unchanged
     * @throws InvalidInputException naming what it is, the index and the surrogate, with the text quoted (its lone
     *     surrogates written as {@code \\uXXXX}) when the text holds a lone surrogate, e.g. {@code id is not
     *     well-formed Unicode: "sku-\\uD800" holds a lone UTF-16 surrogate \\uD800 at index 4, which UTF-8 cannot
     *     encode}
     */
    public static String requireWellFormed(String text, String what) {
        int index = loneSurrogateIndex(text);
        if (index >= 0) {
            throw new InvalidInputException(what + " is not well-formed Unicode: " + problem(text, index));
        }
        return text;
    }

    /** What is wrong with a text whose char at {@code index} is a lone surrogate, quoting the text. */
    static String problem(String text, int index) {
        return String.format("\"%s\" holds a lone UTF-16 surrogate \\u%04X at index %d, which UTF-8 cannot encode",
                escaped(text), (int) text.charAt(index), index);
    }

    /** The text shortened to 80 chars, with its lone surrogates written as {@code \\uXXXX}. */
    private static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        int end = Math.min(text.length(), 80);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return end < text.length() ? out.append("...").toString() : out.toString();
    }
}
