package org.repeatsales.hub.plugins.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.api.segment.ClientFacts;
import org.repeatsales.hub.api.testkit.ClientBase;

class GoldenStrategyTest {

    private final GoldenStrategy strategy = new GoldenStrategy();

    @Test
    void shouldTakeOnlyClientsInTheTopFifthOfAllThreeMeasures() {
        // ten buyers: top 20 % = fewer than 2 clients strictly higher
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z")
                .client(1, 10, 0, 1, 10, "20000")   // revenue 1st, frequency 1st, check 2000: 1st
                .client(2, 8, 0, 1, 8, "12000")     // revenue 2nd, frequency 2nd, check 1500: 2nd
                .client(3, 8, 0, 1, 8, "8000")      // frequency ties 2nd, but revenue 3rd
                .client(4, 1, 0, 1, 1, "5000");     // check 5000 is the highest, frequency low
        for (int i = 5; i <= 10; i++) {
            base.client(i, 1, 0, 1, 1, "100");
        }

        Map<Long, String> cells = base.segment(strategy, Map.of());

        // client 2's check 1500 has 2000 and 5000 above it: third, out of the top fifth
        assertThat(cells).hasSize(10);
        assertThat(cells.entrySet().stream().filter(e -> e.getValue().equals("golden")).map(Map.Entry::getKey))
                .containsExactly(1L);
    }

    @Test
    void shouldKeepTiesOnTheSameSideOfTheBand() {
        // five equal buyers: nobody is strictly higher, so all are golden
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z");
        for (int i = 1; i <= 5; i++) {
            base.client(i, 2, 0, 3, 2, "1000");
        }

        assertThat(base.segment(strategy, Map.of()).values()).containsOnly("golden");
    }

    @Test
    void shouldLeaveOutClientsWithoutPurchasesInTheWindow() {
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z")
                .client(1, 1, 0, 0, 1, "500")
                .client(2, 5, 0, 400, 0, "0")
                .add(new ClientFacts(3, 0, 1, new BigDecimal("-90"), null, null, null, 0, new BigDecimal("-90")));

        assertThat(base.segment(strategy, Map.of())).containsExactly(entry(1L, "golden"));
    }
}
