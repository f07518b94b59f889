package dev.mmrag.store.elasticsearch;

import dev.mmrag.api.Metric;
import java.util.UUID;

/**
 * The Elasticsearch node the integration tests use: {@code mvn verify} starts it with
 * {@code scripts/elasticsearch.sh} before the tests and passes its URL as the system property {@code mmrag.es.url};
 * when a test runs outside Maven, start one with {@code scripts/elasticsearch.sh start} (its default port is 19200).
 */
final class TestNode {

    private TestNode() {
    }

    /** @return the node's URL */
    static String url() {
        return System.getProperty("mmrag.es.url", "http://127.0.0.1:19200");
    }

    /**
     * @param prefix what the index is for
     * @return an index name no other test uses
     */
    static String uniqueIndex(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * @param prefix what the index is for
     * @param dimension the dimension
     * @param metric the metric
     * @return a builder for a store on a fresh index of the test node, without replicas (one node cannot hold
     *     them) and with writes visible at once
     */
    static ElasticsearchVectorStore.Builder builder(String prefix, int dimension, Metric metric) {
        return ElasticsearchVectorStore.builder(uniqueIndex(prefix), dimension).hosts(url()).metric(metric)
                .replicas(0).refreshPolicy(RefreshPolicy.IMMEDIATE);
    }
}
