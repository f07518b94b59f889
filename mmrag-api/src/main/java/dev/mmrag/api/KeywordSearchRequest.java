package dev.mmrag.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A keyword search: a query text, how many hits, an optional filter and per-field boosts.
 *
 * <p>Thread-safety: immutable.
 *
 * @param text the query text, not blank, at most {@value #MAX_TEXT_LENGTH} characters
 * @param topK how many hits at most, 1 to {@value SearchRequest#MAX_TOP_K}
 * @param filter only documents whose metadata matches, or null for all
 * @param fieldBoosts the fields to search, each with its weight (a finite number above 0); empty (the default)
 *     searches every field with weight 1; copied, order kept
 */
public record KeywordSearchRequest(String text, int topK, Filter filter, Map<String, Double> fieldBoosts) {

    /** The longest query text, in characters. */
    public static final int MAX_TEXT_LENGTH = 10_000;

    /** Validates and copies. */
    public KeywordSearchRequest {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("keyword search text must not be blank (got "
                    + (text == null ? "null" : "\"" + text + "\"") + ")");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new InvalidInputException("keyword search text has " + text.length() + " characters; at most "
                    + MAX_TEXT_LENGTH + " are allowed");
        }
        SearchRequest.checkTopK(topK);
        fieldBoosts = checkBoosts(fieldBoosts);
    }

    /**
     * @param text the query text
     * @param topK how many hits at most
     * @return a request over every field, without filter
     */
    public static KeywordSearchRequest of(String text, int topK) {
        return new KeywordSearchRequest(text, topK, null, Map.of());
    }

    /**
     * @param newFilter a filter, or null for none
     * @return a copy with that filter
     */
    public KeywordSearchRequest withFilter(Filter newFilter) {
        return new KeywordSearchRequest(text, topK, newFilter, fieldBoosts);
    }

    /**
     * @param boosts the fields to search with their weights (empty: every field, weight 1)
     * @return a copy with those boosts
     */
    public KeywordSearchRequest withFieldBoosts(Map<String, Double> boosts) {
        return new KeywordSearchRequest(text, topK, filter, boosts);
    }

    static Map<String, Double> checkBoosts(Map<String, Double> boosts) {
        if (boosts == null || boosts.isEmpty()) {
            return Map.of();
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Double> entry : boosts.entrySet()) {
            String name = Metadata.checkKey(entry.getKey());
            Double boost = entry.getValue();
            if (boost == null || !(boost > 0) || !Double.isFinite(boost)) {
                throw new InvalidInputException("boost of field '" + name + "' is " + boost
                        + "; expected a finite number above 0");
            }
            copy.put(name, boost);
        }
        return Collections.unmodifiableMap(copy);
    }
}
