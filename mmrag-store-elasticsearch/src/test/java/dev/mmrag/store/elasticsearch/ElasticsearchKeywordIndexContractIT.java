package dev.mmrag.store.elasticsearch;

import dev.mmrag.api.BatchResult;
import dev.mmrag.api.KeywordDocument;
import dev.mmrag.api.KeywordIndex;
import dev.mmrag.api.KeywordSearchRequest;
import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.test.KeywordIndexContract;
import dev.mmrag.test.TestVectors;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;

/**
 * Holds {@link ElasticsearchVectorStore#keywordIndex()} to the keyword index contract on a real Elasticsearch node
 * (see {@link TestNode}). Keyword fields live in the item's document, so an item must exist before its keyword
 * document: the index under test writes each document's item (a vector and the document's metadata) to the store
 * first, as {@code MultimodalRag} does, and deletes the item with the store, which is what deleting an item means
 * there. Searches, boosts, filters, replacement and counts are the keyword index's own.
 *
 * <p>The test node (Elasticsearch's integration-test distribution) lacks the analysis-common module, so its indexes
 * get the {@code standard} analyzer, which finds {@code sku-0042} from {@code sku-0042} and {@code SKU 0042} but not
 * from {@code sku0042} or {@code Sku_0042}; on a full distribution the product-code analyzer is used and every
 * spelling is checked.
 */
class ElasticsearchKeywordIndexContractIT extends KeywordIndexContract {

    private static final int DIM = 4;
    private final List<ElasticsearchVectorStore> stores = new ArrayList<>();

    @Override
    protected KeywordIndex newIndex() {
        ElasticsearchVectorStore store = TestNode.builder("keywords", DIM, Metric.COSINE).build();
        stores.add(store);
        KeywordIndex keywords = store.keywordIndex();
        return new KeywordIndex() {
            @Override
            public BatchResult upsert(List<KeywordDocument> documents) {
                List<VectorRecord> items = new ArrayList<>();
                for (KeywordDocument document : documents) {
                    if (document != null) {
                        items.add(new VectorRecord(document.id(),
                                TestVectors.uniform(1, DIM, document.id().hashCode()).get(0), document.metadata()));
                    }
                }
                store.upsert(items).throwIfFailed();
                return keywords.upsert(documents);
            }

            @Override
            public int delete(Collection<String> ids) {
                return store.delete(ids);
            }

            @Override
            public long count() {
                return keywords.count();
            }

            @Override
            public List<SearchHit> search(KeywordSearchRequest request) {
                return keywords.search(request);
            }

            @Override
            public Set<String> metadataKeys() {
                return keywords.metadataKeys();
            }
        };
    }

    @Override
    protected List<String> productCodeSpellings() {
        ElasticsearchVectorStore probe = TestNode.builder("analyzer", DIM, Metric.COSINE).build();
        try {
            return IndexMapping.TEXT_ANALYZER.equals(probe.keywordAnalyzer()) ? super.productCodeSpellings()
                    : List.of("sku-0042", "SKU 0042", "SKU-0042");
        } finally {
            probe.deleteIndex();
            probe.close();
        }
    }

    @AfterEach
    void deleteIndexes() {
        for (ElasticsearchVectorStore store : stores) {
            store.deleteIndex();
            store.close();
        }
        stores.clear();
    }
}
