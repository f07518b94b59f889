package dev.mmrag.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mmrag.api.KeywordDocument;
import dev.mmrag.api.KeywordSearchRequest;
import dev.mmrag.api.SearchHit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * BM25 scores of {@link LuceneKeywordIndex} against scores computed by hand on a three-document corpus:
 * {@code idf = ln(1 + (N - n + 0.5) / (n + 0.5))}, {@code score = boost × idf × tf / (tf + k1 × (1 - b + b × dl /
 * avgdl))} summed over the query's words (Lucene's BM25, which drops the constant factor {@code k1 + 1}).
 */
class Bm25RankingTest {

    private static final double K1 = 1.2;
    private static final double B = 0.75;

    private static LuceneKeywordIndex corpus() {
        LuceneKeywordIndex index = LuceneKeywordIndex.create();
        index.upsert(List.of(
                new KeywordDocument("d1", Map.of("text", "apple banana"), Map.of()),
                new KeywordDocument("d2", Map.of("text", "apple apple cherry"), Map.of()),
                new KeywordDocument("d3", Map.of("text", "cherry date elder fig"), Map.of())));
        return index;
    }

    private static double idf(int docCount, int docFreq) {
        return Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5));
    }

    private static double term(double idf, int tf, int length, double averageLength) {
        return idf * tf / (tf + K1 * (1 - B + B * length / averageLength));
    }

    @Test
    void oneWordScoresAsComputedByHand() {
        try (LuceneKeywordIndex index = corpus()) {
            List<SearchHit> hits = index.search(KeywordSearchRequest.of("apple", 10));
            double idf = idf(3, 2);
            double averageLength = 9 / 3.0;
            assertThat(hits).extracting(SearchHit::id).containsExactly("d2", "d1");
            assertThat(hits.get(0).score()).isCloseTo(term(idf, 2, 3, averageLength), within(1e-5));
            assertThat(hits.get(1).score()).isCloseTo(term(idf, 1, 2, averageLength), within(1e-5));
        }
    }

    @Test
    void severalWordsAddUpAndARareWordWeighsMore() {
        try (LuceneKeywordIndex index = corpus()) {
            List<SearchHit> hits = index.search(KeywordSearchRequest.of("cherry banana", 10));
            double averageLength = 3;
            double d1 = term(idf(3, 1), 1, 2, averageLength);           // banana, in d1 only
            double d2 = term(idf(3, 2), 1, 3, averageLength);           // cherry
            double d3 = term(idf(3, 2), 1, 4, averageLength);           // cherry, longer document
            assertThat(hits).extracting(SearchHit::id).containsExactly("d1", "d2", "d3");
            assertThat(hits).extracting(SearchHit::score)
                    .satisfiesExactly(s -> assertThat(s).isCloseTo(d1, within(1e-5)),
                            s -> assertThat(s).isCloseTo(d2, within(1e-5)),
                            s -> assertThat(s).isCloseTo(d3, within(1e-5)));
        }
    }

    @Test
    void aFieldBoostMultipliesItsScore() {
        try (LuceneKeywordIndex index = corpus()) {
            double plain = index.search(KeywordSearchRequest.of("banana", 1)).get(0).score();
            double boosted = index.search(KeywordSearchRequest.of("banana", 1).withFieldBoosts(Map.of("text", 2.5)))
                    .get(0).score();
            assertThat(boosted).isCloseTo(2.5 * plain, within(1e-5));
        }
    }

    @Test
    void bm25ParametersAreTheBuildersOnes() {
        try (LuceneKeywordIndex index = LuceneKeywordIndex.builder().bm25(2.0, 0).build()) {
            index.upsert(List.of(new KeywordDocument("d1", Map.of("text", "apple banana"), Map.of()),
                    new KeywordDocument("d2", Map.of("text", "apple apple cherry"), Map.of())));
            double idf = idf(2, 2);
            // b = 0: no length normalisation; tf 2 with k1 = 2 gives 2 / (2 + 2).
            assertThat(index.search(KeywordSearchRequest.of("apple", 1)).get(0).score())
                    .isCloseTo(idf * 2 / (2 + 2.0), within(1e-5));
        }
    }
}
