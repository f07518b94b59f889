package dev.mmrag.test;

import dev.mmrag.api.Filter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The portable filter cases every contract holds its implementations to ({@link VectorStoreContract},
 * {@link KeywordIndexContract}): the metadata they are run on and the filters, so that vector stores and keyword
 * indexes are checked against the same reference, {@link Filter#matches}, on the same data.
 *
 * <p>Thread-safety: stateless.
 */
public final class FilterCases {

    /** How many items {@link #catalogueMetadata(int)} describes. */
    public static final int CATALOGUE_SIZE = 60;

    private FilterCases() {
    }

    /**
     * The metadata of item {@code i} of the filter catalogue: a colour, a price, a size, a stock flag, and every
     * fourth item a list of tags; items named {@code item-<i>}.
     *
     * @param i the item's number, 0 to {@link #CATALOGUE_SIZE} - 1
     * @return its metadata
     */
    public static Map<String, Object> catalogueMetadata(int i) {
        String[] colours = {"red", "blue", "green"};
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("color", colours[i % 3]);
        metadata.put("price", 10.0 + i);
        metadata.put("size", (long) (i % 5));
        metadata.put("inStock", i % 2 == 0);
        if (i % 4 == 0) {
            metadata.put("tags", List.of("sale", "t" + (i % 8)));
        }
        return metadata;
    }

    /**
     * Awkward metadata, of items {@code a}, {@code b} and {@code c} in that order: dotted keys, a key holding
     * different types, big longs, lists of numbers.
     *
     * @return the three items' metadata
     */
    public static List<Map<String, Object>> awkwardMetadata() {
        return List.of(
                Map.of("size.eu", 42L, "size", "M", "n", 9_007_199_254_740_993L, "dims", List.of(10L, 20.5)),
                Map.of("size.eu", "42", "n", 1.0, "dims", List.of(5L)),
                Map.of("size.eu", 42.5, "n", 1L, "dims", List.of()));
    }

    /** @return the filters run on the catalogue: a name for the report, then the filter */
    public static Stream<Arguments> onCatalogue() {
        List<Arguments> cases = new ArrayList<>();
        add(cases, "equals on a string", Filter.eq("color", "red"));
        add(cases, "equals on a number compares by value", Filter.eq("size", 2), Filter.eq("price", 15));
        add(cases, "equals on a boolean", Filter.eq("inStock", true));
        add(cases, "equals on a list matches any element", Filter.eq("tags", "sale"), Filter.eq("tags", "t4"));
        add(cases, "not equals includes items without the key", Filter.ne("color", "red"), Filter.ne("tags", "t4"));
        add(cases, "in", Filter.in("color", "red", "green"), Filter.in("size", 0, 4));
        add(cases, "numeric ranges", Filter.gt("price", 40), Filter.gte("price", 40), Filter.lt("price", 20),
                Filter.lte("price", 20), Filter.between("price", 25, 35.5), Filter.between("size", 1, 2));
        add(cases, "and, or, not", Filter.and(Filter.eq("color", "blue"), Filter.lt("price", 50)),
                Filter.or(Filter.eq("color", "blue"), Filter.eq("size", 0)),
                Filter.not(Filter.eq("inStock", true)),
                Filter.and(Filter.or(Filter.eq("color", "red"), Filter.in("size", 1, 3)),
                        Filter.not(Filter.between("price", 20, 30))));
        return cases.stream();
    }

    /** @return the filters run on the awkward metadata: a name for the report, then the filter */
    public static Stream<Arguments> onAwkwardMetadata() {
        List<Arguments> cases = new ArrayList<>();
        add(cases, "dotted keys, mixed types and lists", Filter.eq("size.eu", 42), Filter.eq("size.eu", "42"),
                Filter.gt("size.eu", 42), Filter.eq("n", 1), Filter.eq("n", 9_007_199_254_740_993L),
                Filter.between("dims", 15, 25), Filter.ne("size", "M"));
        return cases.stream();
    }

    private static void add(List<Arguments> cases, String name, Filter... filters) {
        for (Filter filter : filters) {
            cases.add(Arguments.of(name, filter));
        }
    }
}
