package dev.mmrag.langchain4j;

import dev.mmrag.api.Retrieved;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes every link from a model's answer that does not come from the metadata of the sources it was given, so
 * that a prompt injection hidden in a product description cannot make mmrag print a phishing link.
 *
 * <p>A <em>link</em> in the answer is text that starts with {@code http://}, {@code https://} or {@code www.}
 * (in any case, anywhere, even inside a word) and runs until a space or one of {@code < > " ' ` ( ) [ ] { }};
 * trailing {@code . , ; : ! ? * _ ~} are taken as punctuation, not part of it. An <em>allowed</em> link is a
 * metadata value (or list element) of a source that is, as a whole, one link: {@code url:
 * https://shop.example/p/1} counts, a description that mentions a link does not. The keys looked at can be
 * restricted (for example to {@code url}). Links are compared without their scheme, with the host in lower case,
 * without a trailing {@code /} and with {@code &amp;} read as {@code &} (the augmenter escapes {@code &});
 * an allowed link is written exactly as the metadata has it, any other is replaced with
 * {@value #REPLACEMENT} and its host is reported.
 *
 * <p>Text can be fed in pieces as a model streams it: {@link #accept(String)} returns what is safe to show now
 * and holds back a link, or what may become one, until it is complete; {@link #finish()} returns the rest. The
 * pieces returned, joined, equal what cleaning the whole text at once gives.
 *
 * <p>Thread-safety: not thread-safe; one guard cleans one answer.
 */
final class LinkGuard {

    /** What a removed link is replaced with. */
    static final String REPLACEMENT = "[link removed]";

    private static final Pattern LINK = Pattern.compile("(?i)(?:https?://|www\\.)[^\\s<>\"'`()\\[\\]{}]+");
    private static final List<String> LINK_STARTS = List.of("https://", "http://", "www.");
    private static final int LONGEST_START = 8;
    private static final String TRAILING_PUNCTUATION = ".,;:!?*_~";

    private final Map<String, String> allowed;
    private final StringBuilder pending = new StringBuilder();
    private final List<String> removedHosts = new ArrayList<>();

    private LinkGuard(Map<String, String> allowed) {
        this.allowed = allowed;
    }

    /**
     * @param sources the sources the answer may cite
     * @param linkKeys the metadata keys whose values may be links, or null for every key
     * @return a guard that allows the links in those sources' metadata
     */
    static LinkGuard forSources(List<Retrieved> sources, Set<String> linkKeys) {
        Map<String, String> allowed = new LinkedHashMap<>();
        for (Retrieved source : sources) {
            for (Map.Entry<String, Object> entry : source.metadata().entrySet()) {
                if (linkKeys == null || linkKeys.contains(entry.getKey())) {
                    addLinks(entry.getValue(), allowed);
                }
            }
        }
        return new LinkGuard(allowed);
    }

    private static void addLinks(Object value, Map<String, String> allowed) {
        if (value instanceof Collection) {
            for (Object element : (Collection<?>) value) {
                addLinks(element, allowed);
            }
        } else if (value instanceof String) {
            String link = ((String) value).strip();
            if (LINK.matcher(link).matches()) {
                allowed.putIfAbsent(comparable(link), link);
            }
        }
    }

    /**
     * @param piece the next piece of the answer
     * @return the text that is safe to show now, cleaned; possibly empty
     */
    String accept(String piece) {
        pending.append(piece);
        int safe = safeEnd(pending);
        String out = clean(pending.substring(0, safe));
        pending.delete(0, safe);
        return out;
    }

    /** @return the rest of the answer, cleaned */
    String finish() {
        String out = clean(pending.toString());
        pending.setLength(0);
        return out;
    }

    /** @return the hosts of the links removed so far, in order */
    List<String> removedHosts() {
        return List.copyOf(removedHosts);
    }

    /** Where the text that cannot be part of an unfinished link ends. */
    private static int safeEnd(CharSequence text) {
        int length = text.length();
        Matcher link = LINK.matcher(text);
        while (link.find()) {
            if (link.end() == length) {
                return link.start();
            }
        }
        for (int k = Math.min(LONGEST_START, length); k > 0; k--) {
            String tail = text.subSequence(length - k, length).toString().toLowerCase(Locale.ROOT);
            for (String start : LINK_STARTS) {
                if (start.startsWith(tail)) {
                    return length - k;
                }
            }
        }
        return length;
    }

    private String clean(String text) {
        Matcher link = LINK.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        while (link.find()) {
            String found = link.group();
            int end = found.length();
            while (end > 0 && TRAILING_PUNCTUATION.indexOf(found.charAt(end - 1)) >= 0) {
                end--;
            }
            String candidate = found.substring(0, end);
            out.append(text, last, link.start());
            String allowedLink = allowed.get(comparable(candidate));
            if (allowedLink != null) {
                out.append(allowedLink);
            } else {
                out.append(REPLACEMENT);
                removedHosts.add(host(candidate));
            }
            out.append(found, end, found.length());
            last = link.end();
        }
        return out.append(text, last, text.length()).toString();
    }

    /** The form in which links are compared: no scheme, host in lower case, no trailing slash, &amp; as &. */
    private static String comparable(String link) {
        String s = link.replace("&amp;", "&");
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            s = s.substring("https://".length());
        } else if (lower.startsWith("http://")) {
            s = s.substring("http://".length());
        }
        int hostEnd = hostEnd(s);
        String rest = s.substring(hostEnd);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        return s.substring(0, hostEnd).toLowerCase(Locale.ROOT) + rest;
    }

    private static String host(String link) {
        String s = comparable(link);
        return s.substring(0, hostEnd(s));
    }

    private static int hostEnd(String withoutScheme) {
        for (int i = 0; i < withoutScheme.length(); i++) {
            char c = withoutScheme.charAt(i);
            if (c == '/' || c == '?' || c == '#' || c == '\\') {
                return i;
            }
        }
        return withoutScheme.length();
    }
}
