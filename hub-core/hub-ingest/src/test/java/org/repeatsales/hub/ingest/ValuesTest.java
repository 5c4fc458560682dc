package org.repeatsales.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {

    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");

    @ParameterizedTest(name = "[{0}] is {1}")
    @CsvSource(delimiter = '|', value = {
            "1299,50|1299.50",
            "1299.5|1299.50",
            "1 299,50|1299.50",
            "1\u00A0299,50|1299.50",
            "1\u202F299,50|1299.50",
            "12 345 678,9|12345678.90",
            "1.234,56|1234.56",
            "1,234.56|1234.56",
            "1,234,567|1234567.00",
            "1 299,50 руб.|1299.50",
            "1299,50р.|1299.50",
            "1 299 ₽|1299.00",
            "-15,00|-15.00",
            "\u221215,00|-15.00",
            "\u201315,00|-15.00",
            "(15,00)|-15.00",
            "0,005|0.01",
            ",5|0.50",
            "1.5E3|1500.00",
    })
    void shouldParseMoneyAsWrittenInExports(String raw, String expected) {
        assertThat(Values.money(raw)).isEqualTo(new BigDecimal(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"12,3,4", "abc", "12a", "1,2.3.4", "1 23", "руб.", "--5", "12..5"})
    void shouldRefuseWhatIsNotANumber(String raw) {
        assertThatThrownBy(() -> Values.money(raw)).isInstanceOf(IllegalArgumentException.class).hasMessage("не число");
    }

    @Test
    void shouldTreatBlankAsAbsent() {
        assertThat(Values.money("  ")).isNull();
        assertThat(Values.money(null)).isNull();
        assertThat(Values.instant(" ", MOSCOW)).isNull();
    }

    @Test
    void shouldKeepUpToThreeDecimalsInQuantities() {
        assertThat(Values.quantity("0,3475")).isEqualTo(new BigDecimal("0.348"));
        assertThat(Values.quantity("2,000")).isEqualTo(new BigDecimal("2"));
        assertThat(Values.quantity("100")).isEqualTo(new BigDecimal("100"));
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
            "15.03.2024|2024-03-14T21:00:00Z",
            "15.03.2024 9:05|2024-03-15T06:05:00Z",
            "15.03.2024 09:05:07|2024-03-15T06:05:07Z",
            "5.3.2024 09:05|2024-03-05T06:05:00Z",
            "15.03.24|2024-03-14T21:00:00Z",
            "2024-03-15|2024-03-14T21:00:00Z",
            "2024-03-15 09:05|2024-03-15T06:05:00Z",
            "2024-03-15 09:05:07|2024-03-15T06:05:07Z",
            "2024-03-15T09:05:07|2024-03-15T06:05:07Z",
            "2024-03-15T09:05:07Z|2024-03-15T09:05:07Z",
            "2024-03-15T09:05:07+05:00|2024-03-15T04:05:07Z",
            "2024-03-15T09:05:07.250+0300|2024-03-15T06:05:07.250Z",
    })
    void shouldParseDatesInMoscowTimeUnlessAnOffsetIsGiven(String raw, String expected) {
        assertThat(Values.instant(raw, MOSCOW)).isEqualTo(Instant.parse(expected));
    }

    @Test
    void shouldInterpretZonelessTimesInTheGivenZone() {
        assertThat(Values.instant("15.03.2024 12:00", ZoneId.of("Asia/Novosibirsk")))
                .isEqualTo(Instant.parse("2024-03-15T05:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"31.02.2024", "15/03/2024", "2024-13-01", "15.03.2024 25:00", "вчера", "15.03.2024 10", "123.03.2024"})
    void shouldRefuseWhatIsNotADate(String raw) {
        assertThatThrownBy(() -> Values.instant(raw, MOSCOW)).isInstanceOf(IllegalArgumentException.class).hasMessage("не дата");
    }

    @Test
    void shouldParseBirthdayIgnoringMidnightTime() {
        assertThat(Values.date("01.02.1985 0:00:00")).isEqualTo(LocalDate.of(1985, 2, 1));
        assertThat(Values.date("01.02.85")).isEqualTo(LocalDate.of(1985, 2, 1));
    }

    @Test
    void shouldReadConsentAnswersInRussianAndEnglish() {
        for (String yes : new String[] {"да", "Да", " ДА ", "yes", "Y", "1", "true", "+", "д"}) {
            assertThat(Values.consent(yes)).as(yes).isTrue();
        }
        for (String no : new String[] {"нет", "НЕТ", "no", "n", "0", "false", "-", "н"}) {
            assertThat(Values.consent(no)).as(no).isFalse();
        }
        assertThat(Values.consent("  ")).isNull();
        assertThatThrownBy(() -> Values.consent("возможно")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("не согласие: ожидается да, нет, yes, no, 1 или 0");
    }

    @Test
    void shouldReadConsentAsOneCWritesBooleans() {
        for (String yes : new String[] {"Истина", "истина", "ИСТИНА"}) {
            assertThat(Values.consent(yes)).as(yes).isTrue();
        }
        for (String no : new String[] {"Ложь", "ложь", "ЛОЖЬ"}) {
            assertThat(Values.consent(no)).as(no).isFalse();
        }
    }
}
