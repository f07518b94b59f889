package dev.mmrag.core.io;

import dev.mmrag.api.MmragException;

/**
 * A file is not what it should be: not a regular file, of another format or format version, truncated or damaged.
 * The message names the file and what is wrong with it. {@link FramedFile#read} throws it; modules translate it to
 * their own exception at their boundary (a store to a {@code StoreException}).
 *
 * <p>Thread-safety: effectively immutable.
 */
public class FileFormatException extends MmragException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the file */
    public FileFormatException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the file
     * @param cause the underlying exception, kept for diagnosis
     */
    public FileFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
