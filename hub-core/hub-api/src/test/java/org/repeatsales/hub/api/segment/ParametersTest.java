package org.repeatsales.hub.api.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.api.Label;

class ParametersTest {

    private static final List<ParameterSpec> SPECS = List.of(
            ParameterSpec.integer("activeDays", 30, 1L, 3650L, Label.of("Дней активности", "Active days")),
            ParameterSpec.decimal("minRevenue", "0", "0", null, Label.of("Минимальная выручка", "Minimal revenue")),
            new ParameterSpec("strict", ParameterType.BOOLEAN, "false", null, null, Label.of("Строго", "Strict")));

    @Test
    void shouldFillDefaultsForMissingParameters() {
        Parameters p = Parameters.resolve(SPECS, Map.of("activeDays", 45));

        assertThat(p.integer("activeDays")).isEqualTo(45);
        assertThat(p.decimal("minRevenue")).isEqualByComparingTo("0");
        assertThat(p.bool("strict")).isFalse();
        assertThat(p.asMap()).containsOnlyKeys("activeDays", "minRevenue", "strict");
    }

    @Test
    void shouldAcceptNumbersGivenAsText() {
        Parameters p = Parameters.resolve(SPECS, Map.of("activeDays", "60", "minRevenue", "1500.50", "strict", "TRUE"));

        assertThat(p.integer("activeDays")).isEqualTo(60);
        assertThat(p.decimal("minRevenue")).isEqualByComparingTo(new BigDecimal("1500.50"));
        assertThat(p.bool("strict")).isTrue();
    }

    @Test
    void shouldRefuseNegativeDaysNamingTheParameter() {
        assertThatThrownBy(() -> Parameters.resolve(SPECS, Map.of("activeDays", -5)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessage("Parameter 'activeDays': must be at least 1, got -5")
                .extracting(e -> ((InvalidParameterException) e).parameter()).isEqualTo("activeDays");
    }

    @Test
    void shouldRefuseUnknownParameterAndWrongType() {
        assertThatThrownBy(() -> Parameters.resolve(SPECS, Map.of("activDays", 5)))
                .hasMessageStartingWith("Parameter 'activDays': unknown");
        assertThatThrownBy(() -> Parameters.resolve(SPECS, Map.of("activeDays", "2.5")))
                .hasMessage("Parameter 'activeDays': '2.5' is not a whole number");
        assertThatThrownBy(() -> Parameters.resolve(SPECS, Map.of("strict", "yes")))
                .hasMessage("Parameter 'strict': 'yes' is not true or false");
    }

    @Test
    void shouldCountCalendarDaysInTheBusinessZone() {
        ZoneId moscow = ZoneId.of("Europe/Moscow");
        SegmentationContext ctx = new SegmentationContext(Instant.parse("2026-03-10T08:00:00Z"), moscow,
                Parameters.resolve(SPECS, Map.of()), null);

        assertThat(ctx.daysSince(Instant.parse("2026-03-10T00:30:00Z"))).isZero();
        // 23:30 Moscow on 9 March is yesterday even though it is only 8.5 hours before asOf
        assertThat(ctx.daysSince(Instant.parse("2026-03-09T20:30:00Z"))).isEqualTo(1);
        assertThat(ctx.daysSince(Instant.parse("2026-03-09T21:30:00Z"))).isZero();
    }
}
