package org.repeatsales.hub.plugins.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.api.segment.ClientFacts;
import org.repeatsales.hub.api.segment.InvalidParameterException;
import org.repeatsales.hub.api.testkit.ClientBase;

class LifecycleStrategyTest {

    private final LifecycleStrategy strategy = new LifecycleStrategy();

    @Test
    void shouldPutEveryClientIntoTheExactCellAtTheBoundaries() {
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z")
                .client(1, 1, 0, "100")      // bought today
                .client(2, 1, 30, "100")     // last day of active
                .client(3, 1, 31, "100")     // first day of fading
                .client(4, 2, 90, "100")     // last day of fading, repeat
                .client(5, 3, 91, "100")     // first day of sleeping, still repeat
                .client(6, 4, 5, "100")      // regular from 4
                .client(7, 40, 400, "100");  // regular, long asleep

        Map<Long, String> cells = base.segment(strategy, Map.of());

        assertThat(cells).containsExactly(
                entry(1L, "new-active"), entry(2L, "new-active"), entry(3L, "new-fading"),
                entry(4L, "repeat-fading"), entry(5L, "repeat-sleeping"), entry(6L, "regular-active"),
                entry(7L, "regular-sleeping"));
    }

    @Test
    void shouldLeaveOutClientsWithOnlyRefundsOrNoPurchases() {
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z")
                .add(new ClientFacts(1, 0, 2, new BigDecimal("-300"), null, null, null, 0, null))
                .add(new ClientFacts(2, 0, 0, BigDecimal.ZERO, null, null, null, 0, null))
                .client(3, 1, 1, 3, 1, "0");

        assertThat(base.segment(strategy, Map.of())).containsExactly(entry(3L, "new-active"));
    }

    @Test
    void shouldCountDaysByCalendarDateInTheBusinessZone() {
        // asOf is 00:30 Moscow on 1 July; a purchase at 23:50 Moscow on 31 May is 31 days ago, fading
        ClientBase base = new ClientBase("2026-06-30T21:30:00Z")
                .add(facts(1, 1, Instant.parse("2026-05-31T20:50:00Z")))
                .add(facts(2, 1, Instant.parse("2026-05-31T21:10:00Z")))
                .add(facts(3, 1, Instant.parse("2026-07-02T10:00:00Z"))); // dated after asOf: today

        assertThat(base.segment(strategy, Map.of())).containsExactly(
                entry(1L, "new-fading"), entry(2L, "new-active"), entry(3L, "new-active"));
    }

    @Test
    void shouldUseConfiguredThresholds() {
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z")
                .client(1, 2, 7, "100")
                .client(2, 3, 8, "100")
                .client(3, 6, 15, "100");

        Map<Long, String> cells = base.segment(strategy,
                Map.of("repeatFrom", 3, "regularFrom", 6, "activeDays", 7, "fadingDays", 14));

        assertThat(cells).containsExactly(entry(1L, "new-active"), entry(2L, "repeat-fading"), entry(3L, "regular-sleeping"));
    }

    @Test
    void shouldRefuseThresholdsOutOfOrderNamingTheParameter() {
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z");

        assertThatThrownBy(() -> base.segment(strategy, Map.of("activeDays", 90, "fadingDays", 30)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessage("Parameter 'fadingDays': must be greater than activeDays (90), got 30");
        assertThatThrownBy(() -> base.segment(strategy, Map.of("repeatFrom", 5, "regularFrom", 4)))
                .hasMessageStartingWith("Parameter 'regularFrom'");
        assertThatThrownBy(() -> base.segment(strategy, Map.of("activeDays", -1)))
                .hasMessage("Parameter 'activeDays': must be at least 0, got -1");
    }

    @Test
    void shouldNameNineCellsInRussianFirst() {
        assertThat(strategy.cells(null)).hasSize(9);
        assertThat(strategy.cells(null).get(0).name().ru()).isEqualTo("Новые активные");
        assertThat(strategy.cells(null).get(8).name().ru()).isEqualTo("Постоянные спящие");
        assertThat(strategy.cells(null).get(8).code()).isEqualTo("regular-sleeping");
    }

    private static ClientFacts facts(long id, int purchases, Instant last) {
        return new ClientFacts(id, purchases, 0, BigDecimal.TEN, BigDecimal.TEN, last, last, purchases, BigDecimal.TEN);
    }
}
