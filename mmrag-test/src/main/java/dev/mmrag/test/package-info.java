/**
 * What every adapter's tests build on: the contract suites ({@link dev.mmrag.test.VectorStoreContract},
 * {@link dev.mmrag.test.EncoderContract}) that hold implementations of a port to the same behaviour, the
 * architecture rules each module checks, and deterministic test encoders and data.
 */
package dev.mmrag.test;
