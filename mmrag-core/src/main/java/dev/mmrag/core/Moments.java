package dev.mmrag.core;

import dev.mmrag.api.Moment;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.TimeSpan;
import java.util.Locale;

/**
 * How a moment is cited in prompts and answers: {@code lookbook.mp4 at 0:12-0:17 (score 0.81)}, or for a spoken
 * one {@code lookbook.mp4 at 0:42: 'the red striped t-shirt' (score 0.79)}.
 *
 * <p>Thread-safety: stateless.
 */
final class Moments {

    /** The longest quote of a spoken moment's words in a citation, in characters. */
    static final int MAX_QUOTE = 300;

    private Moments() {
    }

    /**
     * @param item the video hit
     * @param moment one of its moments
     * @return the citation: the video's file name (or the item id when it has no video reference), the span
     *     and the score with two decimals
     */
    static String describe(Retrieved item, Moment moment) {
        if (moment.isSpoken()) {
            return item.mediaName().orElse(item.id()) + " at " + TimeSpan.clock(moment.span().startMs()) + ": '"
                    + quote(moment.words()) + "'" + String.format(Locale.ROOT, " (score %.2f)", moment.score());
        }
        return item.videoName().orElse(item.id()) + " at " + moment.span().describe()
                + String.format(Locale.ROOT, " (score %.2f)", moment.score());
    }

    /** The words of a spoken moment on one line, at most {@value #MAX_QUOTE} characters (cut at a word, with ...). */
    static String quote(String words) {
        String line = words.replaceAll("\\s+", " ").strip();
        if (line.length() <= MAX_QUOTE) {
            return line;
        }
        int cut = line.lastIndexOf(' ', MAX_QUOTE);
        return line.substring(0, cut > MAX_QUOTE / 2 ? cut : MAX_QUOTE) + "...";
    }
}
