package dev.mmrag.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@link ProductCodeAnalyzer} makes of product codes, English words and odd text. */
class ProductCodeAnalyzerTest {

    private final LuceneKeywordIndex index = LuceneKeywordIndex.create();

    @Test
    void productCodesGiveTheSameTermsWhateverTheirCaseAndSeparators() {
        for (String spelling : new String[] {"sku-0042", "SKU 0042", "sku0042", "SKU_0042", "Sku.0042", "(SKU-0042)"}) {
            assertThat(index.analyze(spelling)).as(spelling).contains("sku", "0042", "42");
        }
        assertThat(index.analyze("sku-0042")).contains("sku0042");
        assertThat(index.analyze("sku0042")).contains("sku0042");
    }

    @Test
    void numbersWithoutLeadingZerosStayAsTheyAre() {
        assertThat(index.analyze("size 42")).containsExactly("size", "42");
        assertThat(index.analyze("000")).containsExactly("000");
    }

    @Test
    void wordsAreLowerCasedStemmedAndFoldedAndStopWordsDropped() {
        assertThat(index.analyze("A red Hat with Stripes")).containsExactly("red", "hat", "stripe");
        assertThat(index.analyze("striped")).containsExactly("stripe");
        assertThat(index.analyze("Dresses")).containsExactly("dress");
        assertThat(index.analyze("Café Crème")).containsExactly("cafe", "creme");
    }

    @Test
    void hyphenatedWordsAreFoundJoinedAndInParts() {
        assertThat(index.analyze("T-Shirt")).contains("t", "shirt", "tshirt");
        assertThat(index.analyze("polka-dot")).contains("polka", "dot", "polkadot");
        assertThat(index.analyze("Harbor & Pine's")).containsExactly("harbor", "pine");
    }

    @Test
    void punctuationAloneGivesNoTerm() {
        assertThat(index.analyze("&&& -- !! ...")).isEmpty();
    }
}
