package dev.mmrag.api;

import java.util.List;

/**
 * The outcome of a batch write: how many items were attempted and which of them failed. The items that are
 * not listed as failures were written.
 *
 * <p>Thread-safety: immutable.
 *
 * @param attempted how many items the batch had
 * @param failures the items that failed; copied
 */
public record BatchResult(int attempted, List<ItemFailure> failures) {

    /** Validates and copies the fields. */
    public BatchResult {
        failures = List.copyOf(failures);
        if (attempted < failures.size()) {
            throw new IllegalArgumentException("attempted " + attempted + " < failures " + failures.size());
        }
    }

    /**
     * @param attempted how many items the batch had
     * @return a result without failures
     */
    public static BatchResult ok(int attempted) {
        return new BatchResult(attempted, List.of());
    }

    /** @return how many items were written */
    public int succeeded() {
        return attempted - failures.size();
    }

    /** @return whether any item failed */
    public boolean hasFailures() {
        return !failures.isEmpty();
    }

    /**
     * Throws when any item failed: an {@link InvalidInputException} when every failure was caused by bad
     * input, a {@link StoreException} otherwise. The message names the first failure and the count.
     *
     * @return this result, when nothing failed
     */
    public BatchResult throwIfFailed() {
        if (failures.isEmpty()) {
            return this;
        }
        ItemFailure first = failures.get(0);
        String message = failures.size() == 1 ? first.toString()
                : failures.size() + " of " + attempted + " items failed; first: " + first;
        boolean allInput = failures.stream().allMatch(f -> f.cause() instanceof InvalidInputException);
        if (allInput) {
            throw new InvalidInputException(message, first.cause());
        }
        throw new StoreException(message, first.cause());
    }
}
