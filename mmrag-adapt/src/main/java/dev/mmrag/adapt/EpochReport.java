package dev.mmrag.adapt;

/**
 * What one epoch of training did.
 *
 * <p>Thread-safety: immutable.
 *
 * @param epoch the epoch, from 1
 * @param maxEpochs the most epochs the run may take
 * @param loss the mean symmetric InfoNCE loss of its mini-batches
 * @param heldOut the held-out figures after it
 * @param best whether these are the best held-out figures so far (the parameters kept)
 */
public record EpochReport(int epoch, int maxEpochs, double loss, HeldOutRecall heldOut, boolean best) {
}
