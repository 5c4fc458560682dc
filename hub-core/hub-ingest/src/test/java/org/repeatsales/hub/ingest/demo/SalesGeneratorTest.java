package org.repeatsales.hub.ingest.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.ingest.Contacts;

class SalesGeneratorTest {

    private static final LocalDate UNTIL = LocalDate.of(2025, 10, 31);
    private static final SalesGenerator.Settings YEAR = new SalesGenerator.Settings(300, 365, UNTIL, 42, 0);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm:ss");

    private static String text;
    private static SalesGenerator.GeneratedSummary summary;
    private static List<String[]> rows;

    @BeforeAll
    static void generateOnce() throws IOException {
        StringWriter out = new StringWriter();
        summary = SalesGenerator.write(YEAR, out);
        text = out.toString();
        rows = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            rows.add(lines[i].split(";", -1));
        }
    }

    @Test
    void shouldStartWithHeaderOf1cRetailExport() {
        assertThat(text).startsWith("Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Категория;Количество;Цена;Сумма\n");
    }

    @Test
    void shouldWriteTenColumnsInEveryRow() {
        assertThat(rows).allSatisfy(row -> assertThat(row).hasSize(10));
    }

    @Test
    void shouldWriteSameFileForSameSeed() throws IOException {
        StringWriter again = new StringWriter();
        SalesGenerator.write(YEAR, again);

        assertThat(again.toString()).isEqualTo(text);
    }

    @Test
    void shouldWriteDifferentFileForAnotherSeed() throws IOException {
        StringWriter other = new StringWriter();
        SalesGenerator.write(new SalesGenerator.Settings(300, 365, UNTIL, 43, 0), other);

        assertThat(other.toString()).isNotEqualTo(text);
    }

    @Test
    void shouldMakeAmountEqualQuantityTimesPriceRoundedToKopecks() {
        assertThat(rows).allSatisfy(row -> {
            BigDecimal quantity = decimal(row[7]);
            BigDecimal price = decimal(row[8]);
            assertThat(decimal(row[9])).isEqualTo(quantity.multiply(price).setScale(2, RoundingMode.HALF_UP));
            assertThat(price.scale()).isEqualTo(2);
        });
    }

    @Test
    void shouldWriteWeighedGoodsWithGramPrecision() {
        assertThat(rows).filteredOn(row -> row[7].contains(","))
                .isNotEmpty()
                .allSatisfy(row -> assertThat(row[7]).matches("-?\\d+,\\d{3}"))
                .extracting(row -> row[6])
                .contains("Овощи и фрукты", "Сыры");
    }

    @Test
    void shouldReturnCountsThatMatchTheFile() {
        Set<String> receipts = new HashSet<>();
        Set<String> anonymous = new HashSet<>();
        Set<String> refunds = new HashSet<>();
        for (String[] row : rows) {
            receipts.add(row[1]);
            if (row[2].isEmpty() && row[3].isEmpty() && row[4].isEmpty()) {
                anonymous.add(row[1]);
            }
            if (row[7].startsWith("-")) {
                refunds.add(row[1]);
            }
        }

        assertThat(summary.rows()).isEqualTo(rows.size());
        assertThat(summary.receipts()).isEqualTo(receipts.size());
        assertThat(summary.anonymousReceipts()).isEqualTo(anonymous.size());
        assertThat(summary.refunds()).isEqualTo(refunds.size());
        assertThat(summary.clients()).isBetween(250, 300);
    }

    @Test
    void shouldNeverReuseReceiptNumber() {
        Set<String> finished = new HashSet<>();
        String current = null;
        for (String[] row : rows) {
            if (!row[1].equals(current)) {
                assertThat(finished.add(row[1])).as("receipt %s appears twice", row[1]).isTrue();
                current = row[1];
            }
        }
    }

    @Test
    void shouldWriteRowsInTimeOrderWithinHistory() {
        LocalDateTime previous = LocalDateTime.MIN;
        for (String[] row : rows) {
            LocalDateTime at = LocalDateTime.parse(row[0], DATE_TIME);
            assertThat(at).isAfterOrEqualTo(previous);
            previous = at;
        }
        assertThat(LocalDateTime.parse(rows.get(0)[0], DATE_TIME).toLocalDate()).isAfterOrEqualTo(UNTIL.minusDays(364));
        assertThat(previous.toLocalDate()).isBeforeOrEqualTo(UNTIL);
    }

    @Test
    void shouldLeaveAboutFifteenPercentOfReceiptsAnonymous() {
        assertThat((double) summary.anonymousReceipts() / summary.receipts()).isCloseTo(0.15, within(0.04));
    }

    @Test
    void shouldRefundOneOrTwoPercentOfReceiptsWithNegativeQuantityAndAmount() {
        assertThat((double) summary.refunds() / summary.receipts()).isBetween(0.005, 0.025);
        assertThat(rows).filteredOn(row -> row[7].startsWith("-"))
                .allSatisfy(row -> assertThat(row[9]).startsWith("-"));
    }

    @Test
    void shouldWriteOnePhoneInSeveralFormsThatNormaliseToTheSameClient() {
        Map<String, Set<String>> formsByPhone = new HashMap<>();
        Map<String, Set<String>> namesByPhone = new HashMap<>();
        for (String[] row : rows) {
            if (!row[3].isEmpty()) {
                String phone = Contacts.phone(row[3]);
                assertThat(phone).as(row[3]).matches("\\+79\\d{9}");
                formsByPhone.computeIfAbsent(phone, p -> new HashSet<>()).add(row[3]);
                namesByPhone.computeIfAbsent(phone, p -> new HashSet<>()).add(row[2]);
            }
        }

        assertThat(formsByPhone.values()).anySatisfy(forms -> assertThat(forms).hasSizeGreaterThanOrEqualTo(3));
        assertThat(namesByPhone.values()).allSatisfy(names -> assertThat(names).hasSize(1));
    }

    @Test
    void shouldGiveAboutFortyPercentOfClientsAnEmail() {
        Set<String> emails = new HashSet<>();
        for (String[] row : rows) {
            if (!row[4].isEmpty()) {
                emails.add(Contacts.email(row[4]));
            }
        }

        assertThat((double) emails.size() / summary.clients()).isCloseTo(0.4, within(0.1));
        assertThat(emails).doesNotContainNull();
    }

    @Test
    void shouldKeepRegularsComingBackAllYear() {
        Map<String, Set<String>> monthsByPhone = new HashMap<>();
        for (String[] row : rows) {
            if (!row[3].isEmpty()) {
                monthsByPhone.computeIfAbsent(Contacts.phone(row[3]), p -> new HashSet<>()).add(row[0].substring(3, 10));
            }
        }

        assertThat(monthsByPhone.values()).filteredOn(months -> months.size() >= 11).isNotEmpty();
        assertThat(monthsByPhone.values()).filteredOn(months -> months.size() == 1).isNotEmpty();
    }

    @Test
    void shouldReachTargetRowsApproximately() throws IOException {
        SalesGenerator.GeneratedSummary scaled =
                SalesGenerator.write(new SalesGenerator.Settings(300, 365, UNTIL, 1, 100_000), Writer.nullWriter());

        assertThat(scaled.rows()).isBetween(90_000L, 110_000L);
        assertThat(scaled.clients()).isLessThanOrEqualTo(300);
    }

    @Test
    void shouldGiveWomenFeminineSurnames() {
        assertThat(RussianNames.feminine("Иванов")).isEqualTo("Иванова");
        assertThat(RussianNames.feminine("Соловьёв")).isEqualTo("Соловьёва");
        assertThat(RussianNames.feminine("Ильин")).isEqualTo("Ильина");
        assertThat(RussianNames.feminine("Островский")).isEqualTo("Островская");
        assertThat(RussianNames.feminine("Толстой")).isEqualTo("Толстая");
        assertThat(RussianNames.feminine("Шевченко")).isEqualTo("Шевченко");
    }

    @Test
    void shouldOfferAboutHundredFiftyItemsInTenCategories() {
        Assortment assortment = new Assortment();

        assertThat(assortment.size()).isBetween(140, 160);
        assertThat(assortment.items()).extracting(Assortment.Item::category).doesNotContainNull().hasSizeGreaterThan(0);
        assertThat(assortment.items().stream().map(Assortment.Item::category).distinct().count()).isEqualTo(10);
    }

    private static BigDecimal decimal(String value) {
        return new BigDecimal(value.replace(',', '.'));
    }
}
