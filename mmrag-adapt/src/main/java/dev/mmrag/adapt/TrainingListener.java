package dev.mmrag.adapt;

/**
 * Follows a training run (for a progress bar).
 *
 * <p>Thread-safety: the trainer calls it on the thread that called {@link ContrastiveTrainer#train}.
 */
@FunctionalInterface
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = report -> { };

    /** @param report what the epoch that just ended did */
    void onEpoch(EpochReport report);
}
