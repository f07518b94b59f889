package dev.mmrag.langchain4j;

import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;
import dev.mmrag.api.Filter;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Metadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.ToIntFunction;

/**
 * How {@link EmbeddingStoreVectorStore} lays mmrag metadata out in LangChain4j's metadata, reads it back, and
 * translates mmrag's {@link Filter} into LangChain4j's filter API. Stateless; package-private.
 *
 * <p>LangChain4j metadata holds String, UUID, Integer, Long, Float and Double values only, one type per key as far
 * as its filters are concerned (its in-memory filters throw on a String compared with a number). mmrag's values
 * are String, Boolean, Long, Double and lists of those, and one key may hold different types in different items.
 * So every value goes to a slot named by its key, its list position and its type ({@code #} never occurs in an
 * mmrag key, so slots cannot collide with them):
 * <ul>
 *   <li>a String under the key itself ({@code color}), so plain LangChain4j users see text metadata as usual;</li>
 *   <li>a Long under {@code key#long}, a Double under {@code key#double}, a Boolean as the String
 *       {@code "true"}/{@code "false"} under {@code key#bool};</li>
 *   <li>the element {@code i} of a list under {@code key#i}, {@code key#i#long} ..., and the list's length under
 *       {@code key#len} (so that empty lists and one-element lists survive the round trip).</li>
 * </ul>
 * The item's mmrag id is kept under {@value #ID_KEY}.
 */
final class MetadataCodec {

    /** The LangChain4j metadata key that holds the mmrag id. */
    static final String ID_KEY = "mmrag#id";

    private static final String LONG = "#long";
    private static final String DOUBLE = "#double";
    private static final String BOOL = "#bool";
    private static final String LEN = "#len";

    private MetadataCodec() {
    }

    /**
     * @param id an mmrag id
     * @return the LangChain4j id: a name-based UUID, which every LangChain4j store accepts (several accept UUIDs only)
     */
    static String storeId(String id) {
        return UUID.nameUUIDFromBytes(("mmrag:" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /**
     * @param id the mmrag id
     * @param metadata normalised mmrag metadata
     * @return the LangChain4j metadata map
     */
    static Map<String, Object> encode(String id, Map<String, Object> metadata) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(ID_KEY, id);
        metadata.forEach((key, value) -> {
            if (value instanceof List) {
                List<?> list = (List<?>) value;
                out.put(key + LEN, (long) list.size());
                for (int i = 0; i < list.size(); i++) {
                    putScalar(out, key + "#" + i, list.get(i));
                }
            } else {
                putScalar(out, key, value);
            }
        });
        return out;
    }

    private static void putScalar(Map<String, Object> out, String slot, Object value) {
        if (value instanceof String) {
            out.put(slot, value);
        } else if (value instanceof Long) {
            out.put(slot + LONG, value);
        } else if (value instanceof Double) {
            out.put(slot + DOUBLE, value);
        } else if (value instanceof Boolean) {
            out.put(slot + BOOL, value.toString());
        } else {
            throw new IllegalStateException("not normalised metadata value " + value);
        }
    }

    /**
     * Reads LangChain4j metadata back. Values written by this codec come back with their exact mmrag types.
     * Metadata written by something else maps as: String and UUID to String, Integer and Long to Long, Float and
     * Double to Double; keys mmrag does not allow are skipped.
     *
     * @param stored the LangChain4j metadata map
     * @return normalised mmrag metadata (without the id)
     */
    static Map<String, Object> decode(Map<String, Object> stored) {
        Map<String, Object> scalars = new LinkedHashMap<>();
        Map<String, Long> lengths = new LinkedHashMap<>();
        Map<String, TreeMap<Integer, Object>> elements = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : stored.entrySet()) {
            String slot = entry.getKey();
            if (slot.equals(ID_KEY)) {
                continue;
            }
            String[] parts = slot.split("#", -1);
            String key = parts[0];
            if (!allowedKey(key)) {
                continue;
            }
            Object raw = entry.getValue();
            if (parts.length == 2 && parts[1].equals("len")) {
                lengths.put(key, ((Number) raw).longValue());
                continue;
            }
            int typeAt = 1;
            Integer index = null;
            if (parts.length > 1 && !parts[1].isEmpty() && parts[1].chars().allMatch(Character::isDigit)) {
                index = Integer.parseInt(parts[1]);
                typeAt = 2;
            }
            String type = parts.length > typeAt ? parts[typeAt] : "";
            Object value = decodeScalar(type, raw);
            if (value == null) {
                continue;
            }
            if (index == null) {
                scalars.put(key, value);
            } else {
                elements.computeIfAbsent(key, k -> new TreeMap<>()).put(index, value);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>(scalars);
        lengths.forEach((key, length) -> {
            TreeMap<Integer, Object> items = elements.getOrDefault(key, new TreeMap<>());
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                Object element = items.get(i);
                if (element != null) {
                    list.add(element);
                }
            }
            out.put(key, list);
        });
        return Metadata.copyOf(out);
    }

    private static boolean allowedKey(String key) {
        try {
            Metadata.checkKey(key);
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }

    private static Object decodeScalar(String type, Object raw) {
        switch (type) {
            case "":
                return raw instanceof String || raw instanceof UUID ? raw.toString() : number(raw);
            case "long":
                return raw instanceof Number ? ((Number) raw).longValue() : null;
            case "double":
                return raw instanceof Number ? ((Number) raw).doubleValue() : null;
            case "bool":
                return raw instanceof String ? Boolean.valueOf((String) raw) : null;
            default:
                return null;
        }
    }

    private static Object number(Object raw) {
        if (raw instanceof Integer || raw instanceof Long) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof Float || raw instanceof Double) {
            double d = ((Number) raw).doubleValue();
            return Double.isFinite(d) ? d : null;
        }
        return null;
    }

    /**
     * Translates an mmrag filter. Every mmrag operator has a translation: eq on a list becomes an or over the
     * list's slots, numbers are compared in both numeric slots, ne and not become LangChain4j's {@code Not}.
     *
     * @param filter the mmrag filter
     * @param maxListLength the longest list written under a key (0 when none)
     * @return the LangChain4j filter
     */
    static dev.langchain4j.store.embedding.filter.Filter translate(Filter filter, ToIntFunction<String> maxListLength) {
        if (filter instanceof Filter.Eq) {
            Filter.Eq eq = (Filter.Eq) filter;
            return equalsAnySlot(eq.key(), eq.value(), maxListLength);
        }
        if (filter instanceof Filter.Ne) {
            Filter.Ne ne = (Filter.Ne) filter;
            return new Not(equalsAnySlot(ne.key(), ne.value(), maxListLength));
        }
        if (filter instanceof Filter.In) {
            Filter.In in = (Filter.In) filter;
            List<dev.langchain4j.store.embedding.filter.Filter> any = new ArrayList<>();
            for (Object value : in.values()) {
                any.add(equalsAnySlot(in.key(), value, maxListLength));
            }
            return or(any);
        }
        if (filter instanceof Filter.Range) {
            Filter.Range range = (Filter.Range) filter;
            List<dev.langchain4j.store.embedding.filter.Filter> any = new ArrayList<>();
            for (String base : bases(range.key(), maxListLength)) {
                any.add(range(base + LONG, range));
                any.add(range(base + DOUBLE, range));
            }
            return or(any);
        }
        if (filter instanceof Filter.And) {
            List<dev.langchain4j.store.embedding.filter.Filter> all = new ArrayList<>();
            for (Filter f : ((Filter.And) filter).filters()) {
                all.add(translate(f, maxListLength));
            }
            return all.stream().reduce(And::new).orElseThrow();
        }
        if (filter instanceof Filter.Or) {
            List<dev.langchain4j.store.embedding.filter.Filter> any = new ArrayList<>();
            for (Filter f : ((Filter.Or) filter).filters()) {
                any.add(translate(f, maxListLength));
            }
            return or(any);
        }
        return new Not(translate(((Filter.Not) filter).filter(), maxListLength));
    }

    private static List<String> bases(String key, ToIntFunction<String> maxListLength) {
        List<String> bases = new ArrayList<>();
        bases.add(key);
        int length = maxListLength.applyAsInt(key);
        for (int i = 0; i < length; i++) {
            bases.add(key + "#" + i);
        }
        return bases;
    }

    private static dev.langchain4j.store.embedding.filter.Filter equalsAnySlot(String key, Object value,
            ToIntFunction<String> maxListLength) {
        List<dev.langchain4j.store.embedding.filter.Filter> any = new ArrayList<>();
        for (String base : bases(key, maxListLength)) {
            if (value instanceof String) {
                any.add(new IsEqualTo(base, value));
            } else if (value instanceof Boolean) {
                any.add(new IsEqualTo(base + BOOL, value.toString()));
            } else if (value instanceof Long) {
                long l = (Long) value;
                any.add(new IsEqualTo(base + LONG, l));
                any.add(new IsEqualTo(base + DOUBLE, (double) l));
            } else {
                double d = (Double) value;
                any.add(new IsEqualTo(base + DOUBLE, d));
                if (d == Math.rint(d) && Math.abs(d) < 0x1p63) {
                    any.add(new IsEqualTo(base + LONG, (long) d));
                }
            }
        }
        return or(any);
    }

    private static dev.langchain4j.store.embedding.filter.Filter range(String slot, Filter.Range range) {
        dev.langchain4j.store.embedding.filter.Filter lower = range.lower() == null ? null
                : range.lowerInclusive() ? new IsGreaterThanOrEqualTo(slot, range.lower())
                : new IsGreaterThan(slot, range.lower());
        dev.langchain4j.store.embedding.filter.Filter upper = range.upper() == null ? null
                : range.upperInclusive() ? new IsLessThanOrEqualTo(slot, range.upper())
                : new IsLessThan(slot, range.upper());
        if (lower == null) {
            return upper;
        }
        return upper == null ? lower : new And(lower, upper);
    }

    private static dev.langchain4j.store.embedding.filter.Filter or(
            List<dev.langchain4j.store.embedding.filter.Filter> filters) {
        return filters.stream().reduce(Or::new).orElseThrow();
    }
}
