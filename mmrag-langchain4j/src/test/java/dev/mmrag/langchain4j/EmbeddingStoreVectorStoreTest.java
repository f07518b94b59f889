package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.mmrag.api.BatchResult;
import dev.mmrag.api.Filter;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metric;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.StoreException;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.api.VectorStore;
import dev.mmrag.test.VectorStoreContract;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link EmbeddingStoreVectorStore} over LangChain4j's real {@link InMemoryEmbeddingStore}: the whole
 * {@link VectorStoreContract} (cosine only; the other metrics must be refused), plus what the contract does not
 * look at: the score conversion against LangChain4j's own relevance score, the layout seen by a plain LangChain4j
 * user, metadata another LangChain4j program wrote, and per-item failures when the store refuses records.
 */
class EmbeddingStoreVectorStoreTest extends VectorStoreContract {

    @Override
    protected VectorStore newStore(int dimension, Metric metric) {
        return EmbeddingStoreVectorStore.of(new InMemoryEmbeddingStore<>(), dimension, metric);
    }

    @Override
    protected Set<Metric> metrics() {
        return Set.of(Metric.COSINE);
    }

    @Test
    void scoresAreCosinesWhileLangChain4jReportsOnePlusCosineOverTwo() {
        InMemoryEmbeddingStore<TextSegment> l4j = new InMemoryEmbeddingStore<>();
        EmbeddingStoreVectorStore store = EmbeddingStoreVectorStore.of(l4j, 2);
        store.upsert(VectorRecord.of("right", new float[] {1, 0}));
        store.upsert(VectorRecord.of("up", new float[] {0, 1}));
        store.upsert(VectorRecord.of("left", new float[] {-1, 0}));

        List<SearchHit> hits = store.search(SearchRequest.of(new float[] {1, 0}, 3));
        assertThat(hits).extracting(SearchHit::id).containsExactly("right", "up", "left");
        assertThat(hits).extracting(SearchHit::score).containsExactly(1.0, 0.0, -1.0);
        List<EmbeddingMatch<TextSegment>> raw = l4j.search(EmbeddingSearchRequest.builder()
                .queryEmbedding(Embedding.from(new float[] {1, 0})).maxResults(3).build()).matches();
        assertThat(raw).extracting(EmbeddingMatch::score).containsExactly(1.0, 0.5, 0.0);

        // minScore is a cosine: 0 keeps "right" and "up" (relevance >= 0.5), -1 keeps everything.
        assertThat(store.search(SearchRequest.builder(new float[] {1, 0}, 3).minScore(0.0).build()))
                .extracting(SearchHit::id).containsExactly("right", "up");
        assertThat(store.search(SearchRequest.builder(new float[] {1, 0}, 3).minScore(-1.0).build())).hasSize(3);
        assertThat(store.search(SearchRequest.builder(new float[] {1, 0}, 3).minScore(0.5).build()))
                .extracting(SearchHit::id).containsExactly("right");
    }

    @Test
    void otherMetricsAreRefusedNamingTheMetric() {
        assertThatThrownBy(() -> EmbeddingStoreVectorStore.of(new InMemoryEmbeddingStore<>(), 4, Metric.DOT_PRODUCT))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("DOT_PRODUCT")
                .hasMessageContaining("Metric.COSINE");
    }

    @Test
    void aLangChain4jUserSeesUuidIdsTypedSlotsAndStringsUnderTheirKey() {
        InMemoryEmbeddingStore<TextSegment> l4j = new InMemoryEmbeddingStore<>();
        EmbeddingStoreVectorStore store = EmbeddingStoreVectorStore.of(l4j, 2);
        store.upsert(new VectorRecord("sku 1/ä", new float[] {1, 0}, Map.of("color", "red", "price", 19.5,
                "stock", 3L, "sale", true, "tags", List.of("hat", 2L))));

        EmbeddingMatch<TextSegment> match = l4j.search(EmbeddingSearchRequest.builder()
                .queryEmbedding(Embedding.from(new float[] {1, 0})).maxResults(1).build()).matches().get(0);
        assertThat(match.embeddingId()).isEqualTo(MetadataCodec.storeId("sku 1/ä"))
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(match.embedded().text()).isEqualTo("sku 1/ä");
        assertThat(match.embedded().metadata().toMap()).containsOnly(
                Map.entry("mmrag#id", "sku 1/ä"), Map.entry("color", "red"), Map.entry("price#double", 19.5),
                Map.entry("stock#long", 3L), Map.entry("sale#bool", "true"), Map.entry("tags#len", 2L),
                Map.entry("tags#0", "hat"), Map.entry("tags#1#long", 2L));
    }

    @Test
    void recordsWrittenByAPlainLangChain4jProgramReadWithConvertedTypes() {
        InMemoryEmbeddingStore<TextSegment> l4j = new InMemoryEmbeddingStore<>();
        Metadata metadata = new Metadata().put("title", "A hat").put("year", 2024).put("weight", 0.5f)
                .put("ref", java.util.UUID.fromString("00000000-0000-0000-0000-000000000001")).put("bad key!", "x");
        l4j.add("plain-1", Embedding.from(new float[] {0, 1}), TextSegment.from("a hat", metadata));
        EmbeddingStoreVectorStore store = EmbeddingStoreVectorStore.of(l4j, 2);

        SearchHit hit = store.search(SearchRequest.of(new float[] {0, 1}, 1)).get(0);
        assertThat(hit.id()).isEqualTo("plain-1");
        assertThat(hit.score()).isCloseTo(1.0, within(1e-9));
        assertThat(hit.metadata()).containsOnly(Map.entry("title", "A hat"), Map.entry("year", 2024L),
                Map.entry("weight", 0.5), Map.entry("ref", "00000000-0000-0000-0000-000000000001"));
    }

    @Test
    void aRecordTheStoreRefusesFailsAloneWithTheStoresErrorAndItsStoredVersionIsKept() {
        RefusingStore l4j = new RefusingStore();
        EmbeddingStoreVectorStore store = EmbeddingStoreVectorStore.of(l4j, 2);
        store.upsert(new VectorRecord("kept", new float[] {1, 0}, Map.of("v", 1L)));
        BatchResult result = store.upsert(List.of(VectorRecord.of("a", new float[] {1, 0}),
                new VectorRecord("poison", new float[] {0, 1}, Map.of("poison", true)),
                VectorRecord.of("b", new float[] {1, 1}), VectorRecord.of("short", new float[] {1}),
                new VectorRecord("kept", new float[] {0, 1}, Map.of("poison", true))));

        assertThat(result.succeeded()).isEqualTo(2);
        assertThat(result.failures()).extracting(f -> f.id()).containsExactly("poison", "short", "kept");
        assertThat(result.failures().get(0).index()).isEqualTo(1);
        assertThat(result.failures().get(0).cause()).isInstanceOf(StoreException.class);
        assertThat(result.failures().get(0).message()).contains("RefusingStore").contains("no poison here");
        assertThat(result.failures().get(1).message()).contains("dimension 1");
        assertThat(result.failures().get(2).message()).contains("no poison here").contains("the stored record is kept");
        assertThat(store.get("a")).isPresent();
        assertThat(store.get("b")).isPresent();
        assertThat(store.get("poison")).isEmpty();
        VectorRecord kept = store.get("kept").orElseThrow();
        assertThat(kept.metadata()).isEqualTo(Map.of("v", 1L));
        assertThat(kept.vector()).containsExactly(1f, 0f);
        assertThat(store.count()).isEqualTo(3);
    }

    @Test
    void aFilterTheStoreCannotRunIsAnInvalidInputNamingTheFilter() {
        EmbeddingStoreVectorStore store = EmbeddingStoreVectorStore.of(new NoFilterStore(), 2);
        store.upsert(new VectorRecord("a", new float[] {1, 0}, Map.of("color", "red")));
        assertThatThrownBy(() -> store.search(SearchRequest.builder(new float[] {1, 0}, 1)
                .filter(Filter.ne("color", "red")).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("color != \"red\"")
                .hasMessageContaining("NoFilterStore").hasMessageContaining("filters are not supported");
    }

    /** The in-memory store, refusing items with metadata "poison" as a remote store refuses bad rows. */
    private static final class RefusingStore extends DelegatingStore {
        @Override
        public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
            if (segments.stream().anyMatch(s -> s.metadata().containsKey("poison#bool"))) {
                throw new IllegalArgumentException("no poison here");
            }
            super.addAll(ids, embeddings, segments);
        }
    }

    /** The in-memory store, refusing every filter but the id lookups, as stores without filter support do. */
    private static final class NoFilterStore extends DelegatingStore {
        @Override
        public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
            if (request.filter() != null && !request.filter().toString().contains("mmrag#id")) {
                throw new UnsupportedOperationException("filters are not supported");
            }
            return super.search(request);
        }
    }

    /** Forwards to a real {@link InMemoryEmbeddingStore}. */
    private static class DelegatingStore implements EmbeddingStore<TextSegment> {
        private final InMemoryEmbeddingStore<TextSegment> delegate = new InMemoryEmbeddingStore<>();

        @Override
        public String add(Embedding embedding) {
            return delegate.add(embedding);
        }

        @Override
        public void add(String id, Embedding embedding) {
            delegate.add(id, embedding);
        }

        @Override
        public String add(Embedding embedding, TextSegment segment) {
            return delegate.add(embedding, segment);
        }

        @Override
        public List<String> addAll(List<Embedding> embeddings) {
            return delegate.addAll(embeddings);
        }

        @Override
        public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
            delegate.addAll(ids, embeddings, segments);
        }

        @Override
        public void removeAll(Collection<String> ids) {
            delegate.removeAll(ids);
        }

        @Override
        public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
            return delegate.search(request);
        }
    }
}
