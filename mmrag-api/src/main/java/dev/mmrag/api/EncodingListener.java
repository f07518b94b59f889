package dev.mmrag.api;

/**
 * Receives warnings from an {@link Encoder} about inputs it encoded, but not exactly as given (a text
 * truncated to the model's token limit, for example). Warnings are not errors: the vector was produced.
 *
 * <p>Thread-safety: an encoder calls the listener on the thread that called {@code encode}.
 */
@FunctionalInterface
public interface EncodingListener {

    /** A listener that ignores every warning. */
    EncodingListener NONE = (index, content, message) -> { };

    /**
     * @param index the content's position in the batch
     * @param content the content
     * @param message what was changed, for example "text truncated from 130 to 77 tokens"
     */
    void onWarning(int index, Content content, String message);
}
