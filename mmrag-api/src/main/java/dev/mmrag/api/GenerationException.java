package dev.mmrag.api;

/**
 * A generator (a language model back end) failed: the provider answered with an error, timed out,
 * or returned something that could not be used. The message names the provider and status, never an API key.
 *
 * <p>Thread-safety: effectively immutable.
 */
public class GenerationException extends MmragException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the offending value and what was expected */
    public GenerationException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the offending value and what was expected
     * @param cause the underlying exception, kept for diagnosis
     */
    public GenerationException(String message, Throwable cause) {
        super(message, cause);
    }
}
