package dev.mmrag.lucene;

import dev.mmrag.api.Filter;
import dev.mmrag.api.KeywordDocument;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.ConstantScoreScorer;
import org.apache.lucene.search.ConstantScoreWeight;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TwoPhaseIterator;
import org.apache.lucene.search.Weight;

/**
 * A Lucene query matching the documents whose metadata a portable {@link Filter} accepts, evaluated with
 * {@link Filter#matches(Map)} itself so that its semantics are exactly the vector stores'. Used as a filter
 * clause: it only checks the documents the text clauses propose (two-phase iteration). Never cached, since the
 * metadata lives outside Lucene.
 *
 * <p>Thread-safety: immutable; reads the index's live map of documents.
 */
final class MetadataFilterQuery extends Query {

    private final Filter filter;
    private final Map<String, KeywordDocument> documents;

    MetadataFilterQuery(Filter filter, Map<String, KeywordDocument> documents) {
        this.filter = filter;
        this.documents = documents;
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
        return new ConstantScoreWeight(this, boost) {
            @Override
            public Scorer scorer(LeafReaderContext context) throws IOException {
                SortedDocValues ids = DocValues.getSorted(context.reader(), LuceneKeywordIndex.ID_FIELD);
                DocIdSetIterator all = DocIdSetIterator.all(context.reader().maxDoc());
                TwoPhaseIterator matching = new TwoPhaseIterator(all) {
                    @Override
                    public boolean matches() throws IOException {
                        if (!ids.advanceExact(approximation.docID())) {
                            return false;
                        }
                        KeywordDocument document = documents.get(ids.lookupOrd(ids.ordValue()).utf8ToString());
                        return document != null && filter.matches(document.metadata());
                    }

                    @Override
                    public float matchCost() {
                        return 100; // a map lookup and a filter evaluation
                    }
                };
                return new ConstantScoreScorer(this, score(), scoreMode, matching);
            }

            @Override
            public boolean isCacheable(LeafReaderContext context) {
                return false;
            }
        };
    }

    @Override
    public void visit(QueryVisitor visitor) {
        visitor.visitLeaf(this);
    }

    @Override
    public String toString(String field) {
        return "metadata(" + filter + ")";
    }

    @Override
    public boolean equals(Object other) {
        return sameClassAs(other) && filter.equals(((MetadataFilterQuery) other).filter)
                && documents == ((MetadataFilterQuery) other).documents;
    }

    @Override
    public int hashCode() {
        return Objects.hash(classHash(), filter);
    }
}
