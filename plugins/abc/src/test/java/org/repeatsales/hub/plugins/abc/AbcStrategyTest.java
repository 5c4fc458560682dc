package org.repeatsales.hub.plugins.abc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.api.segment.ClientFacts;
import org.repeatsales.hub.api.testkit.ClientBase;

class AbcStrategyTest {

    private final AbcStrategy strategy = new AbcStrategy();

    @Test
    void shouldSplitRevenueEightyFifteenFive() {
        // total 2000: richer-than shares 0, 50, 75 % -> A; 85, 90, 94 % -> B; 96.5, 98, 99, 99 % -> C
        int[] revenue = {1000, 500, 200, 100, 80, 50, 30, 20, 10, 10};
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z");
        for (int i = 0; i < revenue.length; i++) {
            base.client(i + 1, 1, 0, 5, 1, Integer.toString(revenue[i]));
        }

        Map<Long, String> cells = base.segment(strategy, Map.of());

        assertThat(cells).containsExactly(
                entry(1L, "a"), entry(2L, "a"), entry(3L, "a"), entry(4L, "b"), entry(5L, "b"), entry(6L, "b"),
                entry(7L, "c"), entry(8L, "c"), entry(9L, "c"), entry(10L, "c"));
    }

    @Test
    void shouldKeepClientsWithEqualRevenueInOneClassAtTheBoundary() {
        // total 1000: the two 300s have 400 (40 %) richer, below 50 %: both A although together
        // with the richest they pass 50 %
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z")
                .client(1, 1, 0, 5, 1, "400")
                .client(2, 1, 0, 5, 1, "300")
                .client(3, 1, 0, 5, 1, "300");

        assertThat(base.segment(strategy, Map.of("aShare", 50, "bShare", 30)))
                .containsExactly(entry(1L, "a"), entry(2L, "a"), entry(3L, "a"));
    }

    @Test
    void shouldLeaveOutClientsWithoutPositiveRevenueInTheWindow() {
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z")
                .client(1, 1, 0, 0, 1, "500")                                    // bought today
                .client(2, 1, 1, 3, 1, "0")                                      // purchase refunded
                .add(new ClientFacts(3, 0, 1, new BigDecimal("-90"), null, null, null, 0, new BigDecimal("-90")));

        assertThat(base.segment(strategy, Map.of())).containsExactly(entry(1L, "a"));
    }

    @Test
    void shouldRefuseSharesLeavingNothingForC() {
        assertThatThrownBy(() -> new ClientBase("2026-06-30T09:00:00Z").segment(strategy, Map.of("aShare", 90, "bShare", 10)))
                .hasMessage("Parameter 'bShare': aShare + bShare must stay below 100 so that C gets a share, got 100");
    }
}
