package dev.mmrag.api;

/**
 * The root of every exception mmrag throws. It is unchecked: callers catch the subtype they can act on.
 *
 * <ul>
 *   <li>{@link InvalidInputException}: the caller passed something unusable (a blank id, a vector of the wrong
 *       dimension, a corrupt image). Fix the input.</li>
 *   <li>{@link UnsupportedModalityException}: an encoder was given content of a kind it cannot embed.</li>
 *   <li>{@link EncodingException}: an encoder failed on valid input (the model runtime failed).</li>
 *   <li>{@link StoreException}: a vector store failed (I/O, a remote cluster, a corrupt file).</li>
 *   <li>{@link GenerationException}: a language model back end failed.</li>
 * </ul>
 *
 * <p>Adapters translate vendor exceptions into these at the boundary and keep the original as the cause.
 * Messages name the offending value and what was expected, and never contain secrets such as API keys.
 *
 * <p>Thread-safety: exceptions are not shared between threads by mmrag; instances are effectively immutable.
 */
public class MmragException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the offending value and what was expected */
    public MmragException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the offending value and what was expected
     * @param cause the underlying exception, kept for diagnosis
     */
    public MmragException(String message, Throwable cause) {
        super(message, cause);
    }
}
