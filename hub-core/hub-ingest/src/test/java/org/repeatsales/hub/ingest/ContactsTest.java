package org.repeatsales.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ContactsTest {

    @ParameterizedTest
    @ValueSource(strings = {"8 916 123-45-67", "+7 (916) 123-45-67", "79161234567", "9161234567", "8(916)1234567",
            "+79161234567", " 8-916-123-45-67 ", "8\u00a0916\u00a0123\u00a045\u00a067"})
    void shouldNormaliseRussianMobileWrittenAnyWayToE164(String raw) {
        assertThat(Contacts.phone(raw)).isEqualTo("+79161234567");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u00a0+7\u00a0916\u00a0123-45-67\u00a0", "+7\u202f916\u202f123\u202f45\u202f67",
            "8\u2007916\u20071234567", "\ufeff89161234567", "\u200b+7 (916) 123-45-67\u2060"})
    void shouldReadPhoneWrittenWithNoBreakOrZeroWidthSpaces(String raw) {
        assertThat(Contacts.phone(raw)).isEqualTo("+79161234567");
    }

    @Test
    void shouldReadLandlineWrittenWithNarrowNoBreakSpaces() {
        assertThat(Contacts.phone("\ufeff8\u202f(495)\u202f123-45-67\u00a0")).isEqualTo("+74951234567");
    }

    @ParameterizedTest(name = "[{0}] is {1}")
    @CsvSource(delimiter = '|', value = {
            "+7 916 111-11-02, +7 926 111-11-03|+79161111102",
            "+7 916 111-11-02; +7 926 111-11-03|+79161111102",
            "89161111105 / 89261111106|+79161111105",
            "+7 916 111-11-08 +7 926 111-11-09|+79161111108",
            "+7-916-111-11-04 (моб.)|+79161111104",
            "тел. 8 (916) 111-11-07|+79161111107",
            "моб. 89161111110, раб. 8 (495) 123-45-67|+79161111110",
            "8 916 111 11 06 доб. 12|+79161111106",
            "12345, 8 (495) 123-45-67|+74951234567",
            "не звонить!, +375 29 123-45-67|+375291234567",
    })
    void shouldTakeTheFirstValidNumberOfCellWithSeveralOrWithWords(String raw, String phone) {
        assertThat(Contacts.phone(raw)).isEqualTo(phone);
    }

    @ParameterizedTest
    @ValueSource(strings = {"7,91668E+10", "7.91668E+10", "7,91668e+10", " 7,91668E+10 ", "7,9161234567E+10", "7,91612E10"})
    void shouldNotGuessPhoneFromExcelScientificNotationWhichLostDigits(String raw) {
        assertThat(Contacts.phone(raw)).isNull();
    }

    @Test
    void shouldNormaliseMoscowLandlineWithTrunkPrefix() {
        assertThat(Contacts.phone("8 (495) 123-45-67")).isEqualTo("+74951234567");
    }

    @Test
    void shouldKeepBelarusianNumberInternational() {
        assertThat(Contacts.phone("+375 29 123-45-67")).isEqualTo("+375291234567");
    }

    @Test
    void shouldKeepGermanNumberInternational() {
        assertThat(Contacts.phone("+49 30 12345678")).isEqualTo("+493012345678");
    }

    @Test
    void shouldDialAbroadThroughRussianInternationalPrefix() {
        assertThat(Contacts.phone("8 10 49 30 12345678")).isEqualTo("+493012345678");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "none", "нет", "-", "garbage", "12345", "+7 (000) 000-00-00", "8 916 123-45-67-89-01-23",
            "ivanov79161234567@mail.ru", "не указан", "\u00a0-\u00a0", "12345, 67890", "тел. 12345", "+7 (000) 000-00-00, нет"})
    void shouldReturnNullForMissingOrInvalidPhone(String raw) {
        assertThat(Contacts.phone(raw)).isNull();
    }

    @Test
    void shouldLowerCaseAndTrimEmail() {
        assertThat(Contacts.email("  Maria.Ivanova@Mail.RU ")).isEqualTo("maria.ivanova@mail.ru");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u00a0gordey@example.ru\u00a0", "\u202fGordey@Example.ru\u202f", "\u2007gordey@example.ru",
            "\ufeffgordey@example.ru", "\u200bgordey@example.ru\u2060", " \u00a0 gordey@example.ru \u00a0\t",
            "mailto:\u00a0gordey@example.ru"})
    void shouldTrimNoBreakAndZeroWidthSpacesAroundEmailSoThatTheClientIsOne(String raw) {
        assertThat(Contacts.email(raw)).isEqualTo("gordey@example.ru");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gordey\u00a0egorov@example.ru", "gordey@example\u202f.ru", "gordey@exa\ufeffmple.ru"})
    void shouldRefuseEmailWithNoBreakOrZeroWidthSpaceInside(String raw) {
        assertThat(Contacts.email(raw)).isNull();
    }

    @Test
    void shouldStripMailtoPrefix() {
        assertThat(Contacts.email("MAILTO:shop@yandex.ru")).isEqualTo("shop@yandex.ru");
    }

    @Test
    void shouldAcceptCyrillicDomain() {
        assertThat(Contacts.email("клиент@почта.рф")).isEqualTo("клиент@почта.рф");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"none", "ivanov@", "@mail.ru", "ivanov@mail", "ivan ov@mail.ru", "a@b@mail.ru", "user@host.1",
            "8 916 123-45-67"})
    void shouldReturnNullForWhatIsNotAnEmail(String raw) {
        assertThat(Contacts.email(raw)).isNull();
    }

    @Test
    void shouldTreatNoneAsAnonymousBuyer() {
        assertThat(Contacts.buyerFromTag1008("none")).isSameAs(Buyer.ANONYMOUS);
    }

    @Test
    void shouldTreatMissingTag1008AsAnonymousBuyer() {
        assertThat(Contacts.buyerFromTag1008(null).isAnonymous()).isTrue();
    }

    @Test
    void shouldReadPhoneFromTag1008() {
        Buyer buyer = Contacts.buyerFromTag1008("+79161234567");

        assertThat(buyer.phone()).isEqualTo("+79161234567");
        assertThat(buyer.email()).isNull();
    }

    @Test
    void shouldReadEmailFromTag1008() {
        Buyer buyer = Contacts.buyerFromTag1008(" Client@Example.com");

        assertThat(buyer.email()).isEqualTo("client@example.com");
        assertThat(buyer.phone()).isNull();
    }

    @Test
    void shouldTreatUnusableTag1008AsAnonymousBuyer() {
        assertThat(Contacts.buyerFromTag1008("не указан").isAnonymous()).isTrue();
    }

    @Test
    void shouldTreatNonePaddedWithNoBreakSpacesAsAnonymousBuyer() {
        assertThat(Contacts.buyerFromTag1008("\u00a0none\u00a0", "\u00a0\u202f")).isSameAs(Buyer.ANONYMOUS);
    }

    @Test
    void shouldTrimNoBreakSpacesAroundBuyerNameFromTag1227() {
        assertThat(Contacts.buyerFromTag1008("89161234567", "\u00a0ООО «Ромашка»\u00a0").name()).isEqualTo("ООО «Ромашка»");
    }

    @Test
    void shouldKeepBuyerNameFromTag1227() {
        Buyer buyer = Contacts.buyerFromTag1008("89161234567", " ООО «Ромашка» ");

        assertThat(buyer.name()).isEqualTo("ООО «Ромашка»");
        assertThat(buyer.phone()).isEqualTo("+79161234567");
    }

    @Test
    void shouldGiveTheSameNumberForEveryCommonShapeOfARussianMobile() {
        // the fast path handles these without libphonenumber; its speed shows in bin/hub bench-import
        String[] shapes = {"8 916 123-45-67", "+7 (916) 123-45-67", "79161234567", "9161234567"};

        for (String shape : shapes) {
            assertThat(Contacts.phone(shape)).as(shape).isEqualTo("+79161234567");
        }
    }
}
