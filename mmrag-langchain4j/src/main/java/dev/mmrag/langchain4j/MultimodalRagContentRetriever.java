package dev.mmrag.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.mmrag.api.Filter;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.Retriever;
import dev.mmrag.api.SearchRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * mmrag's retrieval inside LangChain4j's RAG: a LangChain4j {@link ContentRetriever} backed by an mmrag
 * {@link Retriever}, typically {@code MultimodalRag::retrieve}. With a CLIP encoder, a text question finds items
 * indexed from their photos as well as from their text, so an {@code AiServices} application adds multimodal
 * retrieval with one line:
 * <pre>{@code
 * Assistant assistant = AiServices.builder(Assistant.class).chatModel(model)
 *         .contentRetriever(MultimodalRagContentRetriever.of(rag::retrieve))
 *         .build();
 * }</pre>
 *
 * <p>Each retrieved item becomes one {@link Content}: its text segment's text lists the item's id and metadata
 * ({@code key: value} lines, lists joined with ", ", the image reference left out), its metadata holds the
 * item's metadata as LangChain4j values (String, Long, Double; Booleans and lists as text) plus the id under
 * {@value #ID_KEY}, and the item's image reference (path or URL) under {@link Item#IMAGE_REF_KEY} when it has one;
 * the content metadata holds {@link ContentMetadata#SCORE} (mmrag's score: cosine, or the fused score for
 * text-and-image queries) and {@link ContentMetadata#EMBEDDING_ID} (the item id). LangChain4j's RAG contents are
 * text: to send the items' images to a vision model, use {@link MultimodalContentInjector} as the retrieval
 * augmentor's content injector.
 *
 * <p>Defaults: {@link Query#DEFAULT_TOP_K} items, no filter, no minimum score.
 *
 * <p>Thread-safety: immutable; as safe for concurrent use as the retriever (mmrag's is).
 */
public final class MultimodalRagContentRetriever implements ContentRetriever {

    /** The text-segment metadata key that holds the item id. */
    public static final String ID_KEY = "mmrag_id";

    private final Retriever retriever;
    private final int topK;
    private final Filter filter;
    private final Double minScore;

    private MultimodalRagContentRetriever(Retriever retriever, int topK, Filter filter, Double minScore) {
        if (retriever == null) {
            throw new InvalidInputException("retriever must not be null; pass multimodalRag::retrieve");
        }
        this.retriever = retriever;
        this.topK = SearchRequest.checkTopK(topK);
        this.filter = filter;
        if (minScore != null && !Double.isFinite(minScore)) {
            throw new InvalidInputException("minScore is " + minScore + "; expected a finite number or none");
        }
        this.minScore = minScore;
    }

    /**
     * @param retriever the mmrag retriever, such as {@code multimodalRag::retrieve}
     * @return a content retriever with the defaults
     */
    public static MultimodalRagContentRetriever of(Retriever retriever) {
        return new MultimodalRagContentRetriever(retriever, Query.DEFAULT_TOP_K, null, null);
    }

    /**
     * @param newTopK how many items to retrieve, 1 to {@value SearchRequest#MAX_TOP_K}
     * @return a copy with that topK
     */
    public MultimodalRagContentRetriever withTopK(int newTopK) {
        return new MultimodalRagContentRetriever(retriever, newTopK, filter, minScore);
    }

    /**
     * @param newFilter only items matching it, or null for all
     * @return a copy with that filter
     */
    public MultimodalRagContentRetriever withFilter(Filter newFilter) {
        return new MultimodalRagContentRetriever(retriever, topK, newFilter, minScore);
    }

    /**
     * @param newMinScore only items scoring at least this, or null for no limit
     * @return a copy with that minimum score
     */
    public MultimodalRagContentRetriever withMinScore(Double newMinScore) {
        return new MultimodalRagContentRetriever(retriever, topK, filter, newMinScore);
    }

    /**
     * @param query LangChain4j's query; its text is the mmrag query's text
     * @return the retrieved items, best first
     * @throws InvalidInputException when the query text is blank
     */
    @Override
    public List<Content> retrieve(dev.langchain4j.rag.query.Query query) {
        if (query == null || query.text() == null || query.text().isBlank()) {
            throw new InvalidInputException("the LangChain4j query has no text; mmrag retrieves for a text");
        }
        List<Retrieved> items = retriever.retrieve(Query.builder().text(query.text()).topK(topK).filter(filter)
                .minScore(minScore).build());
        List<Content> contents = new ArrayList<>(items.size());
        for (Retrieved item : items) {
            Map<ContentMetadata, Object> meta = new LinkedHashMap<>();
            meta.put(ContentMetadata.SCORE, item.score());
            meta.put(ContentMetadata.EMBEDDING_ID, item.id());
            contents.add(Content.from(TextSegment.from(text(item), metadata(item)), meta));
        }
        return contents;
    }

    private static String text(Retrieved item) {
        StringBuilder text = new StringBuilder("id: ").append(item.id());
        item.metadata().forEach((key, value) -> {
            if (!key.equals(Item.IMAGE_REF_KEY)) {
                text.append('\n').append(key).append(": ").append(display(value));
            }
        });
        return text.toString();
    }

    private static dev.langchain4j.data.document.Metadata metadata(Retrieved item) {
        dev.langchain4j.data.document.Metadata out = new dev.langchain4j.data.document.Metadata();
        item.metadata().forEach((key, value) -> {
            if (value instanceof Long) {
                out.put(key, (long) (Long) value);
            } else if (value instanceof Double) {
                out.put(key, (double) (Double) value);
            } else {
                out.put(key, display(value));
            }
        });
        out.put(ID_KEY, item.id());
        return out;
    }

    private static String display(Object value) {
        if (value instanceof List) {
            return ((List<?>) value).stream().map(String::valueOf).collect(Collectors.joining(", "));
        }
        return String.valueOf(value);
    }

    @Override
    public String toString() {
        return "MultimodalRagContentRetriever[topK=" + topK + ", filter=" + filter + ", minScore=" + minScore + "]";
    }
}
