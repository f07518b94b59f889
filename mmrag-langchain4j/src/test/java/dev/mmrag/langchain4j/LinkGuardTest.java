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
        return LinkGuard.forSources(SOURCES, Set.of("url", "links", "description"));
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
        LinkGuard guard = LinkGuard.forSources(sources, Set.of("url", "contact", "manual"));

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

    @Test
    void linksWrittenWithCharacterReferencesOrEscapesAreRecognisedAndTheRestOfTheTextIsKept() {
        LinkGuard guard = guard();

        String out = guard.accept("[Shirt](https&#58;&#47;&#47;evil.example/login) [Buy](javascript&#58;alert(1)) "
                + "<a href=\"&#104;ttps&#58;&#47;&#47;evil.example/x\"> https&colon;&sol;&sol;evil.example "
                + "[x](java&#x0A;script:alert(1)) [y](javascript\\:alert(1)) &#x68;ttps://shop.example/p/1 a&amp;b &lt;b&gt;")
                + guard.finish();

        assertThat(out).isEqualTo("[Shirt]([link removed]) [Buy]([link removed](1)) <a href=\"[link removed]\"> "
                + "[link removed] [x]([link removed](1)) [y]([link removed](1)) https://shop.example/p/1 a&amp;b &lt;b&gt;");
        assertThat(guard.removedHosts()).containsExactly("evil.example", "javascript:", "evil.example", "evil.example",
                "javascript:", "javascript:");
    }

    @Test
    void anySchemeWhereARendererExpectsALinkIsALink() {
        assertThat(cleanWhole("[x](intent:#Intent;end) <ms-settings:display> <a href=zoommtg:join> [r]: foo:bar "
                + "but Metadata:size and ratio 16:9 stay"))
                .isEqualTo("[x]([link removed]) <[link removed]> <a href=[link removed]> [r]: [link removed] "
                        + "but Metadata:size and ratio 16:9 stay");
    }

    @Test
    void theRemovedHostIsTheOneABrowserWouldGoTo() {
        LinkGuard guard = guard();

        guard.accept("https://EVIL.example:8443/x https://user:pw@evil.example/ //%65vil.example/x https://evil.example./x "
                + "mailto:a@Evil.Example?subject=x https&#58;//evil.example https://shop.example%2F@evil.example/p/1 "
                + "https://[2001:db8::1]/x tel:+1555");
        guard.finish();

        assertThat(guard.removedHosts()).containsExactly("evil.example", "evil.example", "evil.example", "evil.example",
                "evil.example", "evil.example", "evil.example", "an IPv6 address", "tel:");
    }

    /**
     * A link followed by an endless run of characters without a separator is held back only up to the limit, then
     * removed whole and the rest of the run dropped as it arrives (before, the guard held the whole run and
     * rescanned it at every piece).
     */
    @Test
    void whatIsHeldBackIsBoundedAndAnOverlongLinkIsRemoved() {
        LinkGuard guard = LinkGuard.forSources(SOURCES, Set.of("url"), 1000);
        StringBuilder out = new StringBuilder(guard.accept("See https://evil.example/"));
        int maxHeld = 0;
        for (int i = 0; i < 200_000; i++) {
            out.append(guard.accept("a"));
            maxHeld = Math.max(maxHeld, guard.held());
        }
        out.append(guard.accept(" and https://shop.example/p/1")).append(guard.finish());

        assertThat(maxHeld).isLessThanOrEqualTo(1000);
        assertThat(out.toString()).isEqualTo("See [link removed] and https://shop.example/p/1");
        assertThat(guard.removedHosts()).containsExactly("evil.example");
    }

    @Test
    void aLongRunThatMayStillBecomeALinkIsBoundedToo() {
        LinkGuard guard = LinkGuard.forSources(SOURCES, Set.of("url"), 1000);
        StringBuilder out = new StringBuilder(guard.accept("x &#"));
        int maxHeld = 0;
        for (int i = 0; i < 50_000; i++) {
            out.append(guard.accept("0"));
            maxHeld = Math.max(maxHeld, guard.held());
        }
        out.append(guard.accept(" ok")).append(guard.finish());

        assertThat(maxHeld).isLessThanOrEqualTo(1000);
        assertThat(out.toString()).isEqualTo("x [link removed] ok");
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
                "call tel:+15550100 or sms:1; ftp://shop.example/p/1 ///shop.example/p/1/ www. http: https://",
                "[a](https&#58;&#47;&#47;evil.example/x) &#x68;ttps://shop.example/p/1 java&#x0A;script:x &amp; &#0000058 &",
                "[b](javascript\\:alert(1)) <a href=\"&#x20;javascript:x\"> [c](intent:x) <ms-settings:y> \\ end\\",
                "&colon;&sol;&sol;evil.example https&colon;//evil.example &unknown; &#xZZ; //%65vil.example //@evil.example");
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
