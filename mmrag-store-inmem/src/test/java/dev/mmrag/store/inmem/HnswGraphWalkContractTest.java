package dev.mmrag.store.inmem;

import dev.mmrag.api.Metric;
import dev.mmrag.api.VectorStore;
import dev.mmrag.test.VectorStoreContract;

/**
 * The shared {@link VectorStoreContract} with {@code exactScanFraction(1)}, so that every search the contract
 * makes walks the HNSW graph (widening for filters) instead of scanning: the graph path must give the same exact
 * answers on the contract's small data sets.
 */
class HnswGraphWalkContractTest extends VectorStoreContract {

    @Override
    protected VectorStore newStore(int dimension, Metric metric) {
        return HnswVectorStore.builder(dimension, metric).exactScanFraction(1).build();
    }
}
