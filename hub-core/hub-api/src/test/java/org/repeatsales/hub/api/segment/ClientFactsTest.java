package org.repeatsales.hub.api.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class ClientFactsTest {

    @Test
    void shouldKeepTheOldConstructorWithoutMonthsOrDiscounts() {
        ClientFacts facts = new ClientFacts(1, 2, 0, new BigDecimal("10"), null, null, null, 2, null);

        assertThat(facts.windowMonths()).isZero();
        assertThat(facts.windowDiscountedPurchases()).isZero();
        assertThat(facts.windowRevenue()).isEqualByComparingTo("0");
    }

    @Test
    void shouldMapCalendarMonthsToBitsAndRefuseBitsBeyondDecember() {
        assertThat(ClientFacts.monthBit(1)).isEqualTo(1);
        assertThat(ClientFacts.monthBit(12)).isEqualTo(1 << 11);
        assertThat(ClientFacts.monthBit(1) | ClientFacts.monthBit(12)).isEqualTo(0x801);
        assertThatThrownBy(() -> ClientFacts.monthBit(13)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientFacts(1, 1, 0, null, null, null, null, 1, null, 1 << 12, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
