package dev.mmrag.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FilterTest {

    private static final Map<String, Object> HAT = Metadata.copyOf(Map.of(
            "color", "red", "price", 19.99, "size", 3, "sale", true, "tags", List.of("summer", "cotton", 7)));

    @Test
    void equalsComparesStringsExactlyAndNumbersByValue() {
        assertThat(Filter.eq("color", "red").matches(HAT)).isTrue();
        assertThat(Filter.eq("color", "Red").matches(HAT)).isFalse();
        assertThat(Filter.eq("size", 3.0).matches(HAT)).isTrue();
        assertThat(Filter.eq("size", 3L).matches(HAT)).isTrue();
        assertThat(Filter.eq("price", 19.99f).matches(HAT)).isFalse();
        assertThat(Filter.eq("price", 19.99).matches(HAT)).isTrue();
        assertThat(Filter.eq("sale", true).matches(HAT)).isTrue();
        assertThat(Filter.eq("sale", "true").matches(HAT)).isFalse();
    }

    @Test
    void listValuesMatchWhenAnyElementDoes() {
        assertThat(Filter.eq("tags", "cotton").matches(HAT)).isTrue();
        assertThat(Filter.eq("tags", 7).matches(HAT)).isTrue();
        assertThat(Filter.in("tags", "wool", "summer").matches(HAT)).isTrue();
        assertThat(Filter.gt("tags", 6).matches(HAT)).isTrue();
        assertThat(Filter.ne("tags", "cotton").matches(HAT)).isFalse();
    }

    @Test
    void missingKeyMatchesOnlyNegations() {
        assertThat(Filter.eq("brand", "x").matches(HAT)).isFalse();
        assertThat(Filter.in("brand", "x").matches(HAT)).isFalse();
        assertThat(Filter.gte("weight", 0).matches(HAT)).isFalse();
        assertThat(Filter.ne("brand", "x").matches(HAT)).isTrue();
        assertThat(Filter.not(Filter.eq("brand", "x")).matches(HAT)).isTrue();
    }

    @Test
    void rangesRespectInclusivenessAndIgnoreNonNumbers() {
        assertThat(Filter.gt("size", 3).matches(HAT)).isFalse();
        assertThat(Filter.gte("size", 3).matches(HAT)).isTrue();
        assertThat(Filter.lt("size", 3).matches(HAT)).isFalse();
        assertThat(Filter.lte("size", 3).matches(HAT)).isTrue();
        assertThat(Filter.between("price", 10, 20).matches(HAT)).isTrue();
        assertThat(Filter.between("price", 20, 30).matches(HAT)).isFalse();
        assertThat(Filter.gte("color", 0).matches(HAT)).isFalse();
    }

    @Test
    void logicCombines() {
        Filter cheapRed = Filter.and(Filter.eq("color", "red"), Filter.lt("price", 20));
        assertThat(cheapRed.matches(HAT)).isTrue();
        assertThat(Filter.or(Filter.eq("color", "blue"), Filter.eq("sale", true)).matches(HAT)).isTrue();
        assertThat(Filter.and(cheapRed, Filter.not(Filter.eq("size", 3))).matches(HAT)).isFalse();
        assertThat(Filter.and(cheapRed, Filter.in("size", 1, 2)).keys()).containsExactlyInAnyOrder("color", "price", "size");
    }

    @Test
    void malformedFiltersAreRejectedWithTheReason() {
        assertThatThrownBy(() -> Filter.eq("color", null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("color").hasMessageContaining("null");
        assertThatThrownBy(() -> Filter.eq("bad key", "x")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'bad key'");
        assertThatThrownBy(() -> Filter.eq("when", new java.util.Date())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("java.util.Date");
        assertThatThrownBy(() -> Filter.in("color", List.of())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at least one value");
        assertThatThrownBy(() -> Filter.between("price", 30, 20)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("above upper bound");
        assertThatThrownBy(() -> Filter.gt("price", Double.NaN)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("non-finite");
        assertThatThrownBy(() -> Filter.and()).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Filter.not(null)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void filterValuesAreCheckedWithMessagesAboutTheFilter() {
        assertThatThrownBy(() -> Filter.eq("color", null)).isInstanceOf(InvalidInputException.class)
                .hasMessage("the filter on metadata key 'color' compares with null; expected a String, Boolean or "
                        + "number");
        assertThatThrownBy(() -> Filter.eq("color", List.of("red"))).isInstanceOf(InvalidInputException.class)
                .hasMessage("the filter on metadata key 'color' compares with unsupported type List; expected a "
                        + "String, Boolean or number (use Filter.in for several values)");
        assertThatThrownBy(() -> Filter.in("price", List.of(1, Double.NaN))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the filter on metadata key 'price' compares with non-finite number NaN");
    }

    @Test
    void aStoreThatKnowsNoKeyAcceptsAnyFilter() {
        assertThatCode(() -> Filter.eq("color", "red").requireKnownKeys(Set.of())).doesNotThrowAnyException();
        assertThatThrownBy(() -> Filter.eq("color", "red").requireKnownKeys(Set.of("price")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'color'");
    }

    @Test
    void aKeyWrittenWhileTheCheckRunsCountsAsKnown() {
        // A live set whose first answer is "absent" and which then holds the key, as when another thread writes
        // the first item with that key while the check runs.
        Set<String> live = new java.util.AbstractSet<>() {
            private int asked;

            @Override
            public boolean contains(Object key) {
                return asked++ > 0 && "color".equals(key);
            }

            @Override
            public java.util.Iterator<String> iterator() {
                return List.of("color").iterator();
            }

            @Override
            public int size() {
                return 1;
            }
        };
        assertThatCode(() -> Filter.eq("color", "red").requireKnownKeys(live)).doesNotThrowAnyException();
    }

    @Test
    void unknownKeysAreNamedWithTheKnownOnes() {
        Filter filter = Filter.and(Filter.eq("color", "red"), Filter.eq("colour", "red"));
        assertThatThrownBy(() -> filter.requireKnownKeys(Set.of("color", "price")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'colour'")
                .hasMessageContaining("[color, price]");
    }

    @Test
    void printsReadably() {
        Filter filter = Filter.and(Filter.eq("color", "red"), Filter.between("price", 10, 20.5),
                Filter.not(Filter.in("size", 1, 2)));
        assertThat(filter).hasToString("(color == \"red\") AND (10 <= price <= 20.5) AND (NOT (size in (1, 2)))");
    }
}
