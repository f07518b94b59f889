package dev.mmrag.lucene;

import dev.mmrag.api.BatchResult;
import dev.mmrag.api.Ids;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.ItemFailure;
import dev.mmrag.api.KeywordDocument;
import dev.mmrag.api.KeywordIndex;
import dev.mmrag.api.KeywordSearchRequest;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * A {@link KeywordIndex} on Apache Lucene: BM25 ranking, the {@link ProductCodeAnalyzer} (stemmed English words,
 * product codes whatever their case and separators), an in-memory index that can be {@link #save saved} to one
 * file and {@link #load loaded} again.
 *
 * <p>Each document's fields are indexed as separate Lucene fields; a search analyses the query text once and
 * scores every (word, field) pair, {@code sum of boost × BM25(word, field)} over the fields searched (every field
 * ever written, weight 1, when the request names none), so a word found in several fields counts in each (like
 * Elasticsearch's {@code multi_match} of type {@code most_fields}). BM25 statistics are per field. A query text
 * with more than {@value #MAX_QUERY_CLAUSES} (word, field) pairs is refused.
 *
 * <p>Filters are evaluated with {@link dev.mmrag.api.Filter#matches} on the metadata kept next to the Lucene
 * index, so their semantics are exactly the vector stores'. The documents (fields and metadata) are kept in
 * memory as given; the Lucene index is rebuilt from them on load, so the file holds plain data only.
 *
 * <p>Defaults: BM25 with {@code k1 = }{@value #DEFAULT_K1} and {@code b = }{@value #DEFAULT_B} (Lucene's).
 *
 * <p>Thread-safety: safe for concurrent use; writes are serialised, searches run in parallel with them and with
 * each other, and a write is visible to searches when it returns.
 */
public final class LuceneKeywordIndex implements KeywordIndex {

    /** BM25's default term-frequency saturation. */
    public static final double DEFAULT_K1 = 1.2;
    /** BM25's default length normalisation. */
    public static final double DEFAULT_B = 0.75;
    /** The most (word, field) pairs a query may have. */
    public static final int MAX_QUERY_CLAUSES = 1024;

    /** The Lucene field holding the document id (indexed and as doc values, for filters). */
    static final String ID_FIELD = "_id";
    /** The prefix of the Lucene field of each document field, so that no field name can clash with the id. */
    static final String FIELD_PREFIX = "f.";

    private final double k1;
    private final double b;
    private final Analyzer analyzer = new ProductCodeAnalyzer();
    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Map<String, KeywordDocument> documents = new ConcurrentHashMap<>();
    private final Set<String> metadataKeys = ConcurrentHashMap.newKeySet();
    private final Set<String> fieldNames = ConcurrentHashMap.newKeySet();
    private final Object writeLock = new Object();
    private volatile boolean closed;

    private LuceneKeywordIndex(double k1, double b) {
        this.k1 = k1;
        this.b = b;
        try {
            IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(similarity());
            writer = new IndexWriter(directory, config);
            searchers = new SearcherManager(writer, new SearcherFactory() {
                @Override
                public IndexSearcher newSearcher(org.apache.lucene.index.IndexReader reader,
                        org.apache.lucene.index.IndexReader previous) {
                    IndexSearcher searcher = new IndexSearcher(reader);
                    searcher.setSimilarity(similarity());
                    searcher.setQueryCache(null);
                    return searcher;
                }
            });
        } catch (IOException e) {
            throw new StoreException("cannot create the in-memory Lucene index: " + e.getMessage(), e);
        }
    }

    private BM25Similarity similarity() {
        return new BM25Similarity((float) k1, (float) b);
    }

    /** @return an empty index with the defaults */
    public static LuceneKeywordIndex create() {
        return builder().build();
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads an index saved by {@link #save(Path)}.
     *
     * @param file the file
     * @return the index, with the BM25 parameters it was saved with
     * @throws StoreException when the file is missing, unreadable, damaged or not a keyword index
     */
    public static LuceneKeywordIndex load(Path file) {
        KeywordFile.Contents contents = KeywordFile.read(file);
        LuceneKeywordIndex index = new LuceneKeywordIndex(contents.k1(), contents.b());
        BatchResult result = index.upsert(contents.documents());
        if (result.hasFailures()) {
            index.close();
            throw new StoreException("keyword index file " + file + " holds a document this index refuses: "
                    + result.failures().get(0));
        }
        return index;
    }

    /**
     * Saves the index crash-safely with mmrag-core's {@code SafeFile} and {@code FramedFile}, the HNSW store's
     * mechanism: to a temporary file in the same folder, forced to disk, renamed over {@code file} atomically,
     * with a magic, a format version and a checksum that {@link #load} verifies. A crash leaves the old file or
     * the new one. A target that is not a regular file (a folder, a device, a symbolic link) is refused with an
     * {@link InvalidInputException}. Writes wait while a save runs. Documents are written in id order, so a loaded index breaks ties
     * between equal scores by id order.
     *
     * @param file the file to create or replace
     * @throws StoreException when the file cannot be written; an existing file is then unchanged
     */
    public void save(Path file) {
        synchronized (writeLock) {
            checkOpen();
            List<KeywordDocument> sorted = new ArrayList<>(documents.values());
            sorted.sort(java.util.Comparator.comparing(KeywordDocument::id));
            KeywordFile.write(file, k1, b, sorted);
        }
    }

    @Override
    public BatchResult upsert(List<KeywordDocument> batch) {
        if (batch == null) {
            throw new InvalidInputException("documents must not be null");
        }
        List<ItemFailure> failures = new ArrayList<>();
        Map<String, Integer> last = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            KeywordDocument document = batch.get(i);
            if (document == null) {
                failures.add(new ItemFailure(null, i, "document at index " + i + " is null", null));
            } else {
                last.remove(document.id());
                last.put(document.id(), i);
            }
        }
        synchronized (writeLock) {
            checkOpen();
            for (int i : last.values()) {
                KeywordDocument document = batch.get(i);
                try {
                    writer.updateDocument(new Term(ID_FIELD, document.id()), toLucene(document));
                } catch (IOException | RuntimeException e) {
                    failures.add(ItemFailure.of(document.id(), i, e));
                    continue;
                }
                documents.put(document.id(), document);
                metadataKeys.addAll(document.metadata().keySet());
                fieldNames.addAll(document.fields().keySet());
            }
            refresh();
        }
        failures.sort(java.util.Comparator.comparingInt(ItemFailure::index));
        return new BatchResult(batch.size(), failures);
    }

    private static Document toLucene(KeywordDocument document) {
        Document doc = new Document();
        doc.add(new StringField(ID_FIELD, document.id(), Field.Store.NO));
        doc.add(new SortedDocValuesField(ID_FIELD, new BytesRef(document.id())));
        for (Map.Entry<String, String> field : document.fields().entrySet()) {
            doc.add(new TextField(FIELD_PREFIX + field.getKey(), field.getValue(), Field.Store.NO));
        }
        return doc;
    }

    @Override
    public int delete(Collection<String> ids) {
        if (ids == null) {
            throw new InvalidInputException("ids must not be null");
        }
        synchronized (writeLock) {
            checkOpen();
            int deleted = 0;
            for (String id : new LinkedHashSet<>(ids)) {
                Ids.check(id);
                if (documents.containsKey(id)) {
                    try {
                        writer.deleteDocuments(new Term(ID_FIELD, id));
                    } catch (IOException e) {
                        throw new StoreException("cannot delete '" + id + "' from the keyword index: "
                                + e.getMessage(), e);
                    }
                    documents.remove(id);
                    deleted++;
                }
            }
            if (deleted > 0) {
                refresh();
            }
            return deleted;
        }
    }

    private void refresh() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new StoreException("cannot refresh the keyword index: " + e.getMessage(), e);
        }
    }

    @Override
    public long count() {
        return documents.size();
    }

    @Override
    public Set<String> metadataKeys() {
        return Collections.unmodifiableSet(metadataKeys);
    }

    @Override
    public List<SearchHit> search(KeywordSearchRequest request) {
        if (request == null) {
            throw new InvalidInputException("keyword search request must not be null");
        }
        checkOpen();
        if (request.filter() != null) {
            request.filter().requireKnownKeys(metadataKeys);
        }
        Query query = toQuery(request);
        if (query == null) {
            return List.of();
        }
        IndexSearcher searcher;
        try {
            searcher = searchers.acquire();
        } catch (IOException e) {
            throw new StoreException("cannot open the keyword index for searching: " + e.getMessage(), e);
        }
        try {
            TopDocs top = searcher.search(query, request.topK());
            List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            for (ScoreDoc scoreDoc : top.scoreDocs) {
                // The id from doc values: cheaper than decompressing stored fields for every hit.
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(scoreDoc.doc, leaves));
                SortedDocValues ids = DocValues.getSorted(leaf.reader(), ID_FIELD);
                if (!ids.advanceExact(scoreDoc.doc - leaf.docBase)) {
                    continue;
                }
                String id = ids.lookupOrd(ids.ordValue()).utf8ToString();
                KeywordDocument document = documents.get(id);
                if (document != null) { // null: deleted since this searcher opened
                    hits.add(SearchHit.of(id, scoreDoc.score, document.metadata()));
                }
            }
            return hits;
        } catch (IOException e) {
            throw new StoreException("keyword search failed: " + e.getMessage(), e);
        } finally {
            try {
                searchers.release(searcher);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** @return the Lucene query for a request, or null when its text has no searchable word */
    private Query toQuery(KeywordSearchRequest request) {
        Set<String> terms = analyze(request.text());
        if (terms.isEmpty()) {
            return null;
        }
        Map<String, Double> fields = request.fieldBoosts();
        if (fields.isEmpty()) {
            fields = new LinkedHashMap<>();
            for (String name : new java.util.TreeSet<>(fieldNames)) {
                fields.put(name, 1.0);
            }
        }
        if ((long) terms.size() * fields.size() > MAX_QUERY_CLAUSES) {
            throw new InvalidInputException("keyword query has " + terms.size() + " distinct words over "
                    + fields.size() + " fields = " + (long) terms.size() * fields.size()
                    + " word-field pairs; at most " + MAX_QUERY_CLAUSES + " are allowed (shorten the text)");
        }
        BooleanQuery.Builder text = new BooleanQuery.Builder();
        for (Map.Entry<String, Double> field : fields.entrySet()) {
            for (String term : terms) {
                Query termQuery = new TermQuery(new Term(FIELD_PREFIX + field.getKey(), term));
                float boost = field.getValue().floatValue();
                text.add(boost == 1f ? termQuery : new BoostQuery(termQuery, boost), BooleanClause.Occur.SHOULD);
            }
        }
        if (request.filter() == null) {
            return text.build();
        }
        return new BooleanQuery.Builder()
                .add(text.build(), BooleanClause.Occur.MUST)
                .add(new MetadataFilterQuery(request.filter(), documents), BooleanClause.Occur.FILTER)
                .build();
    }

    /**
     * @param text a text
     * @return its distinct terms after analysis, in order
     */
    Set<String> analyze(String text) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream stream = analyzer.tokenStream("query", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        } catch (IOException e) {
            throw new StoreException("cannot analyse the query text: " + e.getMessage(), e);
        }
        return terms;
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("the keyword index is closed");
        }
    }

    /** Releases the index; later calls fail with a {@link StoreException}. */
    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                searchers.close();
                writer.close();
                directory.close();
            } catch (IOException e) {
                throw new StoreException("cannot close the keyword index: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "LuceneKeywordIndex[documents=" + documents.size() + ", k1=" + k1 + ", b=" + b + "]";
    }

    /** Builds a {@link LuceneKeywordIndex}. Not thread-safe. */
    public static final class Builder {
        private double k1 = DEFAULT_K1;
        private double b = DEFAULT_B;

        private Builder() {
        }

        /**
         * @param k1 BM25 term-frequency saturation (default {@value LuceneKeywordIndex#DEFAULT_K1}), finite, >= 0
         * @param b BM25 length normalisation (default {@value LuceneKeywordIndex#DEFAULT_B}), 0 to 1
         * @return this builder
         */
        public Builder bm25(double k1, double b) {
            if (!(k1 >= 0) || !Double.isFinite(k1)) {
                throw new InvalidInputException("BM25 k1 is " + k1 + "; expected a finite number >= 0");
            }
            if (!(b >= 0 && b <= 1)) {
                throw new InvalidInputException("BM25 b is " + b + "; expected 0 to 1");
            }
            this.k1 = k1;
            this.b = b;
            return this;
        }

        /** @return the index */
        public LuceneKeywordIndex build() {
            return new LuceneKeywordIndex(k1, b);
        }
    }
}
