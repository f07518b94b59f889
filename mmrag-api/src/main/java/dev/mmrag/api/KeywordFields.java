package dev.mmrag.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which parts of an item a {@link KeywordIndex} holds, and how much each weighs at search time: metadata keys,
 * plus two names with a fixed meaning, {@value #ID} (the item's id) and {@value #TEXT} (the item's
 * {@link TextContent}s, joined by newlines). A metadata key named like one of those two is not used for it.
 *
 * <p>{@link #document(Item)} turns an item into its {@link KeywordDocument}: a metadata string as it is, a
 * number or boolean as its text, a list as its elements joined by spaces; a field the item lacks is left out.
 * The boosts go into every {@link KeywordSearchRequest} the retriever makes.
 *
 * <p>Default ({@link #defaults()}): the item's texts and id, weight 1 each.
 *
 * <p>Thread-safety: immutable.
 *
 * @param boosts field name to weight (finite, above 0); at least one; copied, order kept
 */
public record KeywordFields(Map<String, Double> boosts) {

    /** The field that holds the item's id. */
    public static final String ID = "id";

    /** The field that holds the item's texts. */
    public static final String TEXT = "text";

    /** Validates and copies. */
    public KeywordFields {
        boosts = KeywordSearchRequest.checkBoosts(boosts);
        if (boosts.isEmpty()) {
            throw new InvalidInputException("keyword fields need at least one field");
        }
    }

    /** @return the item's texts and id, weight 1 each */
    public static KeywordFields defaults() {
        return of(TEXT, ID);
    }

    /**
     * @param fields field names, weight 1 each
     * @return those fields
     */
    public static KeywordFields of(String... fields) {
        Map<String, Double> boosts = new LinkedHashMap<>();
        if (fields != null) {
            for (String field : fields) {
                boosts.put(field, 1.0);
            }
        }
        return new KeywordFields(boosts);
    }

    /**
     * @param field a field name
     * @param boost its weight, finite and above 0
     * @return a copy with that field added or reweighted
     */
    public KeywordFields with(String field, double boost) {
        Map<String, Double> copy = new LinkedHashMap<>(boosts);
        copy.put(field, boost);
        return new KeywordFields(copy);
    }

    /**
     * @param item an item
     * @return its keyword document: the configured fields it has, and its metadata
     */
    public KeywordDocument document(Item item) {
        return document(item, item.metadata());
    }

    /**
     * @param item an item
     * @param storedMetadata the metadata stored with it (its own, possibly with what the pipeline adds)
     * @return its keyword document: the configured fields it has, and that metadata
     */
    public KeywordDocument document(Item item, Map<String, Object> storedMetadata) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : boosts.keySet()) {
            String text;
            if (field.equals(ID)) {
                text = item.id();
            } else if (field.equals(TEXT)) {
                List<String> texts = new ArrayList<>();
                for (Content content : item.contents()) {
                    if (content instanceof TextContent) {
                        texts.add(((TextContent) content).text());
                    }
                }
                text = texts.isEmpty() ? null : String.join("\n", texts);
            } else {
                text = asText(item.metadata().get(field));
            }
            if (text != null && !text.isBlank()) {
                fields.put(field, text);
            }
        }
        return new KeywordDocument(item.id(), fields, storedMetadata);
    }

    private static String asText(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List) {
            List<String> parts = new ArrayList<>();
            for (Object element : (List<?>) value) {
                parts.add(String.valueOf(element));
            }
            return String.join(" ", parts);
        }
        return String.valueOf(value);
    }
}
