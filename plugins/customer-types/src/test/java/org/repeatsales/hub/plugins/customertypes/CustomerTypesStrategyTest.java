package org.repeatsales.hub.plugins.customertypes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.api.segment.ClientFacts;
import org.repeatsales.hub.api.testkit.ClientBase;

class CustomerTypesStrategyTest {

    private final CustomerTypesStrategy strategy = new CustomerTypesStrategy();

    @Test
    void shouldGiveEachBuyerOfTheYearExactlyOneTypeByPriority() {
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z")
                .buyer(1, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8)           // 8 months: regular
                .buyer(2, 12, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12) // all on discount, but regular first
                .buyer(3, 7, 0, 1, 2, 3, 4, 5, 6, 7)              // 7 months: not regular, not seasonal: other
                .buyer(4, 5, 3, 1, 2, 3, 4, 5)                    // 3 of 5 discounted = 60%: discount
                .buyer(5, 5, 2, 1, 2, 3, 4, 5)                    // 40%: other
                .buyer(6, 2, 2, 12)                               // seasonal too, but discount first
                .buyer(7, 4, 0, 11, 12, 1)                        // 3 months, 4 purchases: seasonal
                .buyer(8, 4, 0, 11, 12, 1, 2)                     // 4 months: other
                .buyer(9, 1, 0, 7)                                // a single purchase is not a season: other
                .buyer(10, 2, 1, 6)                               // 50% discount, 2 purchases in June: seasonal
                .buyer(11, 0, 0)                                  // no purchase in the year: not a member
                .client(12, 3, 0, 400, 0, "0")                    // bought before the window only
                .add(new ClientFacts(13, 0, 1, new BigDecimal("-250"), null, null, null, 0, new BigDecimal("-250")));

        Map<Long, String> cells = base.segment(strategy, Map.of());

        assertThat(cells).containsExactly(
                entry(1L, "regular"), entry(2L, "regular"), entry(3L, "other"), entry(4L, "discount"),
                entry(5L, "other"), entry(6L, "discount"), entry(7L, "seasonal"), entry(8L, "other"),
                entry(9L, "other"), entry(10L, "seasonal"));
    }

    @Test
    void shouldTakeTheThresholdsFromTheParameters() {
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z")
                .buyer(1, 6, 0, 1, 2, 3, 4, 5, 6)
                .buyer(2, 10, 5, 1, 2)
                .buyer(3, 2, 0, 1, 2)
                .buyer(4, 3, 0, 3, 4);

        Map<Long, String> cells = base.segment(strategy, Map.of(
                "regularMonths", 6, "seasonalMonths", 2, "seasonalMinPurchases", 3, "discountShare", "50"));

        assertThat(cells).containsExactly(
                entry(1L, "regular"), entry(2L, "discount"), entry(3L, "other"), entry(4L, "seasonal"));
    }

    @Test
    void shouldRefuseBadParametersNamingThem() {
        ClientBase base = new ClientBase("2026-06-30T09:00:00Z");
        assertThatThrownBy(() -> base.segment(strategy, Map.of("regularMonths", 3)))
                .hasMessage("Parameter 'seasonalMonths': must be less than regularMonths (3), got 3");
        assertThatThrownBy(() -> base.segment(strategy, Map.of("regularMonths", 13)))
                .hasMessage("Parameter 'regularMonths': must be at most 12, got 13");
        assertThatThrownBy(() -> base.segment(strategy, Map.of("discountShare", "0")))
                .hasMessage("Parameter 'discountShare': must be at least 1, got 0");
        assertThat(strategy.windowDays(null)).isEqualTo(365);
    }
}
