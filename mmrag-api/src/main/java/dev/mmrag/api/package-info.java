/**
 * The ports of the MM-RAG pipeline and the values they exchange, in plain Java (no third-party type appears here).
 *
 * <p>Ports: {@link dev.mmrag.api.Encoder} (contents to vectors), {@link dev.mmrag.api.VectorStore} (vectors with
 * metadata, nearest-neighbour search), {@link dev.mmrag.api.Retriever} (a {@link dev.mmrag.api.Query} to ranked
 * {@link dev.mmrag.api.Retrieved} items), {@link dev.mmrag.api.Augmenter} (a query and what was retrieved to a
 * {@link dev.mmrag.api.Prompt}) and {@link dev.mmrag.api.Generator} (a prompt to an {@link dev.mmrag.api.Answer}).
 * Values are validating records; {@link dev.mmrag.api.Content} is sealed. Every exception extends the unchecked
 * {@link dev.mmrag.api.MmragException}.
 */
package dev.mmrag.api;
