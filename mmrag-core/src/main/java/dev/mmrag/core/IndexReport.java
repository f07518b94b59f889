package dev.mmrag.core;

import dev.mmrag.api.ItemFailure;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of {@link MultimodalRag#index(List)}: how many items were indexed, each item that failed and why,
 * and warnings about items indexed with a change (such as truncated text).
 *
 * <p>Thread-safety: immutable.
 *
 * @param total how many items were given
 * @param indexed how many were stored; an id given more than once is stored each time, the later replacing the
 *     earlier, so the store may hold fewer items (a warning names each such id)
 * @param failures the items that were not stored, and why; copied
 * @param warnings notes on stored items, each naming its item, such as an id given more than once; copied
 * @param elapsed how long the run took
 */
public record IndexReport(int total, int indexed, List<ItemFailure> failures, List<String> warnings, Duration elapsed) {

    /** Validates and copies the fields. */
    public IndexReport {
        failures = List.copyOf(failures);
        warnings = List.copyOf(warnings);
        if (indexed + failures.size() != total) {
            throw new IllegalArgumentException("indexed " + indexed + " + failed " + failures.size() + " != total " + total);
        }
    }

    /** @return whether any item failed */
    public boolean hasFailures() {
        return !failures.isEmpty();
    }

    @Override
    public String toString() {
        return "indexed " + indexed + " of " + total + " items in " + elapsed.toMillis() + " ms"
                + (failures.isEmpty() ? "" : ", " + failures.size() + " failed (first: " + failures.get(0) + ")")
                + (warnings.isEmpty() ? "" : ", " + warnings.size() + " warnings");
    }
}
