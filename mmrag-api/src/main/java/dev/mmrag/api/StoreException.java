package dev.mmrag.api;

/**
 * A vector store failed for a reason other than bad input: an I/O error, a file that is corrupt or of
 * an unknown version, an unreachable or failing remote cluster.
 *
 * <p>Thread-safety: effectively immutable.
 */
public class StoreException extends MmragException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the offending value and what was expected */
    public StoreException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the offending value and what was expected
     * @param cause the underlying exception, kept for diagnosis
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
