package dev.mmrag.langchain4j;

import dev.mmrag.api.Retrieved;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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
 * <p><b>What is read</b>: the text is matched as a Markdown or HTML renderer would read it, so that a link cannot
 * hide in an encoding the renderer undoes. Before matching, HTML character references are decoded (decimal
 * {@code &#58;}, hex {@code &#x3A;}, with or without the {@code ;} and with any number of leading zeros, and the
 * named ones that stand for ASCII punctuation, such as {@code &colon;} and {@code &sol;}); an encoded tab or line
 * break vanishes, as browsers drop them from URLs ({@code java&#x0A;script:} reads {@code javascript:}); an encoded
 * space, quote, bracket or control character never ends a link; and a Markdown backslash escape of punctuation
 * other than a slash or backslash reads as the punctuation ({@code javascript\:}). The text around a link is kept as
 * written: only the link is replaced.
 *
 * <p>A <em>link</em> in the text so read is text that starts with one of these, in any case, and runs until a space
 * or one of {@code < > " ' ` ( ) [ ] { }}:
 * <ul>
 *   <li>{@code http:} or {@code https:}, anywhere, even inside a word, with or without slashes (browsers read
 *       {@code https:\host} and {@code https:host} as {@code https://host});
 *   <li>two or more slashes or backslashes before anything but a slash or a separator, anywhere: a scheme-relative
 *       link such as {@code //host/login} (as in markdown's {@code [Buy](//host)}, also {@code //%65vil.example} and
 *       {@code //@host}), and the host and path of a link with any other scheme, such as {@code ftp://host/x}, whose
 *       scheme ({@code ftp:}) is left in the text as a word;
 *   <li>{@code www.}, anywhere;
 *   <li>{@code mailto:}, {@code tel:}, {@code sms:}, {@code data:}, {@code javascript:} or {@code vbscript:} followed
 *       by at least one character, where no letter or digit comes right before (so {@code Metadata:} is a word);
 *   <li>any other scheme (two to 32 letters, digits, {@code + . -}, then {@code :}) followed by at least one
 *       character, where a renderer expects a link: right after Markdown's {@code ](} or {@code ](<} (and spaces),
 *       a reference definition's {@code ]:}, an autolink's {@code <}, or an HTML attribute's {@code =} (and a
 *       quote), so that {@code [x](intent:...)} and {@code <ms-settings:x>} are links too.
 * </ul>
 * A {@code [} right after the slashes (an IPv6 host) ends the link there. Trailing {@code . , ; : ! ? * _ ~} are taken
 * as punctuation, not part of it. Bare domains ({@code shop.example/p/1}) and bare e-mail addresses are not
 * recognised: telling {@code evil.example} from {@code Node.js} or {@code setup.py} ({@code .py} is a real top-level
 * domain) is guesswork, and since any word could turn out to be the first part of a domain, streamed text would be
 * held back a word at a time.
 *
 * <p>An <em>allowed</em> link is a metadata value (or list element) of a source, under one of the link keys, that
 * is, as a whole, one link, or a scheme followed by one ({@code ftp://files.example/manual.pdf}):
 * {@code url: https://shop.example/p/1} counts, a description that mentions a link does not. Web links (everything
 * but the {@code mailto:}-like schemes) are compared by host and path only: without their scheme and slashes, with
 * the host in lower case, without a trailing {@code /} and with {@code &amp;} read as {@code &} (the augmenter
 * escapes {@code &}); the others by their whole text, the scheme in lower case. An allowed link is written exactly as
 * the metadata has it (after {@code //}, without its scheme, when the answer wrote it scheme-relative); any other is
 * replaced with {@value #REPLACEMENT} and its host is reported: the host a browser would go to, in lower case,
 * percent-decoded, without user name and port (for {@code tel:}, {@code javascript:} and the like: the scheme).
 *
 * <p>Text can be fed in pieces as a model streams it: {@link #accept(String)} returns what is safe to show now
 * and holds back a link, or what may become one, until it is complete; {@link #finish()} returns the rest. The
 * pieces returned, joined, equal what cleaning the whole text at once gives. What is held back is bounded: a link
 * (or what may become one) longer than the limit ({@value #DEFAULT_MAX_LINK_CHARS} characters by default) is
 * removed as a whole, and the rest of it, up to the next separator, is dropped as it arrives. The work is linear in
 * the length of the text, however it is cut into pieces.
 *
 * <p>Thread-safety: not thread-safe; one guard cleans one answer.
 */
final class LinkGuard {

    /** What a removed link is replaced with. */
    static final String REPLACEMENT = "[link removed]";
    /** The default longest link held back while streaming. */
    static final int DEFAULT_MAX_LINK_CHARS = 8192;

    /** The characters that end a link: white space, quotes and brackets. */
    private static final String SEPARATORS = " \t\n\u000B\f\r<>\"'`()[]{}";
    /** A character that can be part of a link: anything but a separator. */
    private static final String LINK_CHAR = "[^" + escaped(SEPARATORS) + "]";
    /** A character that can follow the slashes of a scheme-relative link: a link character but a slash. */
    private static final String AFTER_SLASHES = "[^/\\\\" + escaped(SEPARATORS) + "]";
    /** Schemes whose links need no slashes: e-mail, phone and text-message addresses, inline data and scripts. */
    private static final String OPAQUE_SCHEMES = "mailto|tel|sms|data|javascript|vbscript";
    /** Where a renderer expects a link destination: after {@code ](}, {@code ]:}, {@code <} or {@code =}. */
    private static final String DESTINATION_START = "(?<=\\]\\(<?|\\]\\([ \\t\\n]{1,8}<?|\\]:[ \\t]{0,8}|<|=[ \\t\\n]{0,8}[\"']?)";
    private static final Pattern LINK = Pattern.compile(
            "https?:[/\\\\]*+(?:\\[|" + LINK_CHAR + "+)"
                    + "|(?<![/\\\\])[/\\\\]{2,}+(?:\\[|" + AFTER_SLASHES + LINK_CHAR + "*)"
                    + "|www\\." + LINK_CHAR + "+"
                    + "|(?<![\\p{L}\\p{N}])(?:" + OPAQUE_SCHEMES + "):" + LINK_CHAR + "+"
                    + "|" + DESTINATION_START + "[a-z][a-z0-9+.-]{1,31}:" + LINK_CHAR + "+",
            Pattern.CASE_INSENSITIVE);
    /** A scheme before {@code //}, which an allowed link may have. */
    private static final Pattern SCHEME_BEFORE_SLASHES = Pattern.compile("[a-z][a-z0-9+.-]*:(?=[/\\\\]{2})",
            Pattern.CASE_INSENSITIVE);
    /** A scheme at the start of a link. */
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*:", Pattern.CASE_INSENSITIVE);
    /** What comparing a web link ignores: http(s) and its slashes, another scheme and its slashes, or the slashes. */
    private static final Pattern WEB_PREFIX = Pattern.compile(
            "https?:[/\\\\]*|[a-z][a-z0-9+.-]*:[/\\\\]{2,}|[/\\\\]{2,}", Pattern.CASE_INSENSITIVE);
    private static final Pattern OPAQUE_PREFIX = Pattern.compile("(?:" + OPAQUE_SCHEMES + "):", Pattern.CASE_INSENSITIVE);
    private static final String TRAILING_PUNCTUATION = ".,;:!?*_~";
    /** The start of the text for the look-behinds: no letter, digit or slash. */
    private static final String TEXT_START = "\n";
    /** How many characters before the pending text the look-behinds may need. */
    private static final int CONTEXT = 16;
    /**
     * The longest text that may still become a link (such as {@code javascript} before its {@code :}) looked at
     * from the end of what was received, and the longest such text held back before it is treated as a link.
     */
    private static final int MAX_PREFIX = 48;
    /** What a decoded character that would end a link, or a decoded control character, reads as. */
    private static final char NEUTRAL = '\uFFFD';
    /** The longest named character reference looked for. */
    private static final int MAX_ENTITY_NAME = 32;
    /** The named character references that stand for ASCII characters (and the no-break space). */
    private static final Map<String, String> NAMED = namedReferences();

    private final Map<String, String> allowed;
    private final int maxLinkChars;
    /** The text received and not yet returned: a link, or what may become one, and anything after it. */
    private final StringBuilder pending = new StringBuilder();
    /** The last characters (as read) before {@link #pending}, which the look-behinds see. */
    private String context = TEXT_START;
    /** Whether {@link #pending} starts a link (or a long may-be link) that runs until the next separator. */
    private boolean inLink;
    /** Whether the rest of an overlong link, up to the next separator, is being dropped. */
    private boolean dropping;
    private final List<String> removedHosts = new ArrayList<>();

    private LinkGuard(Map<String, String> allowed, int maxLinkChars) {
        this.allowed = allowed;
        this.maxLinkChars = maxLinkChars;
    }

    /**
     * @param sources the sources the answer may cite
     * @param linkKeys the metadata keys whose values may be links
     * @return a guard that allows the links in those sources' metadata under those keys
     */
    static LinkGuard forSources(List<Retrieved> sources, Set<String> linkKeys) {
        return forSources(sources, linkKeys, DEFAULT_MAX_LINK_CHARS);
    }

    /**
     * @param sources the sources the answer may cite
     * @param linkKeys the metadata keys whose values may be links
     * @param maxLinkChars the longest link held back; a longer one is removed
     * @return a guard that allows the links in those sources' metadata under those keys
     */
    static LinkGuard forSources(List<Retrieved> sources, Set<String> linkKeys, int maxLinkChars) {
        Map<String, String> allowed = new LinkedHashMap<>();
        for (Retrieved source : sources) {
            for (Map.Entry<String, Object> entry : source.metadata().entrySet()) {
                if (linkKeys.contains(entry.getKey())) {
                    addLinks(entry.getValue(), allowed);
                }
            }
        }
        return new LinkGuard(allowed, Math.max(MAX_PREFIX + 1, maxLinkChars));
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
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < piece.length()) {
            if (dropping || inLink) {
                int separator = firstSeparator(piece, at);
                int end = separator < 0 ? piece.length() : separator;
                if (dropping) {
                    at = end;
                    dropping = separator < 0;
                    continue;
                }
                if (pending.length() + (end - at) > maxLinkChars) {
                    out.append(removeOverlong());
                    at = end;
                    dropping = separator < 0;
                    continue;
                }
                pending.append(piece, at, end);
                at = end;
                if (separator >= 0) {
                    out.append(release(pending.length(), true));
                    inLink = false;
                }
            } else {
                pending.append(piece, at, piece.length());
                at = piece.length();
                out.append(releaseSafe());
            }
        }
        return out.toString();
    }

    /** @return the rest of the answer, cleaned */
    String finish() {
        String out = dropping ? "" : release(pending.length(), true);
        inLink = false;
        dropping = false;
        return out;
    }

    /** @return the hosts of the links removed so far, in order */
    List<String> removedHosts() {
        return List.copyOf(removedHosts);
    }

    /** @return how many characters are held back now (for tests of the bound) */
    int held() {
        return pending.length();
    }

    /**
     * Returns the pending text that cleaning can no longer change, and keeps the rest: from the place where a link
     * starts that may still grow, or where the text so far may become the start of one, or an unfinished character
     * reference or escape. Only the last run of link characters needs a look, since a link cannot contain a
     * separator; and only its last few characters can be the start of a link that has not matched yet.
     */
    private String releaseSafe() {
        Decoded view = Decoded.of(pending, pending.length(), false);
        int offset = context.length();
        String text = context + view.text();
        int length = text.length();
        int runStart = length;
        while (runStart > offset && SEPARATORS.indexOf(text.charAt(runStart - 1)) < 0) {
            runStart--;
        }
        Matcher link = matcher(text);
        int from = runStart;
        int hold = -1;
        boolean started = false;
        while (from < length) {
            link.region(from, length);
            if (!link.find()) {
                break;
            }
            if (link.end() == length && SEPARATORS.indexOf(text.charAt(length - 1)) < 0) {
                hold = link.start();
                started = true;
                break;
            }
            from = link.end();
        }
        if (hold < 0) {
            int slashes = length;
            while (slashes > from && isSlash(text.charAt(slashes - 1))) {
                slashes--;
            }
            for (int start = Math.max(from, slashes - MAX_PREFIX); start <= Math.min(slashes, length - 1); start++) {
                link.region(start, length);
                if (link.lookingAt() || link.hitEnd()) {
                    hold = start;
                    break;
                }
            }
        }
        int keepFrom;
        if (hold >= 0) {
            keepFrom = view.from(hold - offset);
        } else {
            keepFrom = view.unfinished() >= 0 ? view.unfinished() : pending.length();
        }
        if (view.unfinished() >= 0) {
            keepFrom = Math.min(keepFrom, view.unfinished());
        }
        String out = release(keepFrom, false);
        if (started || pending.length() > MAX_PREFIX) {
            inLink = true;
            if (pending.length() > maxLinkChars) {
                out += removeOverlong();
                dropping = true;
            }
        }
        return out;
    }

    /**
     * Cleans and removes the first {@code end} characters of the pending text.
     *
     * @param complete whether those characters are all there is (an unfinished reference is then read as text)
     */
    private String release(int end, boolean complete) {
        if (end == 0) {
            return "";
        }
        Decoded view = Decoded.of(pending, end, complete);
        String text = context + view.text();
        String out = clean(text, context.length(), view, end);
        context = text.substring(Math.max(0, text.length() - CONTEXT));
        pending.delete(0, end);
        return out;
    }

    /** Replaces the held-back link, which grew too long, and forgets it. */
    private String removeOverlong() {
        Decoded view = Decoded.of(pending, pending.length(), true);
        Matcher link = matcher(context + view.text()).region(context.length(), context.length() + view.length());
        removedHosts.add(link.find() ? host(link.group()) : "an overlong link");
        pending.setLength(0);
        inLink = false;
        context = TEXT_START;
        return REPLACEMENT;
    }

    /**
     * Cleans text as read.
     *
     * @param text the context, then the raw text as read
     * @param offset the length of the context
     * @param view how the raw text was read
     * @param rawEnd where the raw text ends in {@link #pending}
     */
    private String clean(String text, int offset, Decoded view, int rawEnd) {
        Matcher link = matcher(text).region(offset, text.length());
        StringBuilder out = new StringBuilder(rawEnd);
        int last = 0;
        while (link.find()) {
            String found = link.group();
            int length = found.length();
            while (length > 0 && TRAILING_PUNCTUATION.indexOf(found.charAt(length - 1)) >= 0) {
                length--;
            }
            String candidate = found.substring(0, length);
            int rawStart = view.from(link.start() - offset);
            int rawLinkEnd = length == 0 ? rawStart : view.to(link.start() - offset + length - 1);
            int rawMatchEnd = view.to(link.end() - offset - 1);
            out.append(pending, last, rawStart);
            String allowedLink = allowed.get(comparable(candidate));
            if (allowedLink == null) {
                out.append(REPLACEMENT);
                removedHosts.add(host(candidate));
            } else if (isSlash(candidate.charAt(0))) {
                out.append("//").append(withoutWebPrefix(allowedLink));
            } else {
                out.append(allowedLink);
            }
            out.append(pending, rawLinkEnd, rawMatchEnd);
            last = rawMatchEnd;
        }
        return out.append(pending, last, rawEnd).toString();
    }

    private static int firstSeparator(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (SEPARATORS.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
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

    /**
     * The host a browser would go to for a link (as read): after any user name, without the port, percent-decoded,
     * in lower case, without a trailing dot; for an e-mail address its domain; for a {@code tel:}-like link, or one
     * with another scheme and no slashes, its scheme.
     */
    static String host(String link) {
        String s = link.replace("&amp;", "&");
        Matcher opaque = OPAQUE_PREFIX.matcher(s);
        Matcher web = WEB_PREFIX.matcher(s);
        String rest;
        if (opaque.lookingAt()) {
            String scheme = opaque.group().toLowerCase(Locale.ROOT);
            rest = s.substring(opaque.end());
            if (!scheme.equals("mailto:")) {
                return scheme;
            }
            int query = rest.indexOf('?');
            rest = query < 0 ? rest : rest.substring(0, query);
            int at = rest.lastIndexOf('@');
            return at < 0 ? scheme : normaliseHost(rest.substring(at + 1));
        } else if (web.lookingAt()) {
            rest = s.substring(web.end());
        } else {
            Matcher scheme = SCHEME.matcher(s);
            if (scheme.lookingAt() && !s.regionMatches(true, 0, "www.", 0, 4)) {
                return scheme.group().toLowerCase(Locale.ROOT);
            }
            rest = s;
        }
        String authority = rest.substring(0, hostEnd(rest));
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close < 0 ? "an IPv6 address" : authority.substring(0, close + 1).toLowerCase(Locale.ROOT);
        }
        int colon = authority.indexOf(':');
        if (colon >= 0) {
            authority = authority.substring(0, colon);
        }
        String host = normaliseHost(authority);
        return host.isEmpty() ? "a link without a host" : host;
    }

    private static String normaliseHost(String host) {
        String decoded = percentDecode(host).toLowerCase(Locale.ROOT);
        while (decoded.endsWith(".")) {
            decoded = decoded.substring(0, decoded.length() - 1);
        }
        return decoded;
    }

    private static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int high = i + 2 < text.length() && c == '%' ? Character.digit(text.charAt(i + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(text.charAt(i + 2), 16);
            if (low >= 0) {
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
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

    private static String escaped(String characters) {
        return characters.chars().mapToObj(c -> "\\x{" + Integer.toHexString(c) + "}").collect(Collectors.joining());
    }

    private static Map<String, String> namedReferences() {
        String[] pairs = {
            "Tab", "\t", "NewLine", "\n", "excl", "!", "quot", "\"", "QUOT", "\"", "num", "#", "dollar", "$",
            "percnt", "%", "amp", "&", "AMP", "&", "apos", "'", "lpar", "(", "rpar", ")", "ast", "*", "midast", "*",
            "plus", "+", "comma", ",", "period", ".", "sol", "/", "colon", ":", "semi", ";", "lt", "<", "LT", "<",
            "equals", "=", "gt", ">", "GT", ">", "quest", "?", "commat", "@", "lsqb", "[", "lbrack", "[",
            "bsol", "\\", "rsqb", "]", "rbrack", "]", "Hat", "^", "lowbar", "_", "UnderBar", "_", "grave", "`",
            "DiacriticalGrave", "`", "lcub", "{", "lbrace", "{", "verbar", "|", "vert", "|", "VerticalLine", "|",
            "rcub", "}", "rbrace", "}", "nbsp", "\u00A0", "NonBreakingSpace", "\u00A0", "fjlig", "fj"};
        Map<String, String> named = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            named.put(pairs[i], pairs[i + 1]);
        }
        return Map.copyOf(named);
    }

    /**
     * Text as a renderer reads it ({@link LinkGuard}'s class comment says how), with, for each character read,
     * where in the raw text it came from.
     */
    private static final class Decoded {
        private final StringBuilder text = new StringBuilder();
        private int[] from = new int[16];
        private int[] to = new int[16];
        private int unfinished = -1;

        /**
         * @param raw the raw text
         * @param end how much of it to read
         * @param complete whether the text ends there; if not, a character reference or escape that may be
         *     unfinished at the end is left unread (see {@link #unfinished()})
         */
        static Decoded of(CharSequence raw, int end, boolean complete) {
            Decoded d = new Decoded();
            int i = 0;
            while (i < end) {
                char c = raw.charAt(i);
                if (c == '&') {
                    int next = d.reference(raw, i, end, complete);
                    if (next < 0) {
                        d.unfinished = i;
                        break;
                    }
                    i = next;
                } else if (c == '\\') {
                    if (i + 1 >= end) {
                        if (!complete) {
                            d.unfinished = i;
                            break;
                        }
                        d.add(c, i, i + 1);
                        i++;
                        continue;
                    }
                    char escaped = raw.charAt(i + 1);
                    if (escaped < 128 && isPunctuation(escaped) && escaped != '\\' && escaped != '/'
                            && SEPARATORS.indexOf(escaped) < 0) {
                        d.add(escaped, i, i + 2);
                    } else {
                        d.add(c, i, i + 1);
                        d.add(escaped, i + 1, i + 2);
                    }
                    i += 2;
                } else {
                    d.add(c, i, i + 1);
                    i++;
                }
            }
            return d;
        }

        /** Reads a character reference at {@code start}; @return where it ends, or -1 when it may be unfinished. */
        private int reference(CharSequence raw, int start, int end, boolean complete) {
            int i = start + 1;
            if (i < end && raw.charAt(i) == '#') {
                i++;
                boolean hex = i < end && (raw.charAt(i) == 'x' || raw.charAt(i) == 'X');
                if (hex) {
                    i++;
                }
                int digitsStart = i;
                long value = 0;
                while (i < end && Character.digit(raw.charAt(i), hex ? 16 : 10) >= 0 && raw.charAt(i) < 128) {
                    value = Math.min(0x110000, value * (hex ? 16 : 10) + Character.digit(raw.charAt(i), 16));
                    i++;
                }
                if (i == end && !complete) {
                    return -1;
                }
                if (i == digitsStart) {
                    add('&', start, start + 1);
                    return start + 1;
                }
                if (i < end && raw.charAt(i) == ';') {
                    i++;
                }
                int codePoint = value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF) ? 0xFFFD
                        : (int) value;
                addDecoded(new String(Character.toChars(codePoint)), start, i);
                return i;
            }
            while (i < end && i - start <= MAX_ENTITY_NAME && isAsciiLetterOrDigit(raw.charAt(i))) {
                i++;
            }
            if (i == end && !complete && i - start <= MAX_ENTITY_NAME) {
                return -1;
            }
            String decoded = i < end && raw.charAt(i) == ';' ? NAMED.get(raw.subSequence(start + 1, i).toString()) : null;
            if (decoded == null) {
                add('&', start, start + 1);
                return start + 1;
            }
            addDecoded(decoded, start, i + 1);
            return i + 1;
        }

        /** Adds a decoded character: a tab or line break vanishes, a separator or control reads as neutral. */
        private void addDecoded(String decoded, int start, int end) {
            for (int k = 0; k < decoded.length(); k++) {
                char c = decoded.charAt(k);
                if (c == '\t' || c == '\n' || c == '\r') {
                    continue;
                }
                add(SEPARATORS.indexOf(c) >= 0 || c < 0x20 || c == 0x7F || c == '\u00A0' ? NEUTRAL : c, start, end);
            }
        }

        private void add(char c, int start, int end) {
            int n = text.length();
            if (n == from.length) {
                from = java.util.Arrays.copyOf(from, n * 2);
                to = java.util.Arrays.copyOf(to, n * 2);
            }
            from[n] = start;
            to[n] = end;
            text.append(c);
        }

        String text() {
            return text.toString();
        }

        int length() {
            return text.length();
        }

        /** @return where in the raw text the character read at {@code index} starts */
        int from(int index) {
            return from[index];
        }

        /** @return where in the raw text the character read at {@code index} ends */
        int to(int index) {
            return to[index];
        }

        /** @return where an unfinished reference or escape at the end starts, or -1 */
        int unfinished() {
            return unfinished;
        }

        private static boolean isPunctuation(char c) {
            return c > ' ' && c < 127 && !isAsciiLetterOrDigit(c);
        }

        private static boolean isAsciiLetterOrDigit(char c) {
            return c < 128 && Character.isLetterOrDigit(c);
        }
    }
}
