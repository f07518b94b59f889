package dev.mmrag.api;

/**
 * An encoder was given content of a modality it does not support (see {@link Encoder#modalities()}).
 * Encoders throw this instead of silently returning nothing.
 *
 * <p>Thread-safety: effectively immutable.
 */
public class UnsupportedModalityException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the offending value and what was expected */
    public UnsupportedModalityException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the offending value and what was expected
     * @param cause the underlying exception, kept for diagnosis
     */
    public UnsupportedModalityException(String message, Throwable cause) {
        super(message, cause);
    }
}
