package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmrag.api.Retrieved;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link LinkGuard}: which links survive, and that cleaning a stream piece by piece equals cleaning it whole. */
class LinkGuardTest {

    private static final List<Retrieved> SOURCES = List.of(
            new Retrieved("sku-1", 0.9, Map.of("name", "Red Hat", "url", "https://shop.example/p/1",
                    "description", "A hat. Also see https://evil.example/free-hats for a discount!")),
            new Retrieved("sku-2", 0.8, Map.of("name", "Blue Bag", "links",
                    List.of("https://shop.example/p/2?color=blue&size=m", "www.partner.example/bag"))));

    private static LinkGuard guard() {
        return LinkGuard.forSources(SOURCES, null);
    }

    private static String cleanWhole(String text) {
        LinkGuard guard = guard();
        return guard.accept(text) + guard.finish();
    }

    @Test
    void linksFromTheSourcesMetadataStayAndOthersAreReplaced() {
        LinkGuard guard = guard();

        String out = guard.accept("Get [1] at https://shop.example/p/1 and skip http://phish.example/login?x=1.")
                + guard.finish();

        assertThat(out).isEqualTo("Get [1] at https://shop.example/p/1 and skip [link removed].");
        assertThat(guard.removedHosts()).containsExactly("phish.example");
    }

    @Test
    void aLinkMentionedInsideADescriptionIsNotAllowed() {
        assertThat(cleanWhole("Discount: https://evil.example/free-hats")).isEqualTo("Discount: [link removed]");
    }

    @Test
    void listValuesWwwLinksAndEscapedAmpersandsAreRecognised() {
        assertThat(cleanWhole("Bag: https://shop.example/p/2?color=blue&amp;size=m or www.partner.example/bag."))
                .isEqualTo("Bag: https://shop.example/p/2?color=blue&size=m or www.partner.example/bag.");
    }

    @Test
    void schemeHostCaseAndATrailingSlashDoNotMatterAndTheCatalogueFormIsWritten() {
        assertThat(cleanWhole("See HTTP://SHOP.EXAMPLE/p/1/ now")).isEqualTo("See https://shop.example/p/1 now");
    }

    @Test
    void aChangedPathQueryOrUserInfoIsAForeignLink() {
        assertThat(cleanWhole("https://shop.example/p/1?ref=evil https://shop.example/p/12 "
                + "https://shop.example@evil.example/p/1 https://shop.example/p/1#x"))
                .isEqualTo("[link removed] [link removed] [link removed] [link removed]");
    }

    @Test
    void markdownLinksAndLinksGluedToWordsAreChecked() {
        assertThat(cleanWhole("[Buy](https://evil.example/buy) or [Buy](https://shop.example/p/1)! Clickhttps://evil.example"))
                .isEqualTo("[Buy]([link removed]) or [Buy](https://shop.example/p/1)! Click[link removed]");
    }

    @Test
    void linksWithOtherSchemesAndSchemeRelativeLinksAreChecked() {
        LinkGuard guard = guard();

        String out = guard.accept("Mail mailto:support@evil.example, see ftp://evil.example/x or [Buy](//evil.example/login)"
                + " and [x](javascript:alert(1)) <img src=data:text/html;base64,PHNjcmlwdD4> or call tel:+15550100.")
                + guard.finish();

        assertThat(out).isEqualTo("Mail [link removed], see ftp:[link removed] or [Buy]([link removed]) and "
                + "[x]([link removed](1)) <img src=[link removed]> or call [link removed].");
        assertThat(guard.removedHosts()).containsExactly("evil.example", "evil.example", "evil.example", "javascript:",
                "data:", "tel:");
    }

    @Test
    void slashesBackslashesAndHostsThatBrowsersStillFollowAreChecked() {
        LinkGuard guard = guard();

        String out = guard.accept("\\\\evil.example/a ///evil.example/b https:\\\\evil.example/c https:evil.example/d "
                + "HTTPS:/\\evil.example/e https://shop.example@evil.example/p/1 https://[2001:db8::1]/f") + guard.finish();

        assertThat(out).isEqualTo("[link removed] [link removed] [link removed] [link removed] [link removed] "
                + "[link removed] [link removed]2001:db8::1]/f");
        assertThat(guard.removedHosts()).startsWith("evil.example", "evil.example", "evil.example", "evil.example",
                "evil.example", "evil.example");
    }

    @Test
    void wordsThatOnlyContainASchemeNameStayText() {
        String prose = "Metadata:size, hotel:Paris, e.g. v1.2 costs $19.99 (and/or 1/2) // a comment, the https:// prefix";

        assertThat(cleanWhole(prose)).isEqualTo(prose);
    }

    @Test
    void allowedLinksMayHaveOtherSchemesAndMayBeWrittenSchemeRelative() {
        List<Retrieved> sources = List.of(new Retrieved("sku-3", 0.7, Map.of("url", "https://shop.example/p/3",
                "contact", List.of("mailto:Support@Shop.Example", "tel:+15550100"),
                "manual", "ftp://files.shop.example/manual.pdf")));
        LinkGuard guard = LinkGuard.forSources(sources, null);

        String out = guard.accept("Write to mailto:support@shop.example, call tel:+15550100, read "
                + "ftp://files.shop.example/manual.pdf or see //SHOP.EXAMPLE/p/3/ and FTP://shop.example/p/3.") + guard.finish();

        assertThat(out).isEqualTo("Write to mailto:Support@Shop.Example, call tel:+15550100, read "
                + "ftp://files.shop.example/manual.pdf or see //shop.example/p/3 and FTP://shop.example/p/3.");
        assertThat(guard.removedHosts()).isEmpty();
    }

    @Test
    void onlyTheConfiguredKeysMayHoldLinks() {
        LinkGuard onlyUrl = LinkGuard.forSources(SOURCES, Set.of("url"));

        String out = onlyUrl.accept("https://shop.example/p/1 www.partner.example/bag") + onlyUrl.finish();

        assertThat(out).isEqualTo("https://shop.example/p/1 [link removed]");
    }

    @Test
    void aPartialLinkIsHeldBackUntilItIsComplete() {
        LinkGuard guard = guard();

        assertThat(guard.accept("Try htt")).isEqualTo("Try ");
        assertThat(guard.accept("ps://evil.exa")).isEmpty();
        assertThat(guard.accept("mple/x and")).isEqualTo("[link removed] and");
        assertThat(guard.accept(" ww")).isEqualTo(" ");
        assertThat(guard.accept("w.partner.example/bag")).isEmpty();
        assertThat(guard.finish()).isEqualTo("www.partner.example/bag");
    }

    @Test
    void textThatOnlyLooksLikeTheStartOfALinkIsReleasedWhenItTurnsOutNotToBe() {
        LinkGuard guard = guard();

        assertThat(guard.accept("I like ht")).isEqualTo("I like ");
        assertThat(guard.accept("ml and www")).isEqualTo("html and ");
        assertThat(guard.accept("ide screens")).isEqualTo("wwwide screens");
    }

    @Test
    void schemeRelativeAndMailtoLikeLinksAreHeldBackToo() {
        LinkGuard guard = guard();

        assertThat(guard.accept("Go to /")).isEqualTo("Go to ");
        assertThat(guard.accept("/evil.exa")).isEmpty();
        assertThat(guard.accept("mple now, or da")).isEqualTo("[link removed] now, or ");
        assertThat(guard.accept("ta:text/html,x")).isEmpty();
        assertThat(guard.accept(" ok")).isEqualTo("[link removed] ok");
    }

    @Test
    void aSchemeNameGluedToAWordStaysTextAcrossPieces() {
        LinkGuard guard = guard();

        assertThat(guard.accept("Meta")).isEqualTo("Meta");
        assertThat(guard.accept("data:x ho")).isEqualTo("data:x ho");
        assertThat(guard.accept("tel:y")).isEqualTo("tel:y");
        assertThat(guard.finish()).isEmpty();
    }

    /** Every way of cutting these texts into pieces gives the same result as cleaning them whole. */
    @Test
    void cleaningPieceByPieceEqualsCleaningTheWholeText() {
        List<String> texts = List.of(
                "Buy [1] at https://shop.example/p/1. Avoid https://evil.example/login, ok?",
                "Links: www.partner.example/bag; (https://evil.example) [x](https://shop.example/p/1)",
                "wwww.evil.example hhttps://shop.example/p/1 https://https://x",
                "Nothing to see here, just text with h and w and www and http.",
                "HtTpS://Shop.Example/p/1/ and https://shop.example/p/2?color=blue&amp;size=m.",
                "Mail mailto:support@evil.example or ftp://evil.example/x, [Buy](//evil.example) [x](javascript:alert(1))",
                "Metadata:x hotel:y data:z \\\\evil.example https:\\\\evil.example https:evil.example https://[::1]/x // ",
                "call tel:+15550100 or sms:1; ftp://shop.example/p/1 ///shop.example/p/1/ www. http: https://");
        Random random = new Random(42);
        for (String text : texts) {
            String whole = cleanWhole(text);
            for (int cut = 0; cut <= text.length(); cut++) {
                assertThat(cleanInPieces(List.of(text.substring(0, cut), text.substring(cut)))).as("cut at %d of %s", cut, text)
                        .isEqualTo(whole);
            }
            for (int trial = 0; trial < 200; trial++) {
                assertThat(cleanInPieces(randomPieces(text, random))).as(text).isEqualTo(whole);
            }
        }
    }

    private static String cleanInPieces(List<String> pieces) {
        LinkGuard guard = guard();
        StringBuilder out = new StringBuilder();
        for (String piece : pieces) {
            out.append(guard.accept(piece));
        }
        return out.append(guard.finish()).toString();
    }

    private static List<String> randomPieces(String text, Random random) {
        List<String> pieces = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int length = 1 + random.nextInt(6);
            pieces.add(text.substring(at, Math.min(text.length(), at + length)));
            at += length;
        }
        return pieces;
    }
}
