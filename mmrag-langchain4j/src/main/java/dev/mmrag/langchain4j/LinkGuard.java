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
import java.util.stream.Collectors;

/**
 * Removes every link from a model's answer that does not come from the metadata of the sources it was given, so
 * that a prompt injection hidden in a product description cannot make mmrag print a phishing link.
 *
 * <p>A <em>link</em> in the answer is text that starts with one of these, in any case, and runs until a space or
 * one of {@code < > " ' ` ( ) [ ] { }}:
 * <ul>
 *   <li>{@code http:} or {@code https:}, anywhere, even inside a word, with or without slashes (browsers read
 *       {@code https:\host} and {@code https:host} as {@code https://host});
 *   <li>two or more slashes or backslashes before a letter or digit, anywhere: a scheme-relative link such as
 *       {@code //host/login} (as in markdown's {@code [Buy](//host)}), and the host and path of a link with any other
 *       scheme, such as {@code ftp://host/x}, whose scheme ({@code ftp:}) is left in the text as a word;
 *   <li>{@code www.}, anywhere;
 *   <li>{@code mailto:}, {@code tel:}, {@code sms:}, {@code data:}, {@code javascript:} or {@code vbscript:} followed
 *       by at least one character, where no letter or digit comes right before (so {@code Metadata:} is a word).
 * </ul>
 * A {@code [} right after the slashes (an IPv6 host) ends the link there. Trailing {@code . , ; : ! ? * _ ~} are taken
 * as punctuation, not part of it. Bare domains ({@code shop.example/p/1}) and bare e-mail addresses are not
 * recognised: telling {@code evil.example} from {@code Node.js} or {@code setup.py} ({@code .py} is a real top-level
 * domain) is guesswork, and since any word could turn out to be the first part of a domain, streamed text would be
 * held back a word at a time.
 *
 * <p>An <em>allowed</em> link is a metadata value (or list element) of a source that is, as a whole, one link, or a
 * scheme followed by one ({@code ftp://files.example/manual.pdf}): {@code url: https://shop.example/p/1} counts, a
 * description that mentions a link does not. The keys looked at can be restricted (for example to {@code url}).
 * Web links (everything but the {@code mailto:}-like schemes) are compared by host and path only: without their
 * scheme and slashes, with the host in lower case, without a trailing {@code /} and with {@code &amp;} read as
 * {@code &} (the augmenter escapes {@code &}); the others by their whole text, the scheme in lower case. An allowed
 * link is written exactly as the metadata has it (after {@code //}, without its scheme, when the answer wrote it
 * scheme-relative or with another scheme); any other is replaced with {@value #REPLACEMENT} and its host (for
 * {@code tel:}, {@code data:} and the like: its scheme) is reported.
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

    /** The characters that end a link: white space, quotes and brackets. */
    private static final String SEPARATORS = " \t\n\u000B\f\r<>\"'`()[]{}";
    /** A character that can be part of a link: anything but a separator. */
    private static final String LINK_CHAR = "[^" + SEPARATORS.chars().mapToObj(c -> "\\x{" + Integer.toHexString(c) + "}")
            .collect(Collectors.joining()) + "]";
    /** Schemes whose links need no slashes: e-mail, phone and text-message addresses, inline data and scripts. */
    private static final String OPAQUE_SCHEMES = "mailto|tel|sms|data|javascript|vbscript";
    private static final Pattern LINK = Pattern.compile(
            "https?:[/\\\\]*+(?:\\[|" + LINK_CHAR + "+)"
                    + "|(?<![/\\\\])[/\\\\]{2,}+(?:\\[|[\\p{L}\\p{N}]" + LINK_CHAR + "*)"
                    + "|www\\." + LINK_CHAR + "+"
                    + "|(?<![\\p{L}\\p{N}])(?:" + OPAQUE_SCHEMES + "):" + LINK_CHAR + "+",
            Pattern.CASE_INSENSITIVE);
    /** A scheme before {@code //}, which an allowed link may have. */
    private static final Pattern SCHEME_BEFORE_SLASHES = Pattern.compile("[a-z][a-z0-9+.-]*:(?=[/\\\\]{2})",
            Pattern.CASE_INSENSITIVE);
    /** What comparing a web link ignores: http(s) and its slashes, another scheme and its slashes, or the slashes. */
    private static final Pattern WEB_PREFIX = Pattern.compile(
            "https?:[/\\\\]*|[a-z][a-z0-9+.-]*:[/\\\\]{2,}|[/\\\\]{2,}", Pattern.CASE_INSENSITIVE);
    private static final Pattern OPAQUE_PREFIX = Pattern.compile("(?:" + OPAQUE_SCHEMES + "):", Pattern.CASE_INSENSITIVE);
    private static final String TRAILING_PUNCTUATION = ".,;:!?*_~";
    /** The start of the text for the look-behind of the {@code mailto:}-like schemes: no letter or digit. */
    private static final char TEXT_START = '\n';

    private final Map<String, String> allowed;
    private final StringBuilder pending = new StringBuilder();
    /** The character before {@link #pending}, which decides whether a {@code mailto:}-like scheme starts a link. */
    private char before = TEXT_START;
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
            if (isOneLink(link)) {
                allowed.putIfAbsent(comparable(link), link);
            }
        }
    }

    /** Whether a metadata value is one link, or one after a scheme such as {@code ftp:}. */
    private static boolean isOneLink(String value) {
        Matcher scheme = SCHEME_BEFORE_SLASHES.matcher(value);
        int start = scheme.lookingAt() ? scheme.end() : 0;
        return LINK.matcher(value).region(start, value.length()).matches();
    }

    /**
     * @param piece the next piece of the answer
     * @return the text that is safe to show now, cleaned; possibly empty
     */
    String accept(String piece) {
        pending.append(piece);
        int safe = safeEnd();
        String out = clean(safe);
        if (safe > 0) {
            before = pending.charAt(safe - 1);
            pending.delete(0, safe);
        }
        return out;
    }

    /** @return the rest of the answer, cleaned */
    String finish() {
        String out = clean(pending.length());
        pending.setLength(0);
        return out;
    }

    /** @return the hosts of the links removed so far, in order */
    List<String> removedHosts() {
        return List.copyOf(removedHosts);
    }

    /**
     * Where the pending text that cleaning can no longer change ends: at the first place where a link starts that
     * may still grow, or where the text so far may become the start of one. Only the last run of link characters
     * needs a look, since a link cannot contain a space or bracket (an IPv6 host's {@code [} ends it).
     */
    private int safeEnd() {
        String text = before + pending.toString();
        int length = text.length();
        int runStart = length;
        while (runStart > 1 && SEPARATORS.indexOf(text.charAt(runStart - 1)) < 0) {
            runStart--;
        }
        Matcher link = matcher(text);
        for (int start = runStart; start < length; start++) {
            link.region(start, length);
            if (link.lookingAt() || link.hitEnd()) {
                return start - 1;
            }
        }
        return pending.length();
    }

    /** Cleans the first {@code end} characters of the pending text. */
    private String clean(int end) {
        String text = before + pending.substring(0, end);
        Matcher link = matcher(text).region(1, text.length());
        StringBuilder out = new StringBuilder(text.length());
        int last = 1;
        while (link.find()) {
            String found = link.group();
            int length = found.length();
            while (length > 0 && TRAILING_PUNCTUATION.indexOf(found.charAt(length - 1)) >= 0) {
                length--;
            }
            String candidate = found.substring(0, length);
            out.append(text, last, link.start());
            String allowedLink = allowed.get(comparable(candidate));
            if (allowedLink == null) {
                out.append(REPLACEMENT);
                removedHosts.add(host(candidate));
            } else if (isSlash(candidate.charAt(0))) {
                out.append("//").append(withoutWebPrefix(allowedLink));
            } else {
                out.append(allowedLink);
            }
            out.append(found, length, found.length());
            last = link.end();
        }
        return out.append(text, last, text.length()).toString();
    }

    /** A matcher whose look-behind sees the character before the region, as in the whole text. */
    private static Matcher matcher(String text) {
        return LINK.matcher(text).useTransparentBounds(true);
    }

    /**
     * The form in which links are compared: a web link as {@code //}, its host in lower case and its path, without
     * a trailing slash; a {@code mailto:}-like link as its scheme and the rest, in lower case up to the first
     * {@code / ? #} or backslash; {@code &amp;} read as {@code &}.
     */
    private static String comparable(String link) {
        String s = link.replace("&amp;", "&");
        String prefix;
        Matcher opaque = OPAQUE_PREFIX.matcher(s);
        if (opaque.lookingAt()) {
            prefix = opaque.group().toLowerCase(Locale.ROOT);
            s = s.substring(opaque.end());
        } else {
            prefix = "//";
            s = withoutWebPrefix(s);
        }
        int hostEnd = hostEnd(s);
        String rest = s.substring(hostEnd);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        return prefix + s.substring(0, hostEnd).toLowerCase(Locale.ROOT) + rest;
    }

    private static String withoutWebPrefix(String link) {
        Matcher prefix = WEB_PREFIX.matcher(link);
        return prefix.lookingAt() ? link.substring(prefix.end()) : link;
    }

    /** The host a link points to (after any user name), or for a {@code tel:}-like link without one its scheme. */
    private static String host(String link) {
        String s = comparable(link);
        boolean web = s.startsWith("//");
        int schemeEnd = web ? 2 : s.indexOf(':') + 1;
        String authority = s.substring(schemeEnd, schemeEnd + hostEnd(s.substring(schemeEnd)));
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            return authority.substring(at + 1);
        }
        if (!web) {
            return s.substring(0, schemeEnd);
        }
        return authority.isEmpty() ? link : authority;
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

    private static boolean isSlash(char c) {
        return c == '/' || c == '\\';
    }
}
