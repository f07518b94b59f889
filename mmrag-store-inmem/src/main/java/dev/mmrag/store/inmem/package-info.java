/**
 * An in-process {@link dev.mmrag.api.VectorStore}: {@link dev.mmrag.store.inmem.HnswVectorStore}, an HNSW graph on
 * hnswlib-java with SIMD distances (when the Vector API is present), metadata filters and crash-safe, checksummed
 * persistence that never deserializes classes outside an allow-list.
 */
package dev.mmrag.store.inmem;
