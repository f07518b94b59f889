package dev.mmrag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.BatchResult;
import dev.mmrag.api.Filter;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import dev.mmrag.api.ItemFailure;
import dev.mmrag.api.KeywordDocument;
import dev.mmrag.api.KeywordFields;
import dev.mmrag.api.KeywordIndex;
import dev.mmrag.api.KeywordSearchRequest;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.SearchHit;
import dev.mmrag.test.KeywordTestEncoder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * How {@link DefaultRetriever} and {@link MultimodalRag} use a {@link KeywordIndex}: when hybrid is on, what
 * each list is asked, and that indexing and deletion keep both sides in step. The keyword index here is a
 * recording double that matches documents holding any query word, scored by how many; the real one
 * ({@code LuceneKeywordIndex}) runs the same pipeline in mmrag-lucene's {@code HybridPipelineTest}.
 */
class HybridRetrievalTest {

    /** Matches documents containing any of the query's lower-cased words; records the requests. */
    static final class RecordingKeywordIndex implements KeywordIndex {
        final Map<String, KeywordDocument> documents = new LinkedHashMap<>();
        final List<KeywordSearchRequest> requests = new ArrayList<>();
        final Set<String> refuse = new java.util.HashSet<>();

        @Override
        public BatchResult upsert(List<KeywordDocument> batch) {
            List<ItemFailure> failures = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                KeywordDocument doc = batch.get(i);
                if (refuse.contains(doc.id())) {
                    failures.add(new ItemFailure(doc.id(), i, "refused for the test", null));
                } else {
                    documents.put(doc.id(), doc);
                }
            }
            return new BatchResult(batch.size(), failures);
        }

        @Override
        public int delete(Collection<String> ids) {
            int n = 0;
            for (String id : ids) {
                n += documents.remove(id) != null ? 1 : 0;
            }
            return n;
        }

        @Override
        public long count() {
            return documents.size();
        }

        @Override
        public List<SearchHit> search(KeywordSearchRequest request) {
            requests.add(request);
            List<String> words = List.of(request.text().toLowerCase().split("\\W+"));
            List<SearchHit> hits = new ArrayList<>();
            for (KeywordDocument doc : documents.values()) {
                if (request.filter() != null && !request.filter().matches(doc.metadata())) {
                    continue;
                }
                String text = String.join(" ", doc.fields().values()).toLowerCase();
                long matches = words.stream().filter(w -> !w.isEmpty() && text.contains(w)).count();
                if (matches > 0) {
                    hits.add(SearchHit.of(doc.id(), matches, doc.metadata()));
                }
            }
            hits.sort((a, b) -> Double.compare(b.score(), a.score()));
            return hits.subList(0, Math.min(request.topK(), hits.size()));
        }

        @Override
        public Set<String> metadataKeys() {
            return Set.of();
        }
    }

    private final KeywordTestEncoder encoder = new KeywordTestEncoder();
    private final ExactVectorStore store = new ExactVectorStore(encoder.dimension(), Metric.COSINE);
    private final RecordingKeywordIndex keywords = new RecordingKeywordIndex();
    private final KeywordFields fields = KeywordFields.of(KeywordFields.TEXT, "brand").with("brand", 2.0);

    private MultimodalRag rag() {
        return MultimodalRag.builder().encoder(encoder).store(store).keywordIndex(keywords).keywordFields(fields)
                .build();
    }

    private static Item item(String id, String text, String brand) {
        return Item.builder(id).text(text).metadata("brand", brand).build();
    }

    private static List<String> ids(List<Retrieved> results) {
        return results.stream().map(Retrieved::id).collect(Collectors.toList());
    }

    @Test
    void indexingWritesEachItemsConfiguredFieldsAndItsStoredMetadata() {
        rag().index(List.of(item("a", "red hat", "Meadowlark")));
        KeywordDocument doc = keywords.documents.get("a");
        assertThat(doc.fields()).containsExactly(Map.entry("text", "red hat"), Map.entry("brand", "Meadowlark"));
        assertThat(doc.metadata()).isEqualTo(store.get("a").orElseThrow().metadata());
    }

    @Test
    void aTextQueryAsksTheKeywordIndexWithItsFilterBoostsAndCandidates() {
        MultimodalRag rag = rag();
        rag.index(List.of(item("a", "red hat", "Meadowlark"), item("b", "blue hat", "Urban Loom")));
        Filter filter = Filter.eq("brand", "Urban Loom");
        List<Retrieved> results = rag.retrieve(Query.builder().text("urban hat").topK(3).filter(filter).build());
        assertThat(ids(results)).containsExactly("b");
        assertThat(keywords.requests).hasSize(1);
        KeywordSearchRequest request = keywords.requests.get(0);
        assertThat(request.text()).isEqualTo("urban hat");
        assertThat(request.filter()).isEqualTo(filter);
        assertThat(request.topK()).isEqualTo(3 * DefaultRetriever.DEFAULT_CANDIDATE_MULTIPLIER);
        assertThat(request.fieldBoosts()).isEqualTo(fields.boosts());
    }

    @Test
    void theKeywordListLiftsAnItemTheVectorsMiss() {
        MultimodalRag rag = rag();
        // Vectors hash words: "Harbor" appears only in the brand field, which the encoder never sees.
        rag.index(List.of(item("a", "red hat", "Meadowlark"), item("b", "red hat", "Harbor"),
                item("c", "red hat", "Urban Loom")));
        List<Retrieved> vectorOnly = rag.retrieve(Query.builder().text("harbor red hat").topK(3).hybrid(false).build());
        List<Retrieved> hybrid = rag.retrieve(Query.builder().text("harbor red hat").topK(3).build());
        assertThat(ids(hybrid).get(0)).isEqualTo("b");
        assertThat(ids(vectorOnly)).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(keywords.requests).hasSize(1); // only the hybrid query asked
    }

    @Test
    void hybridCanBeTurnedOffPerQueryOrByDefaultAndImageQueriesNeverAsk() {
        MultimodalRag rag = rag();
        rag.index(List.of(item("a", "red hat", "Meadowlark")));
        rag.retrieve(Query.builder().text("red hat").hybrid(false).build());
        rag.retrieve(Query.ofImage(KeywordTestEncoder.image("red hat")));
        assertThat(keywords.requests).isEmpty();
        DefaultRetriever off = DefaultRetriever.builder(encoder, store).keywordIndex(keywords, fields)
                .hybridByDefault(false).build();
        off.retrieve(Query.ofText("red hat"));
        assertThat(keywords.requests).isEmpty();
        off.retrieve(Query.builder().text("red hat").hybrid(true).build());
        assertThat(keywords.requests).hasSize(1);
        assertThat(off.usesKeywords(Query.ofText("x"))).isFalse();
        assertThat(DefaultRetriever.of(encoder, store).usesKeywords(Query.builder().text("x").hybrid(true).build()))
                .isFalse();
        assertThatThrownBy(() -> Query.builder().image(KeywordTestEncoder.image("x")).hybrid(true).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("needs text");
    }

    @Test
    void aTextAndImageQueryFusesThreeLists() {
        MultimodalRag rag = MultimodalRag.builder().encoder(encoder).store(store).keywordIndex(keywords)
                .keywordFields(fields).hybridFusion(HybridFusion.reciprocalRank(1, 1, 0, 0)).build();
        rag.index(List.of(item("a", "red hat", "Meadowlark"), item("b", "blue shoe", "Harbor")));
        // Text and image weights 0: the keyword list alone orders the result.
        List<Retrieved> results = rag.retrieve(Query.builder().text("harbor").image(KeywordTestEncoder.image("red hat"))
                .topK(2).build());
        assertThat(ids(results)).containsExactly("b", "a");
        assertThat(results.get(0).score()).isEqualTo(1.0 / 2);
    }

    @Test
    void anItemTheKeywordIndexRefusesIsTakenOutOfTheStoreAndReported() {
        keywords.refuse.add("b");
        IndexReport report = rag().index(List.of(item("a", "red hat", "M"), item("b", "blue hat", "M"),
                item("c", "green hat", "M")));
        assertThat(report.indexed()).isEqualTo(2);
        assertThat(report.failures()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("b");
            assertThat(f.index()).isEqualTo(1);
            assertThat(f.message()).contains("keyword index refused").contains("refused for the test");
        });
        assertThat(store.get("b")).isEmpty();
        assertThat(store.count()).isEqualTo(keywords.count()).isEqualTo(2);
    }

    @Test
    void deleteRemovesFromBothSides() {
        MultimodalRag rag = rag();
        rag.index(List.of(item("a", "red hat", "M"), item("b", "blue hat", "M")));
        assertThat(rag.delete(List.of("a", "zzz"))).isEqualTo(1);
        assertThat(store.get("a")).isEmpty();
        assertThat(keywords.documents).containsOnlyKeys("b");
        assertThat(ids(rag.retrieve(Query.ofText("red hat")))).containsExactly("b");
    }
}
