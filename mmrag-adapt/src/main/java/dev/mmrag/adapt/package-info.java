/**
 * Contrastive adaptation: a small linear adapter ({@link dev.mmrag.adapt.LinearAdapter}, {@code W = I + dW}) trained
 * in Java on a user's own pairs and catalogue ({@link dev.mmrag.adapt.ContrastiveTrainer}, symmetric InfoNCE), saved
 * in a checked file ({@link dev.mmrag.adapt.AdapterFile}) and applied to any encoder through
 * {@link dev.mmrag.adapt.AdaptedEncoder}.
 */
package dev.mmrag.adapt;
