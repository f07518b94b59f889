package dev.mmrag.lucene;

import java.io.IOException;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.FlattenGraphFilter;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.util.AttributeSource;

/**
 * The analyzer of {@link LuceneKeywordIndex}: English words stemmed, and product codes found whatever their case
 * and separators.
 *
 * <p>The text is split at white space; each piece is split again at every character that is not a letter or
 * digit and between letters and digits ({@code sku-0042}, {@code SKU_0042} and {@code sku0042} all give
 * {@code sku} and {@code 0042}), and the parts of a piece are also kept joined ({@code sku0042},
 * {@code tshirt} from {@code t-shirt}); then lower case, accents folded to ASCII, English stop words dropped,
 * Porter stemming ({@code stripes} and {@code striped} give {@code stripe}), and a number written with
 * leading zeros also stands without them ({@code 0042} is found by {@code 42} too). Queries go through the same
 * chain, so {@code SKU 0042}, {@code sku-0042} and {@code Sku0042} all match the term {@code 0042} of the
 * product {@code sku-0042}.
 *
 * <p>Thread-safety: safe for concurrent use (Lucene keeps one token stream per thread).
 */
public final class ProductCodeAnalyzer extends Analyzer {

    private static final int WORD_DELIMITER_FLAGS = WordDelimiterGraphFilter.GENERATE_WORD_PARTS
            | WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS | WordDelimiterGraphFilter.CATENATE_ALL
            | WordDelimiterGraphFilter.SPLIT_ON_NUMERICS | WordDelimiterGraphFilter.STEM_ENGLISH_POSSESSIVE;

    /** Creates the analyzer. */
    public ProductCodeAnalyzer() {
    }

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer source = new WhitespaceTokenizer();
        TokenStream stream = new WordDelimiterGraphFilter(source, WORD_DELIMITER_FLAGS, null);
        stream = new LowerCaseFilter(stream);
        stream = new ASCIIFoldingFilter(stream);
        stream = new StopFilter(stream, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
        stream = new PorterStemFilter(stream);
        stream = new UnpaddedNumberFilter(stream);
        stream = new FlattenGraphFilter(stream);
        return new TokenStreamComponents(source, stream);
    }

    /** Adds, at the same position, a number token without its leading zeros ({@code 0042} also as {@code 42}). */
    static final class UnpaddedNumberFilter extends TokenFilter {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final PositionIncrementAttribute position = addAttribute(PositionIncrementAttribute.class);
        private AttributeSource.State pending;
        private String unpadded;

        UnpaddedNumberFilter(TokenStream input) {
            super(input);
        }

        @Override
        public boolean incrementToken() throws IOException {
            if (pending != null) {
                restoreState(pending);
                pending = null;
                term.setEmpty().append(unpadded);
                position.setPositionIncrement(0);
                return true;
            }
            if (!input.incrementToken()) {
                return false;
            }
            unpadded = unpadded(term);
            if (unpadded != null) {
                pending = captureState();
            }
            return true;
        }

        /** @return the digits without leading zeros, or null when the term is not such a number */
        private static String unpadded(CharTermAttribute term) {
            int length = term.length();
            if (length < 2 || term.charAt(0) != '0') {
                return null;
            }
            int first = -1;
            for (int i = 0; i < length; i++) {
                char c = term.charAt(i);
                if (c < '0' || c > '9') {
                    return null;
                }
                if (first < 0 && c != '0') {
                    first = i;
                }
            }
            return first < 0 ? null : term.subSequence(first, length).toString();
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            pending = null;
            unpadded = null;
        }
    }
}
