package dev.mmrag.api;

/**
 * Text to embed or to ask about.
 *
 * <p>Thread-safety: immutable.
 *
 * @param text the text; must not be null or blank
 */
public record TextContent(String text) implements Content {

    private static final int DESCRIBE_LIMIT = 60;

    /** Validates the text. */
    public TextContent {
        if (text == null) {
            throw new InvalidInputException("text content must not be null");
        }
        if (text.isBlank()) {
            throw new InvalidInputException("text content must not be blank (got \"" + text + "\")");
        }
    }

    @Override
    public Modality modality() {
        return Modality.TEXT;
    }

    @Override
    public String describe() {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return "text \"" + (oneLine.length() <= DESCRIBE_LIMIT ? oneLine : oneLine.substring(0, DESCRIBE_LIMIT) + "...")
                + "\"";
    }
}
