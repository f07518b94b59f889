package dev.mmrag.core;

import dev.mmrag.api.Item;
import dev.mmrag.api.Moment;
import dev.mmrag.api.Retrieved;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The words of an item's spoken segments, kept in its stored metadata as three parallel lists
 * ({@code mmrag_spoken_start_ms}, {@code mmrag_spoken_end_ms}, {@code mmrag_spoken_text}; see
 * {@link Item#SPOKEN_KEY_PREFIX}), and the step that turns a found segment whose span is one of them into a
 * spoken {@link Moment} with its words.
 *
 * <p>Thread-safety: stateless.
 */
final class SpokenMoments {

    static final String START_KEY = Item.SPOKEN_KEY_PREFIX + "start_ms";
    static final String END_KEY = Item.SPOKEN_KEY_PREFIX + "end_ms";
    static final String TEXT_KEY = Item.SPOKEN_KEY_PREFIX + "text";

    private SpokenMoments() {
    }

    /** Adds the three lists for the given passages (in time order) to {@code metadata}. */
    static void store(Map<String, Object> metadata, List<Long> starts, List<Long> ends, List<String> texts) {
        if (starts.isEmpty()) {
            return;
        }
        metadata.put(START_KEY, List.copyOf(starts));
        metadata.put(END_KEY, List.copyOf(ends));
        metadata.put(TEXT_KEY, List.copyOf(texts));
    }

    /**
     * @param item a search result
     * @return the same result, its moments whose span and lack of keyframe match a stored spoken passage turned
     *     into spoken moments with their words; the result itself when it has none
     */
    static Retrieved annotate(Retrieved item) {
        if (item.moments().isEmpty() || !(item.metadata().get(TEXT_KEY) instanceof List)) {
            return item;
        }
        List<?> starts = list(item.metadata().get(START_KEY));
        List<?> ends = list(item.metadata().get(END_KEY));
        List<?> texts = list(item.metadata().get(TEXT_KEY));
        if (starts.size() != texts.size() || ends.size() != texts.size()) {
            return item;
        }
        List<Moment> moments = new ArrayList<>(item.moments().size());
        boolean changed = false;
        for (Moment moment : item.moments()) {
            Moment annotated = moment;
            if (moment.keyframe() == null && !moment.isSpoken()) {
                for (int i = 0; i < texts.size(); i++) {
                    if (equalsLong(starts.get(i), moment.span().startMs()) && equalsLong(ends.get(i), moment.span().endMs())
                            && texts.get(i) instanceof String && !((String) texts.get(i)).isBlank()) {
                        annotated = Moment.spoken(moment.span(), moment.score(), (String) texts.get(i));
                        changed = true;
                        break;
                    }
                }
            }
            moments.add(annotated);
        }
        return changed ? new Retrieved(item.id(), item.score(), item.metadata(), moments) : item;
    }

    private static List<?> list(Object value) {
        return value instanceof List ? (List<?>) value : List.of();
    }

    private static boolean equalsLong(Object value, long expected) {
        return value instanceof Number && ((Number) value).longValue() == expected;
    }
}
