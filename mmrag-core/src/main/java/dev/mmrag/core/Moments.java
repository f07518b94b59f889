package dev.mmrag.core;

import dev.mmrag.api.Moment;
import dev.mmrag.api.Retrieved;
import java.util.Locale;

/**
 * How a moment is cited in prompts and answers: {@code lookbook.mp4 at 0:12-0:17 (score 0.81)}.
 *
 * <p>Thread-safety: stateless.
 */
final class Moments {

    private Moments() {
    }

    /**
     * @param item the video hit
     * @param moment one of its moments
     * @return the citation: the video's file name (or the item id when it has no video reference), the span
     *     and the score with two decimals
     */
    static String describe(Retrieved item, Moment moment) {
        return item.videoName().orElse(item.id()) + " at " + moment.span().describe()
                + String.format(Locale.ROOT, " (score %.2f)", moment.score());
    }
}
