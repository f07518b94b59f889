package dev.mmrag.store.elasticsearch;

import co.elastic.clients.elasticsearch._types.mapping.DenseVectorIndexOptions;
import co.elastic.clients.elasticsearch._types.mapping.DenseVectorProperty;
import co.elastic.clients.elasticsearch._types.mapping.DynamicMapping;
import co.elastic.clients.elasticsearch._types.mapping.DynamicTemplate;
import co.elastic.clients.elasticsearch._types.mapping.Property;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metric;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The mapping of an index made by {@link ElasticsearchVectorStore}: a {@code dense_vector} field, the metadata as
 * given (not indexed), and the typed metadata fields of {@link Documents} created on first use by dynamic
 * templates (keyword, boolean, long, double). Everything else is rejected ({@code dynamic: strict}).
 *
 * <p>Thread-safety: stateless.
 */
final class IndexMapping {

    private static final List<String> TYPED_GROUPS = List.of(Documents.KEYS, Documents.STRINGS, Documents.BOOLEANS,
            Documents.LONGS, Documents.DOUBLES, Documents.NUMBERS);

    private IndexMapping() {
    }

    /**
     * @param dimension the vector dimension
     * @param metric the metric
     * @param indexType the vector index type
     * @param m the HNSW {@code m}
     * @param efConstruction the HNSW {@code ef_construction}
     * @return the mapping of a new index
     */
    static TypeMapping of(int dimension, Metric metric, VectorIndexType indexType, int m, int efConstruction) {
        Map<String, Property> properties = new LinkedHashMap<>();
        properties.put(Documents.VECTOR, Property.of(p -> p.denseVector(v -> v.dims(dimension).index(true)
                .similarity(Similarity.of(metric))
                .indexOptions(o -> o.type(indexType.elasticsearchName()).m(m).efConstruction(efConstruction)))));
        properties.put(Documents.METADATA, Property.of(p -> p.object(o -> o.enabled(false))));
        for (String group : TYPED_GROUPS) {
            properties.put(group, Property.of(p -> p.object(o -> o.dynamic(DynamicMapping.True))));
        }
        return TypeMapping.of(t -> t.dynamic(DynamicMapping.Strict).properties(properties).dynamicTemplates(List.of(
                template(Documents.KEYS, p -> p.boolean_(b -> b.index(false).docValues(false))),
                template(Documents.STRINGS, p -> p.keyword(k -> k.ignoreAbove(Documents.MAX_INDEXED_STRING))),
                template(Documents.BOOLEANS, p -> p.boolean_(b -> b)),
                template(Documents.LONGS, p -> p.long_(l -> l)),
                template(Documents.DOUBLES, p -> p.double_(d -> d)),
                template(Documents.NUMBERS, p -> p.double_(d -> d)))));
    }

    private static Map<String, DynamicTemplate> template(String group,
            Function<Property.Builder, co.elastic.clients.util.ObjectBuilder<Property>> mapping) {
        return Map.of("mmrag_" + group, DynamicTemplate.of(d -> d.pathMatch(group + ".*").mapping(mapping)));
    }

    /**
     * Checks that an existing index can serve a store of this dimension and metric.
     *
     * @param index the index name, for messages
     * @param mapping its mapping
     * @param dimension the store's dimension
     * @param metric the store's metric
     * @throws InvalidInputException when the index was not made by this store or disagrees with it
     */
    static void checkCompatible(String index, TypeMapping mapping, int dimension, Metric metric) {
        Map<String, Property> properties = mapping.properties();
        Property vector = properties.get(Documents.VECTOR);
        if (vector == null || !vector.isDenseVector() || !properties.containsKey(Documents.METADATA)
                || !properties.containsKey(Documents.KEYS)) {
            throw new InvalidInputException("index '" + index + "' exists but was not created by "
                    + "ElasticsearchVectorStore (expected a dense_vector field '" + Documents.VECTOR + "' and an object '"
                    + Documents.METADATA + "'); choose another index name");
        }
        DenseVectorProperty dense = vector.denseVector();
        String similarity = Similarity.of(metric);
        if (dense.dims() == null || dense.dims() != dimension) {
            throw new InvalidInputException("index '" + index + "' holds vectors of dimension " + dense.dims()
                    + ", but this store is built for dimension " + dimension);
        }
        if (!similarity.equals(dense.similarity())) {
            throw new InvalidInputException("index '" + index + "' compares vectors with similarity '"
                    + dense.similarity() + "', but this store's metric " + metric + " needs similarity '"
                    + similarity + "'");
        }
    }

    /**
     * @param mapping the mapping of an index {@link #checkCompatible} accepted
     * @return the {@code index_options.type} of its vectors, such as {@code hnsw} or {@code int8_hnsw}
     */
    static String indexOptionsType(TypeMapping mapping) {
        DenseVectorIndexOptions options = mapping.properties().get(Documents.VECTOR).denseVector().indexOptions();
        // Unknown options are taken as quantised: recomputing the scores is right either way, only slower.
        return options == null ? "unknown" : options.type();
    }

    /**
     * @param mapping an index's mapping
     * @return every metadata key an item written to the index has had
     */
    static Set<String> metadataKeys(TypeMapping mapping) {
        Set<String> keys = new HashSet<>();
        Property group = mapping.properties().get(Documents.KEYS);
        if (group != null && group.isObject()) {
            for (String field : group.object().properties().keySet()) {
                keys.add(Documents.keyOf(field));
            }
        }
        return keys;
    }
}
