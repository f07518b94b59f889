package dev.mmrag.api;

/**
 * An encoder failed on input that was valid: the model runtime raised an error, or a model produced
 * output of an unexpected shape. Problems with the input itself are {@link InvalidInputException}s.
 *
 * <p>Thread-safety: effectively immutable.
 */
public class EncodingException extends MmragException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the offending value and what was expected */
    public EncodingException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the offending value and what was expected
     * @param cause the underlying exception, kept for diagnosis
     */
    public EncodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
