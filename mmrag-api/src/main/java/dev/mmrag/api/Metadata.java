package dev.mmrag.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validation and normalisation of item metadata, shared by every value type and store.
 *
 * <p>Metadata maps string keys to values of these types only, so that every store can hold and filter them:
 * <ul>
 *   <li>{@link String};</li>
 *   <li>{@link Boolean};</li>
 *   <li>integral numbers ({@code Byte}, {@code Short}, {@code Integer}, {@code Long}, a {@code BigInteger}
 *       that fits a long), all stored as {@link Long};</li>
 *   <li>finite floating-point numbers ({@code Float}, {@code Double}, {@code BigDecimal}), stored as
 *       {@link Double} ({@code -0.0} becomes {@code 0.0});</li>
 *   <li>a {@link List} of the above (not of lists), copied.</li>
 * </ul>
 * Keys match {@value #KEY_PATTERN_TEXT} (at most 128 characters). Null values, NaN, infinities, strings that are
 * not well-formed Unicode (a lone UTF-16 surrogate, see {@link Unicode}) and other types are rejected with an
 * {@link InvalidInputException} naming the key and the problem; so are filter values.
 *
 * <p>Thread-safety: stateless; the maps it returns are immutable.
 */
public final class Metadata {

    /** The pattern every metadata key matches, as text. */
    public static final String KEY_PATTERN_TEXT = "[A-Za-z0-9_][A-Za-z0-9_.-]*";

    private static final Pattern KEY_PATTERN = Pattern.compile(KEY_PATTERN_TEXT);
    private static final int MAX_KEY_LENGTH = 128;

    private Metadata() {
    }

    /**
     * Validates and copies metadata, normalising numbers to {@link Long} or {@link Double}.
     *
     * @param metadata the metadata; null means empty
     * @return an immutable copy that keeps the iteration order of the input
     * @throws InvalidInputException when a key or value is not allowed
     */
    public static Map<String, Object> copyOf(Map<String, ?> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, ?> entry : metadata.entrySet()) {
            String key = checkKey(entry.getKey());
            copy.put(key, normalise(key, entry.getValue(), Role.VALUE));
        }
        return Collections.unmodifiableMap(copy);
    }

    /**
     * Checks a metadata key.
     *
     * @param key the key
     * @return the key
     * @throws InvalidInputException when the key is null, blank, too long or has characters outside
     *     {@value #KEY_PATTERN_TEXT}
     */
    public static String checkKey(String key) {
        if (key == null) {
            throw new InvalidInputException("metadata key must not be null");
        }
        if (key.length() > MAX_KEY_LENGTH || !KEY_PATTERN.matcher(key).matches()) {
            throw new InvalidInputException("metadata key '" + key + "' is not allowed; keys match "
                    + KEY_PATTERN_TEXT + " and have at most " + MAX_KEY_LENGTH + " characters");
        }
        return key;
    }

    /**
     * Normalises one scalar value (no lists) the way {@link #copyOf(Map)} does.
     *
     * @param key the key the value belongs to, for the message
     * @param value the value
     * @return the value as a String, Boolean, Long or Double
     * @throws InvalidInputException when the value is null or of another type
     */
    public static Object normaliseScalar(String key, Object value) {
        return normalise(key, value, Role.SCALAR);
    }

    /**
     * Normalises a value a {@link Filter} compares with, as {@link #normaliseScalar} does, with messages about
     * the filter.
     */
    static Object normaliseFilterValue(String key, Object value) {
        return normalise(key, value, Role.FILTER_VALUE);
    }

    /** What a value being normalised is, for what is allowed and for the messages. */
    private enum Role {
        VALUE("metadata key '%s' has"),
        SCALAR("metadata key '%s' has"),
        LIST_ELEMENT("metadata key '%s' has a list element of"),
        FILTER_VALUE("the filter on metadata key '%s' compares with");

        private final String subject;

        Role(String subject) {
            this.subject = subject;
        }

        String subject(String key) {
            return String.format(subject, key);
        }

        /** @return whether the value is an item's own (not a list element's or a filter's) */
        boolean isItemValue() {
            return this == VALUE || this == SCALAR;
        }
    }

    private static Object normalise(String key, Object value, Role role) {
        if (value == null) {
            throw new InvalidInputException(role.isItemValue()
                    ? "metadata key '" + key + "' has a null value; remove the key instead"
                    : role.subject(key) + " null; expected a String, Boolean or number");
        }
        if (value instanceof String) {
            String text = (String) value;
            int surrogate = Unicode.loneSurrogateIndex(text);
            if (surrogate >= 0) {
                throw new InvalidInputException(role.subject(key) + " a string that is not well-formed Unicode: "
                        + Unicode.problem(text, surrogate));
            }
            return value;
        }
        if (value instanceof Boolean || value instanceof Long) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger) {
            BigInteger big = (BigInteger) value;
            if (big.bitLength() > 63) {
                throw new InvalidInputException(role.subject(key) + " integer " + big
                        + ", which does not fit a 64-bit long");
            }
            return big.longValue();
        }
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new InvalidInputException(role.subject(key) + " non-finite number " + value
                        + "; expected a finite number");
            }
            return d == 0 ? 0.0 : d; // -0.0 and 0.0 are the same number to every store
        }
        if (value instanceof List && role == Role.VALUE) {
            List<?> list = (List<?>) value;
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(normalise(key, element, Role.LIST_ELEMENT));
            }
            return Collections.unmodifiableList(copy);
        }
        throw new InvalidInputException(role.subject(key)
                + (role.isItemValue() ? " a value of" : "")
                + " unsupported type " + typeName(value) + "; expected a String, Boolean or number"
                + (role == Role.VALUE ? ", or a List of those" : "")
                + (role == Role.FILTER_VALUE && value instanceof Collection ? " (use Filter.in for several values)" : ""));
    }

    /** @return the value's type for a message: "a List", "a Map", or the class name */
    private static String typeName(Object value) {
        if (value instanceof List) {
            return "List";
        }
        if (value instanceof Map) {
            return "Map";
        }
        if (value instanceof Collection) {
            return "Collection";
        }
        return value.getClass().getName();
    }
}
