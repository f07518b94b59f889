package dev.mmrag.api;

/**
 * One item of a batch that failed, and why. Batch operations report these instead of aborting the batch.
 *
 * <p>Thread-safety: immutable.
 *
 * @param id the item's id, or null when the item had no usable id
 * @param index the item's position in the batch
 * @param message why it failed, naming the offending value
 * @param cause the exception, or null
 */
public record ItemFailure(String id, int index, String message, Throwable cause) {

    /** Validates the fields. */
    public ItemFailure {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, got " + index);
        }
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("an item failure needs a message");
        }
    }

    /**
     * @param id the item's id, or null
     * @param index the item's position in the batch
     * @param cause the exception; its message becomes the failure's message
     * @return the failure
     */
    public static ItemFailure of(String id, int index, Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ItemFailure(id, index, message, cause);
    }

    @Override
    public String toString() {
        return "item " + (id == null ? "#" + index : "'" + id + "'") + ": " + message;
    }
}
