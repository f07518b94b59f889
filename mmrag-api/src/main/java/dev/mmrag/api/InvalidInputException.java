package dev.mmrag.api;

/**
 * The caller passed input that cannot be used: a blank id, an empty item, a vector of the wrong
 * dimension or with NaN, an unknown metadata type, a filter on an unknown key, a corrupt or oversized image.
 * The message names the value and what was expected.
 *
 * <p>Thread-safety: effectively immutable.
 */
public class InvalidInputException extends MmragException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the offending value and what was expected */
    public InvalidInputException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the offending value and what was expected
     * @param cause the underlying exception, kept for diagnosis
     */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
