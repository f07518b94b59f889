package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.Retrieved;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.junit.jupiter.api.Test;

/**
 * {@link LinkGuard} against a real CommonMark renderer (commonmark-java, raw HTML passed through as most Markdown
 * views do): for many ways of writing a foreign link (HTML character references, escapes, encoded line breaks,
 * autolinks, raw HTML attributes), the text as the model wrote it renders a foreign link, and the same text after
 * the guard, cleaned whole or streamed in random pieces, renders none. A link's target is read as a browser reads an
 * attribute: character references decoded (also without their {@code ;}), leading and trailing spaces and control
 * characters stripped, tabs and line breaks removed; it is foreign when it has a scheme or starts with two slashes
 * and is not the catalogue's link.
 */
class LinkGuardRenderTest {

    private static final String ALLOWED = "https://shop.example/p/1";
    private static final List<Retrieved> SOURCES = List.of(new Retrieved("sku-1", 0.9, Map.of("name", "Red Hat",
            "url", ALLOWED, "description", "See https://evil.example/products/sku-0008")));

    /** Each renders a foreign link or image when not guarded (checked below). */
    private static final List<String> FORMS = List.of(
            "[Shirt](https&#58;&#47;&#47;evil.example/login)",
            "[Buy](javascript&#58;alert(1))",
            "<a href=\"&#104;ttps&#58;&#47;&#47;evil.example/x\">x</a>",
            "[x](https&colon;&sol;&sol;evil.example/)",
            "[x](java&#x0A;script:alert(1))",
            "[x](java&#X0d;script&#x3a;alert(1))",
            "[x](&#x6A;avascript:alert(1))",
            "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
            "[x](javascript\\:alert(1))",
            "[x](https\\://evil.example)",
            "[x](\\/\\/evil.example/login)",
            "[x](//%65vil.example/x)",
            "[x](//@evil.example/x)",
            "[x](https:&#x2F;&#x2f;evil.example)",
            "[x](<java&#x0A;script:alert(1)>)",
            "[x]( javascript:alert(1))",
            "[x](intent:#Intent;scheme=evil;end)",
            "<ms-settings:display>",
            "<ftp://evil.example/file>",
            "[x][r]\n\n[r]: https&#58;//evil.example/ref",
            "![pixel](https://evil.example/pixel.png)",
            "<img src=\"//evil.example/p.png\">",
            "<a href=\"javascript&#0000058alert(1)\">x</a>",
            "<a href=\"java&Tab;script:alert(1)\">x</a>",
            "<a href=\"&#x20;javascript:alert(1)\">x</a>",
            "<a href=javascript&#58;alert(1)>x</a>",
            "<a href='&#x68;&#x74;&#x74;&#x70;&#x73;&#x3a;//evil.example'>x</a>",
            "[x](https://shop.example@evil.example/p/1)",
            "[x](HTTPS://EVIL.EXAMPLE)",
            "[x](https:evil.example)",
            "[x](data:text/html;base64,PHNjcmlwdD4)",
            "[x](vbscript&colon;msgbox)",
            "[x](https://evil.example/products/sku-0008)");

    private static final Parser PARSER = Parser.builder().build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().build();
    private static final Pattern TARGET = Pattern.compile(
            "\\b(?:href|src)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+))", Pattern.CASE_INSENSITIVE);
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    @Test
    void everyFormRendersAForeignLinkWithoutTheGuard() {
        for (String form : FORMS) {
            assertThat(foreignTargets(form)).as("unguarded %s", form).isNotEmpty();
        }
    }

    @Test
    void noFormRendersAForeignLinkAfterTheGuard() {
        for (String form : FORMS) {
            String text = "Try " + form + " today.";
            assertThat(foreignTargets(cleanWhole(text))).as("guarded %s -> %s", form, cleanWhole(text)).isEmpty();
        }
    }

    @Test
    void noFormRendersAForeignLinkWhenStreamedInPieces() {
        String all = String.join("\n\n", FORMS);
        String whole = cleanWhole(all);
        assertThat(foreignTargets(whole)).isEmpty();
        Random random = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            assertThat(cleanInPieces(all, random)).isEqualTo(whole);
        }
    }

    @Test
    void theCatalogueLinkStillRendersHoweverItIsEncoded() {
        for (String form : List.of("[Hat](https://shop.example/p/1)", "[Hat](https&#58;//shop.example/p/1)",
                "<a href=\"&#104;ttps://shop.example/p/1\">Hat</a>", "<https://shop.example/p/1>")) {
            String html = render(cleanWhole(form));
            assertThat(targets(html)).as(form).containsExactly(ALLOWED);
        }
    }

    private static String cleanWhole(String text) {
        LinkGuard guard = LinkGuard.forSources(SOURCES, Set.of("url"));
        return guard.accept(text) + guard.finish();
    }

    private static String cleanInPieces(String text, Random random) {
        LinkGuard guard = LinkGuard.forSources(SOURCES, Set.of("url"));
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < text.length()) {
            int end = Math.min(text.length(), at + 1 + random.nextInt(7));
            out.append(guard.accept(text.substring(at, end)));
            at = end;
        }
        return out.append(guard.finish()).toString();
    }

    private static String render(String markdown) {
        return RENDERER.render(PARSER.parse(markdown));
    }

    private static List<String> foreignTargets(String markdown) {
        List<String> foreign = new ArrayList<>();
        for (String target : targets(render(markdown))) {
            boolean hasHost = SCHEME.matcher(target).find() || target.matches("^[/\\\\]{2}.*");
            if (hasHost && !target.equals(ALLOWED)) {
                foreign.add(target);
            }
        }
        return foreign;
    }

    /** The link and image targets in rendered HTML, read as a browser reads them. */
    private static List<String> targets(String html) {
        List<String> targets = new ArrayList<>();
        Matcher m = TARGET.matcher(html);
        while (m.find()) {
            String value = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String url = decodeAttribute(value).replaceAll("[\\t\\n\\r]", "").replaceAll("^[\\x00-\\x20]+|[\\x00-\\x20]+$", "");
            targets.add(url);
        }
        return targets;
    }

    /** Decodes character references as an HTML attribute value is decoded (numeric ones also without {@code ;}). */
    private static String decodeAttribute(String value) {
        Map<String, String> named = Map.of("amp", "&", "quot", "\"", "lt", "<", "gt", ">", "colon", ":", "sol", "/",
                "Tab", "\t", "NewLine", "\n", "period", ".", "commat", "@");
        Matcher m = Pattern.compile("&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([A-Za-z]+);)").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(1) != null) {
                replacement = new String(Character.toChars(Integer.parseInt(m.group(1), 16)));
            } else if (m.group(2) != null) {
                replacement = new String(Character.toChars(Integer.parseInt(m.group(2))));
            } else {
                replacement = named.getOrDefault(m.group(3), m.group());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
