package dev.mmrag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.core.RetrievalMetrics.Judged;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {

    private static final Judged FIRST = new Judged(List.of("a", "b", "c"), Set.of("a"));
    private static final Judged THIRD = new Judged(List.of("x", "y", "a", "b"), Set.of("a", "b"));
    private static final Judged MISSED = new Judged(List.of("x", "y"), Set.of("a"));

    @Test
    void recallAtKIsAHitWhenAnyRelevantIdIsInTheTopK() {
        RetrievalMetrics metrics = RetrievalMetrics.of(List.of(FIRST, THIRD, MISSED));
        assertThat(metrics.recallAt(1)).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(metrics.recallAt(3)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(metrics.count()).isEqualTo(3);
    }

    @Test
    void mrrAveragesTheReciprocalRankOfTheFirstRelevantHit() {
        assertThat(RetrievalMetrics.of(List.of(FIRST, THIRD, MISSED)).mrr()).isCloseTo((1 + 1 / 3.0 + 0) / 3, within(1e-12));
    }

    @Test
    void ndcgComparesWithTheIdealOrder() {
        assertThat(RetrievalMetrics.ndcgAt(FIRST, 3)).isEqualTo(1.0);
        double dcg = 1 / (Math.log(4) / Math.log(2)) + 1 / (Math.log(5) / Math.log(2));
        double ideal = 1 + 1 / (Math.log(3) / Math.log(2));
        assertThat(RetrievalMetrics.ndcgAt(THIRD, 4)).isCloseTo(dcg / ideal, within(1e-12));
        assertThat(RetrievalMetrics.ndcgAt(MISSED, 2)).isZero();
    }

    @Test
    void aRepeatedRelevantIdCountsOnceAtItsFirstRank() {
        assertThat(RetrievalMetrics.ndcgAt(new Judged(List.of("a", "a", "a"), Set.of("a")), 3)).isEqualTo(1.0);
        Judged repeats = new Judged(List.of("x", "a", "a", "b"), Set.of("a", "b"));
        double dcg = 1 / (Math.log(3) / Math.log(2)) + 1 / (Math.log(5) / Math.log(2));
        double ideal = 1 + 1 / (Math.log(3) / Math.log(2));
        assertThat(RetrievalMetrics.ndcgAt(repeats, 4)).isCloseTo(dcg / ideal, within(1e-12));
        assertThat(RetrievalMetrics.recallAt(repeats, 2)).isEqualTo(1.0);
        assertThat(RetrievalMetrics.reciprocalRank(repeats)).isEqualTo(0.5);
    }

    @Test
    void rejectsMissingRankingsAndIdsWithAMessage() {
        assertThatThrownBy(() -> new Judged(null, Set.of("a"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("ranked ids must not be null");
        assertThatThrownBy(() -> new Judged(List.of("a"), null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("relevant ids must not be null");
        assertThatThrownBy(() -> new Judged(Arrays.asList("a", null), Set.of("a")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("null at position 1 of 2");
        assertThatThrownBy(() -> RetrievalMetrics.of(Arrays.asList(FIRST, null)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("judged query at index 1 is null");
        assertThatThrownBy(() -> RetrievalMetrics.ndcgAt(null, 3)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("judged query must not be null");
        assertThatThrownBy(() -> RetrievalMetrics.ndcgAt(FIRST, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("k is 0");
    }

    @Test
    void rejectsQueriesWithoutRelevantIdsAndBadK() {
        assertThatThrownBy(() -> new Judged(List.of("a"), Set.of())).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> RetrievalMetrics.of(List.of())).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> RetrievalMetrics.of(List.of(FIRST)).recallAt(0)).isInstanceOf(InvalidInputException.class);
    }
}
