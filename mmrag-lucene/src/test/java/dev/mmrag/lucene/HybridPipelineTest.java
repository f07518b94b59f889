package dev.mmrag.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.Filter;
import dev.mmrag.api.Item;
import dev.mmrag.api.KeywordFields;
import dev.mmrag.api.KeywordSearchRequest;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.core.ExactVectorStore;
import dev.mmrag.core.HybridFusion;
import dev.mmrag.core.IndexReport;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.test.KeywordTestEncoder;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link MultimodalRag} with a {@link LuceneKeywordIndex} next to its vector store: both sides hold the same
 * items through index, re-index and delete, and hybrid retrieval finds what the keyword side knows. The encoder
 * is mmrag-test's word-hashing {@link KeywordTestEncoder} (no model runs here; the real CLIP is used by the Style
 * Finder's evaluation).
 */
class HybridPipelineTest {

    private final KeywordTestEncoder encoder = new KeywordTestEncoder();
    private final ExactVectorStore store = new ExactVectorStore(encoder.dimension(), Metric.COSINE);
    private final LuceneKeywordIndex keywords = LuceneKeywordIndex.create();
    /** Reciprocal rank fusion weighted towards keywords, as the Style Finder tunes it (with k = 60 and equal
     * weights an item first by keywords and last by vectors ties with one the other way round). */
    private final MultimodalRag rag = MultimodalRag.builder().encoder(encoder).store(store).keywordIndex(keywords)
            .keywordFields(KeywordFields.of(KeywordFields.TEXT, KeywordFields.ID, "brand"))
            .hybridFusion(HybridFusion.reciprocalRank(5, 2, 1, 1)).build();

    private static Item item(String id, String text, String brand) {
        return Item.builder(id).text(text).metadata("brand", brand).build();
    }

    private static List<String> ids(List<Retrieved> results) {
        return results.stream().map(Retrieved::id).collect(Collectors.toList());
    }

    @Test
    void bothSidesHoldTheItemsAndHybridFindsByBrandAndCode() {
        IndexReport report = rag.index(List.of(item("sku-0001", "red wool hat", "Meadowlark"),
                item("sku-0002", "red wool hat", "Harbor & Pine"), item("sku-0003", "blue cotton shirt", "Meadowlark")));
        assertThat(report.indexed()).isEqualTo(3);
        assertThat(keywords.count()).isEqualTo(store.count()).isEqualTo(3);
        assertThat(ids(rag.retrieve(Query.builder().text("Harbor & Pine hat").topK(1).build())))
                .containsExactly("sku-0002");
        assertThat(ids(rag.retrieve(Query.builder().text("SKU 0003").topK(1).build()))).containsExactly("sku-0003");
        List<Retrieved> filtered = rag.retrieve(Query.builder().text("hat").topK(5)
                .filter(Filter.eq("brand", "Meadowlark")).build());
        assertThat(ids(filtered)).containsExactly("sku-0001", "sku-0003"); // the vector side fills up to topK
        assertThat(filtered).allSatisfy(r -> assertThat(r.metadata()).containsEntry("brand", "Meadowlark"));
    }

    @Test
    void aDeletedItemIsReturnedByNeitherSide() {
        rag.index(List.of(item("a", "velvet jacket", "Meadowlark"), item("b", "cotton jacket", "Urban Loom")));
        assertThat(rag.delete(List.of("a"))).isEqualTo(1);
        assertThat(store.get("a")).isEmpty();
        assertThat(keywords.search(KeywordSearchRequest.of("velvet", 5))).isEmpty();
        assertThat(store.search(SearchRequest.of(encoder.encode(new dev.mmrag.api.TextContent("velvet jacket")), 5)))
                .extracting(SearchHit::id).containsExactly("b");
        assertThat(ids(rag.retrieve(Query.builder().text("velvet jacket").topK(5).build()))).containsExactly("b");
        assertThat(ids(rag.retrieve(Query.builder().text("velvet jacket").topK(5).hybrid(false).build())))
                .containsExactly("b");
    }

    @Test
    void reIndexingWithNewTextMeansTheOldWordsNoLongerFindIt() {
        rag.index(List.of(item("a", "velvet jacket", "Meadowlark"), item("b", "cotton shirt", "Urban Loom")));
        rag.index(List.of(item("a", "linen trousers", "Cedar Street")));
        assertThat(keywords.count()).isEqualTo(store.count()).isEqualTo(2);
        assertThat(keywords.search(KeywordSearchRequest.of("velvet Meadowlark", 5))).isEmpty();
        assertThat(ids(rag.retrieve(Query.builder().text("Cedar Street linen").topK(1).build())))
                .containsExactly("a");
        assertThat(rag.retrieve(Query.builder().text("linen").topK(1).build()).get(0).metadata())
                .containsEntry("brand", "Cedar Street");
    }

    @Test
    void anImageOnlyQueryDoesNotTouchTheKeywordSide() {
        rag.index(List.of(item("a", "red hat", "Meadowlark")));
        keywords.close(); // a keyword search would now fail
        assertThat(ids(rag.retrieve(Query.ofImage(KeywordTestEncoder.image("red hat"))))).containsExactly("a");
        assertThat(ids(rag.retrieve(Query.builder().text("red hat").hybrid(false).build()))).containsExactly("a");
    }
}
