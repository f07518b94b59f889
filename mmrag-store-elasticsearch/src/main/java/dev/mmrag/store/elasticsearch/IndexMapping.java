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

    /** The analyzer of keyword fields, defined in {@link #ANALYSIS_SETTINGS}. */
    static final String TEXT_ANALYZER = "mmrag_text";
    /** The analyzer of keyword fields on a cluster without the analysis-common module. */
    static final String FALLBACK_TEXT_ANALYZER = "standard";

    /**
     * @param type an index creation error's type
     * @param reason its reason
     * @return whether it says that the cluster lacks a token filter or tokenizer of the analysis-common module
     */
    static boolean isMissingAnalysisModule(String type, String reason) {
        return "illegal_argument_exception".equals(type) && reason != null
                && (reason.startsWith("Unknown filter type") || reason.startsWith("Unknown tokenizer type"));
    }

    /**
     * @param mapping an index's mapping
     * @return the analyzer its keyword-field template names, or null when it has none
     */
    static String textAnalyzer(TypeMapping mapping) {
        if (!hasTextGroup(mapping) || mapping.dynamicTemplates() == null) {
            return null;
        }
        for (Map<String, DynamicTemplate> templates : mapping.dynamicTemplates()) {
            DynamicTemplate template = templates.get("mmrag_" + Documents.TEXT);
            if (template != null && template.mapping() != null && template.mapping().isText()) {
                String analyzer = template.mapping().text().analyzer();
                return analyzer == null ? FALLBACK_TEXT_ANALYZER : analyzer;
            }
        }
        return null;
    }

    /**
     * The index's analysis settings: the analyzer of keyword fields, the same chain as mmrag-lucene's
     * {@code ProductCodeAnalyzer} (white space, word parts split at non-alphanumerics and letter-digit changes and
     * also kept joined, lower case, ASCII folding, English stop words, Porter stemming, numbers also without their
     * leading zeros), so that {@code SKU 0042}, {@code sku-0042} and {@code sku0042} all find {@code sku-0042}.
     */
    static final String ANALYSIS_SETTINGS = "{\"analysis\":{\"filter\":{"
            + "\"mmrag_word_parts\":{\"type\":\"word_delimiter_graph\",\"generate_word_parts\":true,"
            + "\"generate_number_parts\":true,\"catenate_all\":true,\"split_on_numerics\":true,"
            + "\"split_on_case_change\":false,\"stem_english_possessive\":true},"
            + "\"mmrag_stop\":{\"type\":\"stop\",\"stopwords\":\"_english_\"},"
            + "\"mmrag_unpadded\":{\"type\":\"pattern_capture\",\"preserve_original\":true,"
            + "\"patterns\":[\"^0+([1-9][0-9]*)$\"]}},"
            + "\"analyzer\":{\"" + TEXT_ANALYZER + "\":{\"type\":\"custom\",\"tokenizer\":\"whitespace\","
            + "\"filter\":[\"mmrag_word_parts\",\"lowercase\",\"asciifolding\",\"mmrag_stop\",\"porter_stem\","
            + "\"mmrag_unpadded\",\"flatten_graph\"]}}}}";

    private IndexMapping() {
    }

    /**
     * @param mapping an index's mapping
     * @return whether it has the keyword text group (indexes made before keyword search do not)
     */
    static boolean hasTextGroup(TypeMapping mapping) {
        return mapping.properties().containsKey(Documents.TEXT);
    }

    /**
     * @param mapping an index's mapping
     * @return the keyword field names written to it so far
     */
    static Set<String> textFields(TypeMapping mapping) {
        Set<String> fields = new HashSet<>();
        Property group = mapping.properties().get(Documents.TEXT);
        if (group != null && group.isObject()) {
            for (String field : group.object().properties().keySet()) {
                fields.add(Documents.keyOf(field));
            }
        }
        return fields;
    }

    /**
     * @param dimension the vector dimension
     * @param metric the metric
     * @param indexType the vector index type
     * @param m the HNSW {@code m}
     * @param efConstruction the HNSW {@code ef_construction}
     * @param textAnalyzer the analyzer of keyword fields ({@link #TEXT_ANALYZER}, or {@link #FALLBACK_TEXT_ANALYZER}
     *     when the cluster cannot build it)
     * @return the mapping of a new index
     */
    static TypeMapping of(int dimension, Metric metric, VectorIndexType indexType, int m, int efConstruction,
            String textAnalyzer) {
        Map<String, Property> properties = new LinkedHashMap<>();
        properties.put(Documents.VECTOR, Property.of(p -> p.denseVector(v -> v.dims(dimension).index(true)
                .similarity(Similarity.of(metric))
                .indexOptions(o -> o.type(indexType.elasticsearchName()).m(m).efConstruction(efConstruction)))));
        properties.put(Documents.METADATA, Property.of(p -> p.object(o -> o.enabled(false))));
        for (String group : TYPED_GROUPS) {
            properties.put(group, Property.of(p -> p.object(o -> o.dynamic(DynamicMapping.True))));
        }
        properties.put(Documents.TEXT, Property.of(p -> p.object(o -> o.dynamic(DynamicMapping.True))));
        return TypeMapping.of(t -> t.dynamic(DynamicMapping.Strict).properties(properties).dynamicTemplates(List.of(
                template(Documents.KEYS, p -> p.boolean_(b -> b.index(false).docValues(false))),
                template(Documents.STRINGS, p -> p.keyword(k -> k.ignoreAbove(Documents.MAX_INDEXED_STRING))),
                template(Documents.BOOLEANS, p -> p.boolean_(b -> b)),
                template(Documents.LONGS, p -> p.long_(l -> l)),
                template(Documents.DOUBLES, p -> p.double_(d -> d)),
                template(Documents.NUMBERS, p -> p.double_(d -> d)),
                template(Documents.TEXT, p -> p.text(x -> x.analyzer(textAnalyzer))))));
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
