package org.repeatsales.hub.plugins.rfm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.api.segment.ClientFacts;
import org.repeatsales.hub.api.testkit.ClientBase;

class RfmStrategyTest {

    private final RfmStrategy strategy = new RfmStrategy();

    @Test
    void shouldScoreTenDistinctClientsTwoPerQuintileAndGroupThem() {
        // Client i bought i days ago, i times, for i*1000 in the window: the most recent is the
        // least frequent and the smallest, so R and F run in opposite directions.
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z");
        for (int i = 1; i <= 10; i++) {
            base.client(i, i, 0, i, i, Integer.toString(i * 1000));
        }

        Map<Long, String> cells = base.segment(strategy, Map.of());

        // R scores 5 5 4 4 3 3 2 2 1 1, F and M scores 1 1 2 2 3 3 4 4 5 5
        assertThat(cells).containsExactly(
                entry(1L, "promising"), entry(2L, "promising"), entry(3L, "promising"), entry(4L, "promising"),
                entry(5L, "loyal"), entry(6L, "loyal"),
                entry(7L, "at-risk"), entry(8L, "at-risk"), entry(9L, "at-risk"), entry(10L, "at-risk"));
    }

    @Test
    void shouldGiveTiesAtAQuintileBoundaryTheSameBetterScore() {
        // Five clients: 2 and 3 share the second-best recency; with n=5 every rank is its own
        // quintile, so without the tie rule 3 would score R=3.
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z")
                .client(1, 9, 0, 1, 9, "9000")
                .client(2, 8, 0, 5, 8, "8000")
                .client(3, 8, 0, 5, 8, "8000")
                .client(4, 2, 0, 200, 2, "200")
                .client(5, 1, 0, 300, 1, "100");

        Map<Long, String> cells = base.segment(strategy, Map.of());

        // 1: R5 F5 M5; 2 and 3: R4 F4 M4 (tied on all three); 4: R2 F2; 5: R1 F1
        assertThat(cells).containsExactly(
                entry(1L, "champions"), entry(2L, "champions"), entry(3L, "champions"),
                entry(4L, "hibernating"), entry(5L, "lost"));
    }

    @Test
    void shouldPutBuyersOutsideTheWindowIntoLostAndLeaveOutRefundOnlyClients() {
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z")
                .client(1, 1, 0, 0, 1, "500")           // bought today: the only scored client
                .client(2, 3, 0, 400, 0, "0")           // last bought 400 days ago
                .add(new ClientFacts(3, 0, 1, new BigDecimal("-250"), null, null, null, 0, new BigDecimal("-250")));

        Map<Long, String> cells = base.segment(strategy, Map.of());

        assertThat(cells).containsExactly(entry(1L, "champions"), entry(2L, "lost"));
    }

    @Test
    void shouldAskTheHubForTheConfiguredWindow() {
        assertThat(strategy.windowDays(org.repeatsales.hub.api.segment.Parameters.resolve(strategy.parameters(), Map.of())))
                .isEqualTo(365);
        assertThatThrownBy(() -> new ClientBase("2026-06-30T09:00:00Z").segment(strategy, Map.of("windowDays", 0)))
                .hasMessage("Parameter 'windowDays': must be at least 1, got 0");
    }

    @Test
    void shouldCoverEveryScoreCombinationWithADeclaredGroup() {
        for (int r = 1; r <= 5; r++) {
            for (int f = 1; f <= 5; f++) {
                for (int m = 1; m <= 5; m++) {
                    String group = RfmStrategy.group(r, f, m);
                    assertThat(strategy.cells(null)).extracting(c -> c.code()).contains(group);
                }
            }
        }
        assertThat(RfmStrategy.group(5, 5, 3)).isEqualTo("loyal");
        assertThat(RfmStrategy.group(3, 2, 5)).isEqualTo("attention");
    }

    @Test
    void shouldScoreByFixedThresholdsIndependentlyOfTheRestOfTheBase() {
        // recencyDays 30,90,180,270; frequencyCounts 2,3,5,8; monetaryRubles 1000,3000,10000,30000
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z")
                .client(1, 8, 0, 30, 8, "30000")      // R5 (30 is at the 1st boundary) F5 M5: champions
                .client(2, 5, 0, 31, 5, "9999.99")    // R4 F4 M3: loyal
                .client(3, 1, 0, 90, 1, "100000")     // R4 F1: promising
                .client(4, 2, 0, 91, 2, "1000")       // R3 F2: attention
                .client(5, 3, 0, 181, 3, "3000")      // R2 F3: at-risk
                .client(6, 1, 0, 270, 1, "500")       // R2 F1: hibernating
                .client(7, 7, 0, 271, 7, "50000")     // R1 F4: at-risk
                .client(8, 1, 0, 300, 1, "999")       // R1 F1: lost
                .client(9, 3, 0, 400, 0, "0")         // bought before the window only: lost
                .add(new ClientFacts(10, 0, 1, new BigDecimal("-250"), null, null, null, 0, new BigDecimal("-250")));

        Map<Long, String> cells = base.segment(strategy, Map.of("mode", "thresholds"));

        assertThat(cells).containsExactly(
                entry(1L, "champions"), entry(2L, "loyal"), entry(3L, "promising"), entry(4L, "attention"),
                entry(5L, "at-risk"), entry(6L, "hibernating"), entry(7L, "at-risk"), entry(8L, "lost"),
                entry(9L, "lost"));

        // The same client alone gets the same cell: no quintiles involved.
        assertThat(new ClientBase("2026-06-30T09:00:00Z").client(2, 5, 0, 31, 5, "9999.99")
                .segment(strategy, Map.of("mode", "thresholds"))).containsExactly(entry(2L, "loyal"));
    }

    @Test
    void shouldTakeCustomThresholds() {
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z")
                .client(1, 2, 0, 3, 2, "200")
                .client(2, 1, 0, 8, 1, "50");

        Map<Long, String> cells = base.segment(strategy, Map.of("mode", "thresholds",
                "recencyDays", "3, 7, 14, 28", "frequencyCounts", "1,2,3,4", "monetaryRubles", "50,100,150,200"));

        // 1: R5 F3 M5 -> loyal (F below 4 keeps it from champions); 2: R3 F2 M2 -> attention
        assertThat(cells).containsExactly(entry(1L, "loyal"), entry(2L, "attention"));
    }

    @Test
    void shouldRefuseThresholdsOutOfOrderNamingTheParameter() {
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z");
        assertThatThrownBy(() -> base.segment(strategy, Map.of("mode", "thresholds", "recencyDays", "30,90,90,365")))
                .hasMessage("Parameter 'recencyDays': thresholds must be in ascending order, got '30,90,90,365'");
        assertThatThrownBy(() -> base.segment(strategy, Map.of("frequencyCounts", "5,3,8,10")))
                .hasMessage("Parameter 'frequencyCounts': thresholds must be in ascending order, got '5,3,8,10'");
        assertThatThrownBy(() -> base.segment(strategy, Map.of("monetaryRubles", "1000,3000,10000")))
                .hasMessage("Parameter 'monetaryRubles': needs 4 comma-separated values, got '1000,3000,10000'");
        assertThatThrownBy(() -> base.segment(strategy, Map.of("monetaryRubles", "-1,3000,10000,20000")))
                .hasMessage("Parameter 'monetaryRubles': must not be negative, got -1");
        assertThatThrownBy(() -> base.segment(strategy, Map.of("mode", "deciles")))
                .hasMessage("Parameter 'mode': must be quintiles or thresholds, got 'deciles'");
    }
}
