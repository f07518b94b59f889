package dev.mmrag.store.inmem;

import dev.mmrag.api.Metric;
import dev.mmrag.api.VectorStore;
import dev.mmrag.test.VectorStoreContract;

/**
 * The shared {@link VectorStoreContract} with {@code exactScanFraction(1)}, so that a search walks the HNSW graph
 * whenever the store is larger than the search width {@code max(ef, topK)} (ef is 64 here): the contract's exact
 * top-k searches of 100 items, and most searches of its concurrency test (1,600 items, each thread filtering on its
 * own eighth, widening the walk), walk the graph and must give the contract's answers. Its other searches, its
 * filter tests among them (60 items, top 100), are of stores no larger than the width, which are scanned exactly
 * whatever the fraction: a walk cannot be wider than the store. {@link FilteredGraphWalkTest} checks filtered
 * searches that walk and widen on a store large enough for them.
 */
class HnswGraphWalkContractTest extends VectorStoreContract {

    @Override
    protected VectorStore newStore(int dimension, Metric metric) {
        return HnswVectorStore.builder(dimension, metric).exactScanFraction(1).build();
    }
}
