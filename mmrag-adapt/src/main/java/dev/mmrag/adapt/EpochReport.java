package dev.mmrag.adapt;

/**
 * What one epoch of training did.
 *
 * <p>Thread-safety: immutable.
 *
 * @param epoch the epoch, from 1
 * @param maxEpochs the most epochs the run may take
 * @param loss the mean symmetric InfoNCE loss of its mini-batches
 * @param heldOut the held-out figures of the map as it stands after it (alpha 1)
 * @param best whether this epoch gave a new best candidate (at one of the alphas tried): its parameters are kept
 */
public record EpochReport(int epoch, int maxEpochs, double loss, HeldOutRecall heldOut, boolean best) {
}
