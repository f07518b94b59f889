package dev.mmrag.store.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.Filter;
import dev.mmrag.api.Item;
import dev.mmrag.api.KeywordFields;
import dev.mmrag.api.KeywordIndex;
import dev.mmrag.api.KeywordSearchRequest;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.TextContent;
import dev.mmrag.core.HybridFusion;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.test.KeywordTestEncoder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hybrid retrieval on a real Elasticsearch node ({@link TestNode}): {@code MultimodalRag} with the store and its
 * {@link ElasticsearchVectorStore#keywordIndex()} (one document per item holds vector and text), the product-code
 * analyzer, and {@link ElasticsearchVectorStore#hybridSearch}. The test node is Elasticsearch's integration-test
 * distribution, which has no licence API and no {@code rrf} retriever, so these tests see
 * {@link HybridMode#JAVA_FUSION}; the one-request {@code rrf} path needs a licensed cluster and is not run here.
 * That distribution also lacks the analysis-common module, so its indexes use the {@code standard} analyzer (see
 * {@link ElasticsearchVectorStore#keywordAnalyzer()}), and only the spellings it can match are checked there.
 * The encoder is mmrag-test's word-hashing {@link KeywordTestEncoder} (no model runs here).
 */
class ElasticsearchHybridIT {

    private final KeywordTestEncoder encoder = new KeywordTestEncoder();
    private final ElasticsearchVectorStore store = TestNode.builder("hybrid", encoder.dimension(),
            dev.mmrag.api.Metric.COSINE).build();
    private final KeywordIndex keywords = store.keywordIndex();
    private final MultimodalRag rag = MultimodalRag.builder().encoder(encoder).store(store).keywordIndex(keywords)
            .keywordFields(KeywordFields.of(KeywordFields.TEXT, KeywordFields.ID, "brand"))
            .hybridFusion(HybridFusion.reciprocalRank(5, 2, 1, 1)).build();

    @AfterEach
    void deleteIndex() {
        store.deleteIndex();
        store.close();
    }

    private static Item item(String id, String text, String brand) {
        return Item.builder(id).text(text).metadata("brand", brand).build();
    }

    private static List<String> ids(List<Retrieved> results) {
        return results.stream().map(Retrieved::id).collect(Collectors.toList());
    }

    private List<String> keywordIds(String text) {
        return keywords.search(KeywordSearchRequest.of(text, 10)).stream().map(SearchHit::id)
                .collect(Collectors.toList());
    }

    @Test
    void productCodesBrandsAndFiltersThroughThePipeline() {
        rag.index(List.of(item("sku-0042", "red wool hat", "Meadowlark"), item("sku-0043", "red wool hat",
                "Harbor & Pine"), item("sku-0420", "blue cotton shirt", "Meadowlark")));
        assertThat(keywords.count()).isEqualTo(store.count()).isEqualTo(3);
        boolean productCodes = IndexMapping.TEXT_ANALYZER.equals(store.keywordAnalyzer());
        assertThat(store.keywordAnalyzer()).isIn(IndexMapping.TEXT_ANALYZER, IndexMapping.FALLBACK_TEXT_ANALYZER);
        for (String spelling : productCodes ? List.of("sku-0042", "SKU 0042", "sku0042", "SKU_0042", "sku 42")
                : List.of("sku-0042", "SKU 0042", "Sku-0042")) {
            assertThat(keywordIds(spelling)).as(spelling).first().isEqualTo("sku-0042");
        }
        assertThat(ids(rag.retrieve(Query.builder().text("Harbor & Pine hat").topK(1).build())))
                .containsExactly("sku-0043");
        assertThat(keywords.search(KeywordSearchRequest.of("hat", 10).withFilter(Filter.eq("brand", "Meadowlark"))))
                .extracting(SearchHit::id).containsExactly("sku-0042");
        assertThat(keywords.search(KeywordSearchRequest.of("hats", 10).withFieldBoosts(Map.of("brand", 1.0))))
                .isEmpty();
    }

    @Test
    void aDeletedItemIsReturnedByNeitherSideAndNewTextReplacesTheOld() {
        rag.index(List.of(item("a", "velvet jacket", "Meadowlark"), item("b", "cotton jacket", "Urban Loom")));
        rag.delete(List.of("a"));
        assertThat(store.get("a")).isEmpty();
        assertThat(keywordIds("velvet")).isEmpty();
        assertThat(ids(rag.retrieve(Query.ofText("velvet jacket")))).containsExactly("b");

        rag.index(List.of(item("b", "linen trousers", "Cedar Street")));
        assertThat(keywordIds("cotton jacket")).isEmpty();
        assertThat(keywordIds("linen")).containsExactly("b");
        assertThat(keywordIds("Urban Loom")).isEmpty();
    }

    @Test
    void clearingKeywordFieldsKeepsTheItemAndAKeywordDocumentNeedsItsItem() {
        rag.index(List.of(item("a", "velvet jacket", "Meadowlark")));
        assertThat(keywords.delete(List.of("a", "nothing"))).isEqualTo(1);
        assertThat(keywords.count()).isZero();
        assertThat(store.get("a")).isPresent();
        assertThat(keywords.upsert(List.of(KeywordFields.defaults().document(item("ghost", "x", "y")))).failures())
                .singleElement().satisfies(f -> assertThat(f.message()).contains("write its vector first"));
    }

    @Test
    void hybridSearchFusesBothListsByReciprocalRank() {
        rag.index(List.of(item("a", "red wool hat", "Meadowlark"), item("b", "red silk scarf", "Harbor & Pine"),
                item("c", "blue wool sock", "Urban Loom"), item("d", "green hat", "Harbor & Pine")));
        assertThat(store.hybridMode()).isEqualTo(HybridMode.JAVA_FUSION);
        float[] vector = encoder.encode(new TextContent("harbor wool hat"));
        List<SearchHit> fused = store.hybridSearch(SearchRequest.of(vector, 4), KeywordSearchRequest.of("harbor wool hat", 4));
        List<SearchHit> vectorHits = store.search(SearchRequest.of(vector, 4));
        List<SearchHit> keywordHits = keywords.search(KeywordSearchRequest.of("harbor wool hat", 4));
        Map<String, Double> expected = new HashMap<>();
        for (List<SearchHit> list : List.of(vectorHits, keywordHits)) {
            for (int rank = 1; rank <= list.size(); rank++) {
                expected.merge(list.get(rank - 1).id(), 1.0 / (60 + rank), Double::sum);
            }
        }
        assertThat(fused).hasSize(4);
        for (SearchHit hit : fused) {
            assertThat(hit.score()).as(hit.id()).isEqualTo(expected.get(hit.id()));
        }
        for (int i = 1; i < fused.size(); i++) {
            assertThat(fused.get(i).score()).isLessThanOrEqualTo(fused.get(i - 1).score());
        }
    }
}
