package dev.mmrag.store.elasticsearch;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import dev.mmrag.api.Filter;
import dev.mmrag.api.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates a portable {@link Filter} into an Elasticsearch query on the typed metadata fields of
 * {@link Documents}, keeping {@link Filter}'s semantics:
 * <ul>
 *   <li>{@code eq} and {@code in} become {@code terms} queries, one per value type: strings on the keyword field,
 *       booleans on the boolean field; a whole number matches stored whole numbers exactly ({@code ml}) and stored
 *       floating-point numbers by value ({@code md}); a floating-point number matches every stored number by value
 *       ({@code mn}). A list value is a multi-valued field, so it matches when any element does.</li>
 *   <li>{@code ne} and {@code not} become {@code must_not}, so items without the key match.</li>
 *   <li>{@code range} becomes a {@code range} query on the double field {@code mn}, which only numbers have.</li>
 *   <li>{@code and} and {@code or} become {@code bool} {@code filter} and {@code should}.</li>
 * </ul>
 * A filter this class cannot translate is an {@link InvalidInputException}, never ignored.
 *
 * <p>Thread-safety: stateless.
 */
final class FilterTranslator {

    private FilterTranslator() {
    }

    /**
     * @param filter a filter
     * @return the equivalent query, for a filter context (no scoring)
     * @throws InvalidInputException when the filter cannot be expressed in Elasticsearch
     */
    static Query translate(Filter filter) {
        if (filter instanceof Filter.Eq) {
            Filter.Eq eq = (Filter.Eq) filter;
            return anyEquals(eq.key(), List.of(eq.value()));
        }
        if (filter instanceof Filter.In) {
            Filter.In in = (Filter.In) filter;
            return anyEquals(in.key(), in.values());
        }
        if (filter instanceof Filter.Ne) {
            Filter.Ne ne = (Filter.Ne) filter;
            return not(anyEquals(ne.key(), List.of(ne.value())));
        }
        if (filter instanceof Filter.Range) {
            return range((Filter.Range) filter);
        }
        if (filter instanceof Filter.And) {
            List<Query> all = translateAll(((Filter.And) filter).filters());
            return Query.of(q -> q.bool(b -> b.filter(all)));
        }
        if (filter instanceof Filter.Or) {
            return anyOf(translateAll(((Filter.Or) filter).filters()));
        }
        if (filter instanceof Filter.Not) {
            return not(translate(((Filter.Not) filter).filter()));
        }
        throw new InvalidInputException("filter " + filter + " (" + filter.getClass().getName()
                + ") has no Elasticsearch translation; expected eq, ne, in, range, and, or or not");
    }

    private static List<Query> translateAll(List<Filter> filters) {
        List<Query> queries = new ArrayList<>(filters.size());
        for (Filter filter : filters) {
            queries.add(translate(filter));
        }
        return queries;
    }

    /** The key's value, or an element of it, equals one of the values (normalised by {@link Filter}). */
    private static Query anyEquals(String key, List<Object> values) {
        List<FieldValue> strings = new ArrayList<>();
        List<FieldValue> booleans = new ArrayList<>();
        List<FieldValue> longs = new ArrayList<>();
        List<FieldValue> longsAsDoubles = new ArrayList<>();
        List<FieldValue> doubles = new ArrayList<>();
        for (Object value : values) {
            if (value instanceof String) {
                strings.add(FieldValue.of(indexable(key, (String) value)));
            } else if (value instanceof Boolean) {
                booleans.add(FieldValue.of((boolean) (Boolean) value));
            } else if (value instanceof Long) {
                longs.add(FieldValue.of((long) (Long) value));
                longsAsDoubles.add(FieldValue.of((double) (Long) value));
            } else if (value instanceof Double) {
                doubles.add(FieldValue.of((double) (Double) value));
            } else {
                throw new InvalidInputException("filter value " + value + " on '" + key + "' is a "
                        + value.getClass().getName() + "; expected a String, Boolean, Long or Double");
            }
        }
        List<Query> clauses = new ArrayList<>();
        addTerms(clauses, Documents.field(Documents.STRINGS, key), strings);
        addTerms(clauses, Documents.field(Documents.BOOLEANS, key), booleans);
        addTerms(clauses, Documents.field(Documents.LONGS, key), longs);
        addTerms(clauses, Documents.field(Documents.DOUBLES, key), longsAsDoubles);
        addTerms(clauses, Documents.field(Documents.NUMBERS, key), doubles);
        return clauses.size() == 1 ? clauses.get(0) : anyOf(clauses);
    }

    private static String indexable(String key, String value) {
        if (value.length() > Documents.MAX_INDEXED_STRING) {
            throw new InvalidInputException("filter on '" + key + "' compares with a string of " + value.length()
                    + " characters; Elasticsearch indexes strings of at most " + Documents.MAX_INDEXED_STRING
                    + " characters, so such a filter cannot be evaluated");
        }
        return value;
    }

    private static void addTerms(List<Query> clauses, String field, List<FieldValue> values) {
        if (!values.isEmpty()) {
            clauses.add(Query.of(q -> q.terms(t -> t.field(field).terms(f -> f.value(values)))));
        }
    }

    private static Query range(Filter.Range range) {
        String field = Documents.field(Documents.NUMBERS, range.key());
        return Query.of(q -> q.range(r -> r.number(n -> {
            n.field(field);
            if (range.lower() != null) {
                if (range.lowerInclusive()) {
                    n.gte(range.lower());
                } else {
                    n.gt(range.lower());
                }
            }
            if (range.upper() != null) {
                if (range.upperInclusive()) {
                    n.lte(range.upper());
                } else {
                    n.lt(range.upper());
                }
            }
            return n;
        })));
    }

    private static Query anyOf(List<Query> queries) {
        return Query.of(q -> q.bool(b -> b.should(queries).minimumShouldMatch("1")));
    }

    private static Query not(Query query) {
        return Query.of(q -> q.bool(b -> b.mustNot(List.of(query))));
    }
}
