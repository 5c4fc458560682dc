package org.repeatsales.hub.connector.sms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmsPartsTest {

    @Test
    void shouldFitLatinTextOf160CharactersInOneSms() {
        assertThat(SmsParts.isGsm7("a".repeat(160))).isTrue();
        assertThat(SmsParts.parts("a".repeat(160))).isEqualTo(1);
        assertThat(SmsParts.parts("")).isEqualTo(1);
    }

    @Test
    void shouldSplitLatinTextIn153SeptetParts() {
        assertThat(SmsParts.parts("a".repeat(161))).isEqualTo(2);
        assertThat(SmsParts.parts("a".repeat(306))).isEqualTo(2);
        assertThat(SmsParts.parts("a".repeat(307))).isEqualTo(3);
    }

    @Test
    void shouldCountGsmExtensionCharactersAsTwoSeptets() {
        assertThat(SmsParts.units("€[]")).isEqualTo(6);
        assertThat(SmsParts.parts("€".repeat(80))).isEqualTo(1);
        assertThat(SmsParts.parts("€".repeat(81))).isEqualTo(2);
    }

    @Test
    void shouldSendCyrillicAsUcs2With70And67() {
        assertThat(SmsParts.isGsm7("Скидка")).isFalse();
        assertThat(SmsParts.parts("я".repeat(70))).isEqualTo(1);
        assertThat(SmsParts.parts("я".repeat(71))).isEqualTo(2);
        assertThat(SmsParts.parts("я".repeat(134))).isEqualTo(2);
        assertThat(SmsParts.parts("я".repeat(135))).isEqualTo(3);
    }

    @Test
    void shouldTurnTheWholeTextToUcs2ForOneNonGsmCharacter() {
        String text = "a".repeat(69) + "ж";
        assertThat(SmsParts.parts(text)).isEqualTo(1);
        assertThat(SmsParts.parts(text + "a")).isEqualTo(2);
        // an emoji is two UTF-16 units
        assertThat(SmsParts.units("\uD83D\uDE00")).isEqualTo(2);
    }

    @Test
    void shouldDeclareTheUcs2BoundAsTheSafeLength() {
        assertThat(SmsParts.maxCharsSureToFit(1)).isEqualTo(70);
        assertThat(SmsParts.maxCharsSureToFit(6)).isEqualTo(402);
        assertThat(SmsParts.parts("я".repeat(402))).isEqualTo(6);
        assertThat(SmsParts.parts("€".repeat(402))).isLessThanOrEqualTo(6);
    }
}
