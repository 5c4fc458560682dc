package org.repeatsales.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiptJsonReaderTest {

    private final ReceiptJsonReader reader = new ReceiptJsonReader(ZoneId.of("Europe/Moscow"));

    // --- shapes -----------------------------------------------------------------------------

    @Test
    void shouldReadEveryRecordOfFnsExportIntoReceiptOrRejection() throws Exception {
        CollectingSink out = readResource("fns_export.json");

        assertThat(out.receipts).extracting(ReceiptRecord::line).containsExactly(1L, 2L, 3L, 4L, 7L);
        assertThat(out.rejections).extracting(Rejection::line).containsExactly(5L, 6L);
    }

    @Test
    void shouldMapFnsReceiptToCanonicalRecord() throws Exception {
        ReceiptRecord receipt = readResource("fns_export.json").receipts.get(0);

        assertThat(receipt.source()).isEqualTo("fiscal");
        assertThat(receipt.naturalKey()).isEqualTo("9289000100123456:51234");
        assertThat(receipt.rows()).isEqualTo(1);
        assertThat(receipt.purchasedAt()).isEqualTo(Instant.parse("2021-03-15T11:23:00Z"));
        assertThat(receipt.total()).isEqualTo(new BigDecimal("456.12"));
        assertThat(receipt.discount()).isEqualByComparingTo("0");
        assertThat(receipt.payment()).isEqualTo("card");
        assertThat(receipt.refund()).isFalse();
        assertThat(receipt.buyer().phone()).isEqualTo("+79161234567");
    }

    @Test
    void shouldKeepFractionalQuantityExactly() throws Exception {
        ReceiptLine cheese = readResource("fns_export.json").receipts.get(0).lines().get(0);

        assertThat(cheese.lineNo()).isEqualTo(1);
        assertThat(cheese.item()).isEqualTo("Сыр Российский 50% вес.");
        assertThat(cheese.quantity()).isEqualTo(new BigDecimal("0.348"));
        assertThat(cheese.price()).isEqualTo(new BigDecimal("699.00"));
        assertThat(cheese.amount()).isEqualTo(new BigDecimal("243.25"));
    }

    @Test
    void shouldTrimPointOfSaleAndPreferRetailPlace() throws Exception {
        assertThat(readResource("fns_export.json").receipts.get(0).pointOfSale()).isEqualTo("Магазин у дома «Ромашка»");
    }

    @Test
    void shouldFallBackToRetailPlaceAddressForPointOfSale() throws Exception {
        assertThat(readResource("fns_export.json").receipts.get(3).pointOfSale()).isEqualTo("г. Москва, Варшавское ш., д. 1");
    }

    @Test
    void shouldFallBackToRegisterNumberWhenAddressIsEmpty() throws Exception {
        assertThat(readResource("kontur_documents.json").receipts.get(0).pointOfSale()).isEqualTo("0000000003065868");
    }

    @Test
    void shouldMarkOperationType2AsRefundWithPositiveAmounts() throws Exception {
        ReceiptRecord refund = readResource("fns_export.json").receipts.get(1);

        assertThat(refund.refund()).isTrue();
        assertThat(refund.total()).isEqualTo(new BigDecimal("89.90"));
        assertThat(refund.payment()).isEqualTo("cash");
    }

    @Test
    void shouldTreatNoneAsAnonymousBuyer() throws Exception {
        assertThat(readResource("fns_export.json").receipts.get(1).buyer().isAnonymous()).isTrue();
    }

    @Test
    void shouldTreatMissingTag1008AsAnonymousBuyer() throws Exception {
        assertThat(readResource("fns_export.json").receipts.get(3).buyer().isAnonymous()).isTrue();
    }

    @Test
    void shouldReadEmailFromTag1008() throws Exception {
        assertThat(readResource("fns_export.json").receipts.get(2).buyer().email()).isEqualTo("maria.ivanova@mail.ru");
    }

    @Test
    void shouldReadBuyerAddressAsTag1008() throws Exception {
        assertThat(readResource("fns_export.json").receipts.get(4).buyer().phone()).isEqualTo("+79167654321");
    }

    @Test
    void shouldKeepTotalWhenLinesDifferByAKopeck() throws Exception {
        ReceiptRecord receipt = readResource("fns_export.json").receipts.get(2);

        assertThat(receipt.total()).isEqualTo(new BigDecimal("10.00"));
        assertThat(receipt.lines()).extracting(ReceiptLine::amount)
                .containsExactly(new BigDecimal("4.60"), new BigDecimal("5.41"));
    }

    @Test
    void shouldCallBothCashAndCardMixedPayment() throws Exception {
        assertThat(readResource("fns_export.json").receipts.get(2).payment()).isEqualTo("mixed");
    }

    @Test
    void shouldReadEpochSecondsDateTimeAsTheRegistersWallClock() throws Exception {
        // 1616050800 is 2021-03-18 07:00:00 read as UTC: the time printed on the receipt in Moscow
        assertThat(readResource("fns_export.json").receipts.get(3).purchasedAt()).isEqualTo(Instant.parse("2021-03-18T04:00:00Z"));
    }

    @Test
    void shouldReadEpochSecondsWrittenAsFloat() throws Exception {
        CollectingSink out = readText("[{\"dateTime\":1616050800.0,\"fiscalDriveNumber\":\"1\",\"fiscalDocumentNumber\":1,\"totalSum\":100}]");

        assertThat(out.receipts.get(0).purchasedAt()).isEqualTo(Instant.parse("2021-03-18T04:00:00Z"));
    }

    @Test
    void shouldGiveTheSamePurchaseInstantForNumericAndTextDateTimeOfOneReceipt() throws Exception {
        String receipt = "[{\"dateTime\":%s,\"fiscalDriveNumber\":\"1\",\"fiscalDocumentNumber\":1,\"totalSum\":100}]";

        Instant fromText = readText(receipt.formatted("\"2024-03-01T12:34:00\"")).receipts.get(0).purchasedAt();
        Instant fromSeconds = readText(receipt.formatted("1709296440")).receipts.get(0).purchasedAt();
        Instant fromSecondsAsText = readText(receipt.formatted("\"1709296440\"")).receipts.get(0).purchasedAt();
        Instant fromMilliseconds = readText(receipt.formatted("1709296440000")).receipts.get(0).purchasedAt();

        assertThat(fromText).isEqualTo(Instant.parse("2024-03-01T09:34:00Z"));
        assertThat(fromSeconds).isEqualTo(fromText);
        assertThat(fromSecondsAsText).isEqualTo(fromText);
        assertThat(fromMilliseconds).isEqualTo(fromText);
    }

    @Test
    void shouldReadNumericDateTimeInTheGivenZone() throws Exception {
        CollectingSink out = read(new ReceiptJsonReader(ZoneId.of("Asia/Yekaterinburg")),
                stream("[{\"dateTime\":1709296440,\"fiscalDriveNumber\":\"1\",\"fiscalDocumentNumber\":1,\"totalSum\":100}]"));

        assertThat(out.receipts.get(0).purchasedAt()).isEqualTo(Instant.parse("2024-03-01T07:34:00Z"));
    }

    @Test
    void shouldReadOlderExportWithoutTicketWrapper() throws Exception {
        CollectingSink out = readResource("fns_export_old.json");

        assertThat(out.receipts).singleElement().satisfies(r -> {
            assertThat(r.naturalKey()).isEqualTo("8710000101234567:9120");
            assertThat(r.lines().get(0).quantity()).isEqualTo(new BigDecimal("1.248"));
        });
        assertThat(out.rejections).isEmpty();
    }

    @Test
    void shouldReadBareArrayOfReceipts() throws Exception {
        CollectingSink out = readResource("bare_receipts.json");

        assertThat(out.receipts).extracting(ReceiptRecord::naturalKey).containsExactly("9960440300111222:77");
        assertThat(out.rejections).extracting(Rejection::line).containsExactly(2L, 3L);
    }

    @Test
    void shouldReadSingleTopLevelReceipt() throws Exception {
        CollectingSink out = readResource("single_receipt.json");

        assertThat(out.receipts).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(1);
            assertThat(r.naturalKey()).isEqualTo("9960440300111222:1042");
            assertThat(r.buyer().phone()).isEqualTo("+79031112233");
        });
    }

    @Test
    void shouldSkipShiftDocumentsOfKonturListWithoutRejectingThem() throws Exception {
        CollectingSink out = readResource("kontur_documents.json");

        assertThat(out.receipts).extracting(ReceiptRecord::naturalKey).containsExactly("99990788607:39090", "99990788607:39091");
        assertThat(out.rejections).isEmpty();
    }

    @Test
    void shouldNumberRecordsByPositionIncludingSkippedDocuments() throws Exception {
        assertThat(readResource("kontur_documents.json").receipts).extracting(ReceiptRecord::line).containsExactly(2L, 3L);
    }

    @Test
    void shouldTreatBsoAsReceipt() throws Exception {
        ReceiptRecord bso = readResource("kontur_documents.json").receipts.get(1);

        assertThat(bso.buyer().email()).isEqualTo("client@example.com");
        assertThat(bso.payment()).isEqualTo("card");
    }

    @Test
    void shouldReadReceiptKeyedByFfdTagNumbers() throws Exception {
        ReceiptRecord receipt = readResource("taxcom_tags.json").receipts.get(0);

        assertThat(receipt.naturalKey()).isEqualTo("4444444444444444:16214");
        assertThat(receipt.purchasedAt()).isEqualTo(Instant.parse("2020-01-06T07:03:00Z"));
        assertThat(receipt.total()).isEqualTo(new BigDecimal("14.00"));
        assertThat(receipt.pointOfSale()).isEqualTo("офис");
        assertThat(receipt.buyer().phone()).isEqualTo("+79165554433");
        assertThat(receipt.lines()).singleElement().satisfies(line -> {
            assertThat(line.item()).isEqualTo("за обслуживание");
            assertThat(line.quantity()).isEqualByComparingTo("1");
            assertThat(line.amount()).isEqualTo(new BigDecimal("14.00"));
        });
    }

    @Test
    void shouldSkipNonReceiptDocumentTypeOfTaxcom() throws Exception {
        assertThat(readResource("taxcom_tags.json").receipts).extracting(ReceiptRecord::line).containsExactly(2L);
    }

    @Test
    void shouldNameTagNumberOfMissingFieldInTaggedReceipt() throws Exception {
        assertThat(readResource("taxcom_tags.json").rejections).singleElement()
                .extracting(Rejection::reason).isEqualTo("Поле «1020» (totalSum) отсутствует");
    }

    @Test
    void shouldReadTimeInGivenZone() throws Exception {
        CollectingSink out = read(new ReceiptJsonReader(ZoneId.of("Asia/Yekaterinburg")), resource("fns_export_old.json"));

        assertThat(out.receipts.get(0).purchasedAt()).isEqualTo(Instant.parse("2019-11-02T14:47:00Z"));
    }

    @Test
    void shouldReadJsonLinesOfReceipts() throws Exception {
        String lines = "{\"dateTime\":\"2022-01-01T10:00:00\",\"fiscalDriveNumber\":\"1\",\"fiscalDocumentNumber\":1,\"totalSum\":100}\n"
                + "{\"dateTime\":\"2022-01-01T10:05:00\",\"fiscalDriveNumber\":\"1\",\"fiscalDocumentNumber\":2,\"totalSum\":200}\n";

        assertThat(readText(lines).receipts).extracting(ReceiptRecord::naturalKey).containsExactly("1:1", "1:2");
    }

    @Test
    void shouldReadFileWithByteOrderMark() throws Exception {
        String json = "\uFEFF[{\"dateTime\":\"2022-01-01T10:00:00\",\"fiscalDriveNumber\":\"1\",\"fiscalDocumentNumber\":1,\"totalSum\":100}]";

        assertThat(readText(json).receipts).hasSize(1);
    }

    @Test
    void shouldRefuseWindows1251TextNamingTheEncodingProblem() {
        byte[] cp1251 = "[{\"user\":\"ООО Ромашка\"}]".getBytes(java.nio.charset.Charset.forName("windows-1251"));

        assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(cp1251), new CollectingSink()))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("UTF-8");
    }

    // --- rejections ---------------------------------------------------------------------------

    @Test
    void shouldRejectUnparseableDateTimeNamingTheField() throws Exception {
        Rejection rejection = readResource("fns_export.json").rejections.get(0);

        assertThat(rejection.reason()).isEqualTo("Поле «dateTime»: «2021-13-45» — не дата");
    }

    @Test
    void shouldKeepRecordJsonAsRawOfRejection() throws Exception {
        Rejection rejection = readResource("fns_export.json").rejections.get(0);

        assertThat(rejection.raw()).startsWith("{\"_id\":\"6050c2f5a9d1e8a1b2c3d4e9\"").contains("2021-13-45");
    }

    @Test
    void shouldRejectExpenseAsNotASale() throws Exception {
        assertThat(readResource("fns_export.json").rejections.get(1).reason()).contains("расход, не продажа");
    }

    @Test
    void shouldRejectReturnOfExpenseNamingItSo() throws Exception {
        CollectingSink out = readText("[{\"dateTime\":\"2024-03-01T12:34:00\",\"fiscalDriveNumber\":\"1\","
                + "\"fiscalDocumentNumber\":1,\"operationType\":4,\"totalSum\":8999}]");

        assertThat(out.receipts).isEmpty();
        assertThat(out.rejections).singleElement().extracting(Rejection::reason)
                .isEqualTo("Поле «operationType»: «4» — возврат расхода, не продажа");
    }

    @Test
    void shouldRejectNegativeTotal() throws Exception {
        assertThat(readResource("bare_receipts.json").rejections.get(0).reason())
                .isEqualTo("Поле «totalSum»: «-100» — отрицательная сумма");
    }

    @Test
    void shouldListEveryMissingFieldInOneRejection() throws Exception {
        assertThat(readResource("bare_receipts.json").rejections.get(1).reason())
                .isEqualTo("Поле «fiscalDriveNumber» отсутствует; Поле «totalSum» отсутствует");
    }

    @Test
    void shouldRejectMissingDateTime() throws Exception {
        CollectingSink out = readText("[{\"fiscalDriveNumber\":\"1\",\"fiscalDocumentNumber\":1,\"totalSum\":100}]");

        assertThat(out.rejections).singleElement().extracting(Rejection::reason).isEqualTo("Поле «dateTime» отсутствует");
    }

    @Test
    void shouldRejectMissingFiscalDocumentNumber() throws Exception {
        CollectingSink out = readText("[{\"dateTime\":\"2022-01-01T10:00:00\",\"fiscalDriveNumber\":\"1\",\"totalSum\":100}]");

        assertThat(out.rejections).singleElement().extracting(Rejection::reason)
                .isEqualTo("Поле «fiscalDocumentNumber» отсутствует");
    }

    @Test
    void shouldRejectNegativeLineSumNamingTheLine() throws Exception {
        CollectingSink out = readText("[{\"dateTime\":\"2022-01-01T10:00:00\",\"fiscalDriveNumber\":\"1\",\"fiscalDocumentNumber\":5,"
                + "\"totalSum\":100,\"items\":[{\"name\":\"a\",\"price\":100,\"quantity\":1,\"sum\":100},"
                + "{\"name\":\"b\",\"price\":100,\"quantity\":1,\"sum\":-100}]}]");

        assertThat(out.rejections).singleElement().extracting(Rejection::reason)
                .isEqualTo("Позиция 2, поле «sum»: «-100» — отрицательная сумма");
    }

    @Test
    void shouldRejectRublesWithFractionWhereKopecksAreExpected() throws Exception {
        CollectingSink out = readText("[{\"dateTime\":\"2022-01-01T10:00:00\",\"fiscalDriveNumber\":\"1\",\"fiscalDocumentNumber\":5,"
                + "\"totalSum\":70.5}]");

        assertThat(out.rejections).singleElement().extracting(Rejection::reason)
                .isEqualTo("Поле «totalSum»: «70.5» — не сумма в копейках");
    }

    @Test
    void shouldTruncateRawOfLongRecordTo1000Characters() throws Exception {
        String longName = "x".repeat(3000);
        CollectingSink out = readText("[{\"dateTime\":\"bad\",\"fiscalDriveNumber\":\"1\",\"fiscalDocumentNumber\":5,\"totalSum\":1,"
                + "\"items\":[{\"name\":\"" + longName + "\",\"price\":1,\"quantity\":1,\"sum\":1}]}]");

        assertThat(out.rejections.get(0).raw()).hasSize(1000);
    }

    @Test
    void shouldRejectUnrecognisedRecordAfterReceipts() throws Exception {
        CollectingSink out = readText("[{\"dateTime\":\"2022-01-01T10:00:00\",\"fiscalDriveNumber\":\"1\",\"fiscalDocumentNumber\":1,"
                + "\"totalSum\":100}, 42]");

        assertThat(out.receipts).hasSize(1);
        assertThat(out.rejections).singleElement().extracting(Rejection::line).isEqualTo(2L);
    }

    @Test
    void shouldTrimFiscalDriveNumberAndNormaliseDocumentNumberInNaturalKey() throws Exception {
        CollectingSink out = readText("[{\"dateTime\":\"2022-01-01T10:00:00\",\"fiscalDriveNumber\":\" 9289000100123456  \","
                + "\"fiscalDocumentNumber\":\"00042\",\"totalSum\":100,\"fiscalSign\":\"3635260533\"}]");

        assertThat(out.receipts.get(0).naturalKey()).isEqualTo("9289000100123456:42");
    }

    // --- unreadable files ---------------------------------------------------------------------

    @Test
    void shouldRefuseCsvAsNotJson() {
        assertThatThrownBy(() -> readText("Дата;Номер чека;Сумма\n01.01.2022;1;100,00\n"))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("Файл не похож на JSON с чеками");
    }

    @Test
    void shouldRefuseEmptyFile() {
        assertThatThrownBy(() -> readText("")).isInstanceOf(UnreadableFileException.class).hasMessageContaining("пуст");
    }

    @Test
    void shouldRefuseJsonOfAnotherShape() {
        assertThatThrownBy(() -> readText("{\"odata.metadata\":\"x\",\"value\":[{\"Ref_Key\":\"1\"}]}"))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("Файл не похож на JSON с чеками")
                .hasMessageContaining("odata.metadata");
    }

    @Test
    void shouldRefuseTopLevelScalar() {
        assertThatThrownBy(() -> readText("\"receipts\"")).isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("строка");
    }

    @Test
    void shouldDeliverRecordsBeforeBrokenJsonAndNameTheBrokenRecord() {
        String good = "{\"dateTime\":\"2022-01-01T10:00:00\",\"fiscalDriveNumber\":\"1\",\"fiscalDocumentNumber\":%d,\"totalSum\":100}";
        String text = "[" + good.formatted(1) + "," + good.formatted(2) + ",{\"dateTime\": \"2022-01-01T1";
        CollectingSink out = new CollectingSink();

        assertThatThrownBy(() -> reader.read(stream(text), out))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("записи №3");
        assertThat(out.receipts).hasSize(2);
    }

    /** Kontur.OFD's own documentation example, kept as published: its "id" strings are unterminated. */
    @Test
    void shouldRefuseKonturDocumentationExampleWhichIsNotValidJson() {
        assertThatThrownBy(() -> readResource("kontur_doc_example_not_valid_json.txt"))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("записи №1");
    }

    // --- progress -----------------------------------------------------------------------------

    @Test
    void shouldReportProgressEveryThousandRecords() throws Exception {
        StringBuilder text = new StringBuilder("[");
        for (int i = 1; i <= 2500; i++) {
            text.append(i == 1 ? "" : ",").append("{\"dateTime\":\"2022-01-01T10:00:00\",\"fiscalDriveNumber\":\"1\","
                    + "\"fiscalDocumentNumber\":").append(i).append(",\"totalSum\":100}");
        }
        CollectingSink out = readText(text.append(']').toString());

        assertThat(out.receipts).hasSize(2500);
        assertThat(out.progress).hasSize(3);
        assertThat(out.progress.get(0)).isPositive().isLessThan(out.progress.get(1));
        assertThat(out.progress.get(2)).isEqualTo(text.toString().getBytes(StandardCharsets.UTF_8).length);
    }

    // --- helpers ------------------------------------------------------------------------------

    // --- one receipt, outside a file (live OFD sources) --------------------------------------

    @Test
    void shouldMapOneReceiptExactlyAsTheSameReceiptInAFile() throws Exception {
        String receipt = """
                {"dateTime": "2025-01-05T10:13:51", "operationType": 1, "totalSum": 11336, "cashTotalSum": 11336,
                 "ecashTotalSum": 0, "fiscalDriveNumber": "99990788607 ", "fiscalDocumentNumber": 39090,
                 "kktRegId": "0000000003065868 ", "buyerPhoneOrAddress": "+7 916 000-11-22",
                 "items": [{"name": "Ассорти", "price": 5668, "quantity": 0.348, "sum": 11336}]}
                """;
        ReceiptRecord fromFile = readText("[{\"receipt\": " + receipt + "}]").receipts.get(0);

        ReceiptJsonReader.Mapped mapped = reader.mapReceipt(
                com.fasterxml.jackson.databind.json.JsonMapper.builder()
                        .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                        .build().readTree(receipt), 1);

        assertThat(mapped.rejection()).isNull();
        assertThat(mapped.record()).isEqualTo(fromFile);
        assertThat(mapped.record().naturalKey()).isEqualTo("99990788607:39090");
        assertThat(mapped.record().total()).isEqualTo(new BigDecimal("113.36"));
    }

    @Test
    void shouldRejectOneReceiptNamingTheMissingField() throws Exception {
        ReceiptJsonReader.Mapped mapped = reader.mapReceipt(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"dateTime\": \"2025-01-05T10:13:51\", \"totalSum\": 100}"), 7);

        assertThat(mapped.record()).isNull();
        assertThat(mapped.rejection().line()).isEqualTo(7);
        assertThat(mapped.rejection().reason()).contains("fiscalDriveNumber");
        assertThat(mapped.rejection().raw()).contains("totalSum");
    }

    private CollectingSink readResource(String name) throws IOException, UnreadableFileException {
        return read(reader, resource(name));
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = ReceiptJsonReaderTest.class.getResourceAsStream("/receipts-json/" + name);
        assertThat(in).as(name).isNotNull();
        return in;
    }

    private CollectingSink readText(String text) throws IOException, UnreadableFileException {
        return read(reader, stream(text));
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static CollectingSink read(ReceiptJsonReader reader, InputStream in) throws IOException, UnreadableFileException {
        CollectingSink out = new CollectingSink();
        try (in) {
            reader.read(in, out);
        }
        return out;
    }
}
