package dev.mmrag.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A portable filter on item metadata, which every {@link VectorStore} either evaluates itself (with
 * {@link #matches(Map)}) or translates into its engine's query language with the same meaning.
 *
 * <p>Semantics, which translations must keep:
 * <ul>
 *   <li>{@link Eq}: the key's value equals the given value. Numbers compare by value ({@code 2} equals
 *       {@code 2.0}); strings are case-sensitive. When the stored value is a list, it matches when any element
 *       equals the value.</li>
 *   <li>{@link Ne}: exactly {@code not(eq(...))}: an item without the key matches.</li>
 *   <li>{@link In}: the value, or any element of a list value, equals one of the given values.</li>
 *   <li>{@link Range}: the value, or any element of a list value, is a number within the bounds. Strings and
 *       booleans never match a range. Comparison is in double precision.</li>
 *   <li>{@link And}, {@link Or}, {@link Not}: the usual logic.</li>
 * </ul>
 * An item that lacks a key never matches {@code eq}, {@code in} or {@code range} on that key.
 *
 * <p>A store rejects a filter naming a key that no item ever written to it has had, with an
 * {@link InvalidInputException} (such a filter is almost always a typo that would otherwise quietly return
 * nothing, or everything), see {@link #requireKnownKeys(Set)}. A store that knows no key at all, such as an empty
 * store still being filled, applies every filter as it is (an empty store returns no hits), so that searches
 * served while an index loads do not fail.
 *
 * <p>Thread-safety: every filter is immutable.
 */
public sealed interface Filter permits Filter.Eq, Filter.Ne, Filter.In, Filter.Range, Filter.And, Filter.Or, Filter.Not {

    /**
     * Evaluates the filter on an item's metadata.
     *
     * @param metadata the metadata (normalised as {@link Metadata#copyOf(Map)} does)
     * @return whether the item matches
     */
    boolean matches(Map<String, Object> metadata);

    /** @return every metadata key the filter names */
    Set<String> keys();

    /**
     * Checks that the filter names only known keys, unless no key is known at all (see the class description).
     * The set may change while it is read (a store's live set of keys): a key written meanwhile counts as known.
     *
     * @param knownKeys the keys a store knows of
     * @throws InvalidInputException naming the first unknown key and listing the known ones
     */
    default void requireKnownKeys(Set<String> knownKeys) {
        if (knownKeys.isEmpty()) {
            return; // an empty store: nothing matches, and no typo can be told from a key yet to come
        }
        for (String key : keys()) {
            if (!knownKeys.contains(key)) {
                // Read once more, as a copy: a concurrent first write of the key makes it known after all.
                Set<String> known = new TreeSet<>(knownKeys);
                if (!known.contains(key)) {
                    throw new InvalidInputException("filter " + this + " names metadata key '" + key
                            + "', which no item in this store has; known keys: " + known);
                }
            }
        }
    }

    /**
     * @param key a metadata key
     * @param value a String, Boolean or number
     * @return the filter {@code key == value}
     */
    static Filter eq(String key, Object value) {
        return new Eq(key, value);
    }

    /**
     * @param key a metadata key
     * @param value a String, Boolean or number
     * @return the filter {@code key != value}
     */
    static Filter ne(String key, Object value) {
        return new Ne(key, value);
    }

    /**
     * @param key a metadata key
     * @param values one or more Strings, Booleans or numbers
     * @return the filter {@code key in (values)}
     */
    static Filter in(String key, Collection<?> values) {
        return new In(key, values == null ? null : new ArrayList<>(values));
    }

    /**
     * @param key a metadata key
     * @param values one or more Strings, Booleans or numbers
     * @return the filter {@code key in (values)}
     */
    static Filter in(String key, Object... values) {
        return in(key, values == null ? null : java.util.Arrays.asList(values));
    }

    /**
     * @param key a metadata key
     * @param value the exclusive lower bound
     * @return the filter {@code key > value}
     */
    static Filter gt(String key, Number value) {
        return new Range(key, toDouble(key, value), false, null, false);
    }

    /**
     * @param key a metadata key
     * @param value the inclusive lower bound
     * @return the filter {@code key >= value}
     */
    static Filter gte(String key, Number value) {
        return new Range(key, toDouble(key, value), true, null, false);
    }

    /**
     * @param key a metadata key
     * @param value the exclusive upper bound
     * @return the filter {@code key < value}
     */
    static Filter lt(String key, Number value) {
        return new Range(key, null, false, toDouble(key, value), false);
    }

    /**
     * @param key a metadata key
     * @param value the inclusive upper bound
     * @return the filter {@code key <= value}
     */
    static Filter lte(String key, Number value) {
        return new Range(key, null, false, toDouble(key, value), true);
    }

    /**
     * @param key a metadata key
     * @param lower the inclusive lower bound
     * @param upper the inclusive upper bound
     * @return the filter {@code lower <= key <= upper}
     */
    static Filter between(String key, Number lower, Number upper) {
        return new Range(key, toDouble(key, lower), true, toDouble(key, upper), true);
    }

    /**
     * @param filters one or more filters
     * @return a filter matching when all match
     */
    static Filter and(Filter... filters) {
        return new And(filters == null ? null : java.util.Arrays.asList(filters));
    }

    /**
     * @param filters one or more filters
     * @return a filter matching when any matches
     */
    static Filter or(Filter... filters) {
        return new Or(filters == null ? null : java.util.Arrays.asList(filters));
    }

    /**
     * @param filter a filter
     * @return a filter matching when it does not
     */
    static Filter not(Filter filter) {
        return new Not(filter);
    }

    /**
     * {@code key == value}. See {@link Filter} for the semantics.
     *
     * @param key a metadata key
     * @param value a String, Boolean, Long or Double (other numbers are normalised)
     */
    record Eq(String key, Object value) implements Filter {
        /** Validates and normalises. */
        public Eq {
            Metadata.checkKey(key);
            value = Metadata.normaliseFilterValue(key, value);
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            return FilterValues.anyEquals(metadata.get(key), value);
        }

        @Override
        public Set<String> keys() {
            return Set.of(key);
        }

        @Override
        public String toString() {
            return key + " == " + FilterValues.quote(value);
        }
    }

    /**
     * {@code key != value}, exactly {@code not(eq(key, value))}.
     *
     * @param key a metadata key
     * @param value a String, Boolean, Long or Double (other numbers are normalised)
     */
    record Ne(String key, Object value) implements Filter {
        /** Validates and normalises. */
        public Ne {
            Metadata.checkKey(key);
            value = Metadata.normaliseFilterValue(key, value);
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            return !FilterValues.anyEquals(metadata.get(key), value);
        }

        @Override
        public Set<String> keys() {
            return Set.of(key);
        }

        @Override
        public String toString() {
            return key + " != " + FilterValues.quote(value);
        }
    }

    /**
     * {@code key in (values)}.
     *
     * @param key a metadata key
     * @param values one or more Strings, Booleans, Longs or Doubles; copied and normalised
     */
    record In(String key, List<Object> values) implements Filter {
        /** Validates and normalises. */
        public In {
            Metadata.checkKey(key);
            if (values == null || values.isEmpty()) {
                throw new InvalidInputException("in-filter on '" + key + "' needs at least one value");
            }
            List<Object> copy = new ArrayList<>(values.size());
            for (Object value : values) {
                copy.add(Metadata.normaliseFilterValue(key, value));
            }
            values = List.copyOf(copy);
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            Object stored = metadata.get(key);
            for (Object value : values) {
                if (FilterValues.anyEquals(stored, value)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Set<String> keys() {
            return Set.of(key);
        }

        @Override
        public String toString() {
            return key + " in (" + values.stream().map(FilterValues::quote).collect(Collectors.joining(", ")) + ")";
        }
    }

    /**
     * A numeric range; at least one bound is set.
     *
     * @param key a metadata key
     * @param lower the lower bound, or null for none
     * @param lowerInclusive whether the lower bound is included
     * @param upper the upper bound, or null for none
     * @param upperInclusive whether the upper bound is included
     */
    record Range(String key, Double lower, boolean lowerInclusive, Double upper, boolean upperInclusive)
            implements Filter {
        /** Validates the bounds. */
        public Range {
            Metadata.checkKey(key);
            if (lower == null && upper == null) {
                throw new InvalidInputException("range filter on '" + key + "' needs a lower or an upper bound");
            }
            if ((lower != null && !Double.isFinite(lower)) || (upper != null && !Double.isFinite(upper))) {
                throw new InvalidInputException("range filter on '" + key + "' has a non-finite bound ("
                        + lower + ", " + upper + ")");
            }
            if (lower != null && upper != null && lower > upper) {
                throw new InvalidInputException("range filter on '" + key + "' has lower bound " + lower
                        + " above upper bound " + upper);
            }
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            Object stored = metadata.get(key);
            if (stored instanceof List) {
                for (Object element : (List<?>) stored) {
                    if (inRange(element)) {
                        return true;
                    }
                }
                return false;
            }
            return inRange(stored);
        }

        private boolean inRange(Object value) {
            if (!(value instanceof Number)) {
                return false;
            }
            double d = ((Number) value).doubleValue();
            boolean aboveLower = lower == null || (lowerInclusive ? d >= lower : d > lower);
            boolean belowUpper = upper == null || (upperInclusive ? d <= upper : d < upper);
            return aboveLower && belowUpper;
        }

        @Override
        public Set<String> keys() {
            return Set.of(key);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            if (lower != null) {
                s.append(FilterValues.number(lower)).append(lowerInclusive ? " <= " : " < ");
            }
            s.append(key);
            if (upper != null) {
                s.append(upperInclusive ? " <= " : " < ").append(FilterValues.number(upper));
            }
            return s.toString();
        }
    }

    /**
     * All of the filters match.
     *
     * @param filters one or more filters; copied
     */
    record And(List<Filter> filters) implements Filter {
        /** Validates and copies. */
        public And {
            filters = FilterValues.checkFilters("and", filters);
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            for (Filter filter : filters) {
                if (!filter.matches(metadata)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public Set<String> keys() {
            return FilterValues.keysOf(filters);
        }

        @Override
        public String toString() {
            return filters.stream().map(f -> "(" + f + ")").collect(Collectors.joining(" AND "));
        }
    }

    /**
     * Any of the filters matches.
     *
     * @param filters one or more filters; copied
     */
    record Or(List<Filter> filters) implements Filter {
        /** Validates and copies. */
        public Or {
            filters = FilterValues.checkFilters("or", filters);
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            for (Filter filter : filters) {
                if (filter.matches(metadata)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Set<String> keys() {
            return FilterValues.keysOf(filters);
        }

        @Override
        public String toString() {
            return filters.stream().map(f -> "(" + f + ")").collect(Collectors.joining(" OR "));
        }
    }

    /**
     * The filter does not match.
     *
     * @param filter the negated filter
     */
    record Not(Filter filter) implements Filter {
        /** Validates. */
        public Not {
            if (filter == null) {
                throw new InvalidInputException("not-filter needs a filter to negate");
            }
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            return !filter.matches(metadata);
        }

        @Override
        public Set<String> keys() {
            return filter.keys();
        }

        @Override
        public String toString() {
            return "NOT (" + filter + ")";
        }
    }

    private static Double toDouble(String key, Number value) {
        if (value == null) {
            throw new InvalidInputException("range filter on '" + key + "' has a null bound");
        }
        return value.doubleValue();
    }
}
