package dev.mmrag.store.elasticsearch;

import dev.mmrag.api.Metric;
import dev.mmrag.api.VectorStore;
import dev.mmrag.test.VectorStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * Holds {@link ElasticsearchVectorStore} to the behaviour of every {@link VectorStore}, on a real Elasticsearch node
 * (see {@link TestNode}). Each test gets a fresh index, deleted afterwards; writes are refreshed at once
 * ({@link RefreshPolicy#IMMEDIATE}), as the contract requires.
 */
class ElasticsearchVectorStoreContractIT extends VectorStoreContract {

    private final List<ElasticsearchVectorStore> stores = new ArrayList<>();

    @Override
    protected VectorStore newStore(int dimension, Metric metric) {
        ElasticsearchVectorStore store = TestNode.builder("contract", dimension, metric).build();
        stores.add(store);
        return store;
    }

    @AfterEach
    void deleteIndexes() {
        for (ElasticsearchVectorStore store : stores) {
            store.deleteIndex();
        }
        stores.clear();
    }
}
