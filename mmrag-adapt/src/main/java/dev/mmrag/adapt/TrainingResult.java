package dev.mmrag.adapt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a training run: the adapter (the best epoch's parameters, at the chosen alpha) and the held-out
 * figures before (base model) and after.
 *
 * <p>Thread-safety: immutable.
 *
 * @param adapter the trained adapter
 * @param before the held-out figures of the base model (identity adapter)
 * @param after the held-out figures of {@code adapter}
 * @param bestEpoch the epoch whose parameters were kept (0: none beat the base model; the adapter is then the
 *     identity)
 * @param epochsRun how many epochs ran
 * @param stoppedEarly whether the run stopped before {@link TrainerConfig#maxEpochs()} for lack of progress
 * @param history one report per epoch
 * @param elapsed the training time (vectors only; encoding is not included)
 */
public record TrainingResult(LinearAdapter adapter, HeldOutRecall before, HeldOutRecall after, int bestEpoch,
        int epochsRun, boolean stoppedEarly, List<EpochReport> history, Duration elapsed) {

    /** Copies. */
    public TrainingResult {
        history = List.copyOf(history);
    }

    /** @return whether the adapter lowers held-out recall@1 or recall@5 below the base model's */
    public boolean lowersRecall() {
        return after.recall1() < before.recall1() || after.recall5() < before.recall5();
    }

    /** @return a sentence saying which held-out figures dropped, or that none did */
    public String verdict() {
        if (!lowersRecall()) {
            return String.format(Locale.ROOT, "held-out recall@1 %.3f -> %.3f, recall@5 %.3f -> %.3f: no loss",
                    before.recall1(), after.recall1(), before.recall5(), after.recall5());
        }
        return String.format(Locale.ROOT, "the adapter lowers held-out %s (recall@1 %.3f -> %.3f, recall@5 %.3f -> %.3f)",
                after.recall1() < before.recall1() && after.recall5() < before.recall5() ? "recall@1 and recall@5"
                        : after.recall1() < before.recall1() ? "recall@1" : "recall@5",
                before.recall1(), after.recall1(), before.recall5(), after.recall5());
    }

    /**
     * Writes the adapter ({@link AdapterFile#write}), unless it lowers held-out recall@1 or recall@5 and
     * {@code force} is false.
     *
     * @param file the adapter file
     * @param force write even an adapter that lowers held-out recall
     * @throws AdapterRejectedException when the adapter lowers recall and {@code force} is false; nothing is
     *     written then
     */
    public void save(Path file, boolean force) {
        if (lowersRecall() && !force) {
            throw new AdapterRejectedException(verdict() + "; not written to " + file
                    + " (force it to write it anyway)");
        }
        AdapterFile.write(file, adapter);
    }
}
