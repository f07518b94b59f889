package dev.mmrag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.SearchHit;
import dev.mmrag.core.HybridFusion.Source;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link HybridFusion} on fixed lists, every expected score worked out by hand. */
class HybridFusionTest {

    private static List<SearchHit> list(Object... idsAndScores) {
        List<SearchHit> hits = new java.util.ArrayList<>();
        for (int i = 0; i < idsAndScores.length; i += 2) {
            hits.add(SearchHit.of((String) idsAndScores[i], ((Number) idsAndScores[i + 1]).doubleValue(), Map.of()));
        }
        return hits;
    }

    private static Map<Source, List<SearchHit>> lists(List<SearchHit> keyword, List<SearchHit> text,
            List<SearchHit> image) {
        Map<Source, List<SearchHit>> lists = new EnumMap<>(Source.class);
        if (keyword != null) {
            lists.put(Source.KEYWORD, keyword);
        }
        if (text != null) {
            lists.put(Source.TEXT, text);
        }
        if (image != null) {
            lists.put(Source.IMAGE, image);
        }
        return lists;
    }

    private static Map<String, Double> scores(List<SearchHit> fused) {
        return fused.stream().collect(Collectors.toMap(SearchHit::id, SearchHit::score));
    }

    // keyword: a(12.0) b(6.0) c(3.0); text: c(0.9) d(0.8) a(0.5)
    private static final List<SearchHit> KEYWORD = list("a", 12.0, "b", 6.0, "c", 3.0);
    private static final List<SearchHit> TEXT = list("c", 0.9, "d", 0.8, "a", 0.5);

    @Test
    void reciprocalRankFusionSumsWeightOverRankConstantPlusRank() {
        List<SearchHit> fused = HybridFusion.reciprocalRank().fuse(lists(KEYWORD, TEXT, null));
        Map<String, Double> s = scores(fused);
        assertThat(s.get("a")).isCloseTo(1.0 / 61 + 1.0 / 63, within(1e-12));
        assertThat(s.get("b")).isCloseTo(1.0 / 62, within(1e-12));
        assertThat(s.get("c")).isCloseTo(1.0 / 63 + 1.0 / 61, within(1e-12));
        assertThat(s.get("d")).isCloseTo(1.0 / 62, within(1e-12));
        // a and c tie exactly; a was seen first (keyword list first). b and d tie too: b first.
        assertThat(fused).extracting(SearchHit::id).containsExactly("a", "c", "b", "d");
    }

    @Test
    void reciprocalRankFusionWithWeightsAndAnotherRankConstant() {
        List<SearchHit> fused = HybridFusion.reciprocalRank(5, 2, 1, 0.5)
                .fuse(lists(KEYWORD, TEXT, list("d", 0.7, "b", 0.1)));
        Map<String, Double> s = scores(fused);
        assertThat(s.get("a")).isCloseTo(2.0 / 6 + 1.0 / 8, within(1e-12));
        assertThat(s.get("b")).isCloseTo(2.0 / 7 + 0.5 / 7, within(1e-12));
        assertThat(s.get("c")).isCloseTo(2.0 / 8 + 1.0 / 6, within(1e-12));
        assertThat(s.get("d")).isCloseTo(1.0 / 7 + 0.5 / 6, within(1e-12));
        assertThat(fused).extracting(SearchHit::id).containsExactly("a", "c", "b", "d");
    }

    @Test
    void weightedFusionIsAConvexCombinationOfMinMaxScaledScores() {
        List<SearchHit> fused = HybridFusion.weighted(0.75, 0.25, 1).fuse(lists(KEYWORD, TEXT, null));
        Map<String, Double> s = scores(fused);
        // keyword scaled: a 1, b (6-3)/9 = 1/3, c 0; text scaled: c 1, d 0.75, a 0. Image list absent: weights
        // 0.75 + 0.25 = 1.
        assertThat(s.get("a")).isCloseTo(0.75 * 1 + 0.25 * 0, within(1e-12));
        assertThat(s.get("b")).isCloseTo(0.75 / 3, within(1e-12));
        assertThat(s.get("c")).isCloseTo(0.25 * 1, within(1e-12));
        assertThat(s.get("d")).isCloseTo(0.25 * 0.75, within(1e-12));
        assertThat(fused).extracting(SearchHit::id).containsExactly("a", "b", "c", "d");
    }

    @Test
    void weightedFusionDividesByTheWeightsOfTheListsTheQueryHas() {
        List<SearchHit> fused = HybridFusion.weighted(1, 1, 2).fuse(lists(KEYWORD, TEXT, list("d", 0.7, "b", 0.1)));
        Map<String, Double> s = scores(fused);
        assertThat(s.get("d")).isCloseTo((0 + 0.75 + 2 * 1) / 4, within(1e-12));
        assertThat(s.get("b")).isCloseTo((1.0 / 3 + 0 + 0) / 4, within(1e-12));
        assertThat(fused).allSatisfy(h -> assertThat(h.score()).isBetween(0.0, 1.0));
    }

    @Test
    void aListWhoseScoresAreAllEqualScalesToOne() {
        List<SearchHit> fused = HybridFusion.weighted(0.5, 0.5, 1)
                .fuse(lists(list("a", 2.0, "b", 2.0), list("b", 0.3), null));
        Map<String, Double> s = scores(fused);
        assertThat(s.get("a")).isCloseTo(0.5, within(1e-12));
        assertThat(s.get("b")).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void emptyAndMissingListsAndZeroWeights() {
        assertThat(HybridFusion.reciprocalRank().fuse(lists(List.of(), List.of(), null))).isEmpty();
        List<SearchHit> onlyText = HybridFusion.reciprocalRank().fuse(lists(null, TEXT, null));
        assertThat(onlyText).extracting(SearchHit::id).containsExactly("c", "d", "a");
        List<SearchHit> keywordOff = HybridFusion.reciprocalRank(60, 0, 1, 1).fuse(lists(KEYWORD, TEXT, null));
        assertThat(keywordOff).extracting(SearchHit::id).startsWith("c", "d", "a");
        assertThat(scores(keywordOff).get("b")).isZero();
    }

    @Test
    void badSettingsAreRefusedWithTheirValues() {
        assertThatThrownBy(() -> HybridFusion.reciprocalRank(0, 1, 1, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> HybridFusion.weighted(-1, 1, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("keyword").hasMessageContaining("-1");
        assertThatThrownBy(() -> HybridFusion.weighted(Double.NaN, 1, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> HybridFusion.weighted(0, 0, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("all zero");
    }
}
