package dev.mmrag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.core.RetrievalMetrics.Judged;
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
    void rejectsQueriesWithoutRelevantIdsAndBadK() {
        assertThatThrownBy(() -> new Judged(List.of("a"), Set.of())).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> RetrievalMetrics.of(List.of())).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> RetrievalMetrics.of(List.of(FIRST)).recallAt(0)).isInstanceOf(InvalidInputException.class);
    }
}
