package dev.mmrag.api;

/**
 * Follows a slow indexing run: progress, and each item that failed. Both methods do nothing by default.
 *
 * <p>Thread-safety: called from the thread that runs the indexing; implementations need not be thread-safe
 * unless they are shared between runs on several threads.
 */
public interface IndexingListener {

    /** A listener that ignores everything. */
    IndexingListener NONE = new IndexingListener() { };

    /**
     * Called after each batch.
     *
     * @param done how many items have been processed (stored or failed)
     * @param total how many items the run has
     */
    default void onProgress(int done, int total) {
    }

    /**
     * Called for each item that failed; the run goes on with the others.
     *
     * @param failure the item and why it failed
     */
    default void onFailure(ItemFailure failure) {
    }
}
