/**
 * The pipeline: {@link dev.mmrag.core.MultimodalRag} and its fluent builder, which index items and answer queries
 * through the ports of {@code dev.mmrag.api}; the default {@link dev.mmrag.core.DefaultRetriever} (fusion of text
 * and image rankings, MMR), {@link dev.mmrag.core.DefaultAugmenter}, the offline
 * {@link dev.mmrag.core.TemplateGenerator}, the exact-search {@link dev.mmrag.core.ExactVectorStore} (the baseline
 * every approximate store is measured against) and {@link dev.mmrag.core.RetrievalMetrics}.
 */
package dev.mmrag.core;
