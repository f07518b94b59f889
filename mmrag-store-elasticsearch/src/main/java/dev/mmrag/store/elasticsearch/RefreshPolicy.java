package dev.mmrag.store.elasticsearch;

import co.elastic.clients.elasticsearch._types.Refresh;

/**
 * When the writes of an {@link ElasticsearchVectorStore} ({@code upsert}, {@code delete}) become visible to
 * {@code search} and {@code count}. ({@code get} always sees the latest write: it reads in real time.)
 *
 * <p>{@link #IMMEDIATE} and {@link #WAIT_FOR} apply as described to a write call that fits one bulk request (see
 * {@link ElasticsearchVectorStore.Builder#bulkBatchSize(int)}). A call that needs several requests sends them without
 * a refresh and then refreshes the whole index once before it returns, because Elasticsearch refreshes (or waits
 * for) only the shards each request touched, which would leave records of earlier requests on other shards unseen.
 *
 * <p>Thread-safety: immutable.
 */
public enum RefreshPolicy {
    /**
     * Each write call refreshes the index before it returns ({@code refresh=true}): visible at once, at the cost of
     * many small segments under frequent writes. Meant for tests and small interactive writes.
     */
    IMMEDIATE(Refresh.True),
    /**
     * Each write call returns once the next periodic refresh (every second by default) has made it visible
     * ({@code refresh=wait_for}). Visible on return without forcing refreshes (except the one refresh at the end of a
     * call of several bulk requests); each call may wait up to the refresh interval. The default.
     */
    WAIT_FOR(Refresh.WaitFor),
    /**
     * Write calls return at once ({@code refresh=false}); writes become visible at the next periodic refresh, or when
     * {@link ElasticsearchVectorStore#refresh()} is called. The fastest for bulk loading.
     */
    NONE(Refresh.False);

    private final Refresh refresh;

    RefreshPolicy(Refresh refresh) {
        this.refresh = refresh;
    }

    /** @return the value of Elasticsearch's {@code refresh} request parameter */
    Refresh refresh() {
        return refresh;
    }
}
