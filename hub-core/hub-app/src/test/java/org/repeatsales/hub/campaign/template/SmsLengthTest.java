package org.repeatsales.hub.campaign.template;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmsLengthTest {

    @Test
    void shouldCountLatinTextInGsm7Parts() {
        assertThat(SmsLength.parts("a".repeat(160))).isEqualTo(1);
        assertThat(SmsLength.parts("a".repeat(161))).isEqualTo(2);
        assertThat(SmsLength.parts("a".repeat(306))).isEqualTo(2);
        assertThat(SmsLength.parts("a".repeat(307))).isEqualTo(3);
        // the extension characters take two septets
        assertThat(SmsLength.units("{}[]")).isEqualTo(8);
        assertThat(SmsLength.parts("€".repeat(80))).isEqualTo(1);
        assertThat(SmsLength.parts("€".repeat(81))).isEqualTo(2);
    }

    @Test
    void shouldCountCyrillicTextInUcs2Parts() {
        assertThat(SmsLength.parts("ж".repeat(70))).isEqualTo(1);
        assertThat(SmsLength.parts("ж".repeat(71))).isEqualTo(2);
        assertThat(SmsLength.parts("ж".repeat(134))).isEqualTo(2);
        assertThat(SmsLength.parts("ж".repeat(135))).isEqualTo(3);
        // one Cyrillic letter turns the whole text into UCS-2
        assertThat(SmsLength.parts("a".repeat(70) + "ж")).isEqualTo(2);
    }
}
