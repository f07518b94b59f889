package dev.mmrag.adapt;

import dev.mmrag.api.MmragException;

/**
 * Thrown instead of writing an adapter that lowers held-out recall@1 or recall@5 (see
 * {@link TrainingResult#save(java.nio.file.Path, boolean)}); pass {@code force} to write it anyway.
 *
 * <p>Thread-safety: immutable.
 */
public class AdapterRejectedException extends MmragException {
    private static final long serialVersionUID = 1L;

    /** @param message which figure dropped, from what to what */
    public AdapterRejectedException(String message) {
        super(message);
    }
}
