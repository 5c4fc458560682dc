package org.repeatsales.hub.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.campaign.report.CampaignReport;

/** The run report's chart: bars at each group's conversion, whiskers at its 95% interval. */
class ConversionChartTest {

    private static CampaignReport.Group group(long clients, long buyers) {
        return new CampaignReport.Group(clients, buyers, clients == 0 ? 0 : (double) buyers / clients, BigDecimal.ZERO, BigDecimal.ZERO);
    }

    private static CampaignReport.Conversion conversion(CampaignReport.Group sent, CampaignReport.Group control) {
        return new CampaignReport.Conversion(sent, control, null, null, null, "", null, null);
    }

    @Test
    void shouldDrawEachGroupsConversionWithItsNormalApproximationInterval() {
        ConversionChart chart = ConversionChart.of(conversion(group(400, 80), group(100, 10)));

        ConversionChart.Bar sent = chart.bars().get(0);
        ConversionChart.Bar control = chart.bars().get(1);
        assertThat(sent.group()).isEqualTo("sent");
        assertThat(sent.rate()).isCloseTo(20.0, within(1e-9));
        // 0.2 ± 1.96 × sqrt(0.2 × 0.8 / 400) = 0.2 ± 0.0392
        assertThat(sent.low()).isCloseTo(16.08, within(0.01));
        assertThat(sent.high()).isCloseTo(23.92, within(0.01));
        assertThat(control.rate()).isCloseTo(10.0, within(1e-9));
        assertThat(control.high()).isCloseTo(15.88, within(0.01));
        assertThat(sent.height()).as("twice the rate, twice the bar").isCloseTo(2 * control.height(), within(1));
        assertThat(sent.whiskerTop()).isLessThan(sent.y()).as("SVG y grows downwards");
        assertThat(sent.whiskerBottom()).isGreaterThan(sent.y());
        assertThat(chart.ticks().get(chart.ticks().size() - 1).percent()).as("the axis ends above the highest whisker").isEqualTo(25);
    }

    @Test
    void shouldDrawEmptyGroupsOfADryRunAsZeroWithoutAnInterval() {
        ConversionChart chart = ConversionChart.of(conversion(group(0, 0), group(0, 0)));

        assertThat(chart.bars()).allSatisfy(b -> {
            assertThat(b.height()).isZero();
            assertThat(b.low()).isZero();
            assertThat(b.high()).isZero();
        });
        assertThat(chart.ticks()).extracting(ConversionChart.Tick::percent).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void shouldKeepTheIntervalWithinZeroAndAHundredPercent() {
        ConversionChart chart = ConversionChart.of(conversion(group(3, 3), group(3, 0)));

        assertThat(chart.bars().get(0).high()).isEqualTo(100.0);
        assertThat(chart.bars().get(1).low()).isEqualTo(0.0);
    }
}
