/**
 * Keyword search for hybrid retrieval: {@link dev.mmrag.lucene.LuceneKeywordIndex}, a {@link dev.mmrag.api.KeywordIndex}
 * on Apache Lucene 9.12 (BM25) whose {@link dev.mmrag.lucene.ProductCodeAnalyzer} finds product codes whatever their
 * case or separators, kept in memory and saved crash-safely next to a vector index.
 */
package dev.mmrag.lucene;
