package dev.mmrag.api;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Value comparison and printing for {@link Filter}'s records. Stateless; package-private. */
final class FilterValues {
private FilterValues() {
    }

    static boolean anyEquals(Object stored, Object value) {
        if (stored instanceof List) {
            for (Object element : (List<?>) stored) {
                if (scalarEquals(element, value)) {
                    return true;
                }
            }
            return false;
        }
        return scalarEquals(stored, value);
    }

    static boolean scalarEquals(Object stored, Object value) {
        if (stored == null) {
            return false;
        }
        if (stored instanceof Number && value instanceof Number) {
            if (stored instanceof Long && value instanceof Long) {
                return stored.equals(value);
            }
            return ((Number) stored).doubleValue() == ((Number) value).doubleValue();
        }
        return stored.equals(value);
    }

    static List<Filter> checkFilters(String operator, List<Filter> filters) {
        if (filters == null || filters.isEmpty()) {
            throw new InvalidInputException(operator + "-filter needs at least one filter");
        }
        for (Filter filter : filters) {
            if (filter == null) {
                throw new InvalidInputException(operator + "-filter has a null filter");
            }
        }
        return List.copyOf(filters);
    }

    static Set<String> keysOf(List<Filter> filters) {
        Set<String> keys = new LinkedHashSet<>();
        for (Filter filter : filters) {
            keys.addAll(filter.keys());
        }
        return keys;
    }

    static String quote(Object value) {
        if (value instanceof String) {
            return "\"" + value + "\"";
        }
        return value instanceof Double ? number((Double) value) : String.valueOf(value);
    }

    static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
}
