package org.repeatsales.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end over real bytes on disk: encodings, delimiters, grouping, rejections. */
class CsvSalesFileTest {

    private static final Charset CP1251 = Charset.forName("windows-1251");
    private static final String HEADER = "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма";

    @TempDir
    Path dir;
    private SalesFileReader reader;
    private CollectingSink sink;

    @BeforeEach
    void setUp() throws Exception {
        reader = new SalesFileReader(MappingCatalogTest.shipped(), ZoneId.of("Europe/Moscow"));
        sink = new CollectingSink();
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private Path csv(Charset charset, String... lines) throws Exception {
        return write("sales.csv", String.join("\r\n", lines).concat("\r\n").getBytes(charset));
    }

    private ReadResult read(Path file) throws Exception {
        return reader.read(file, null, null, sink);
    }

    @Test
    void shouldGroupConsecutiveRowsWithTheSameNumberIntoOneReceipt() throws Exception {
        Path f = csv(StandardCharsets.UTF_8, HEADER,
                "15.03.2024 10:15;123;Иванова Анна;8 (916) 123-45-67;Anna@Mail.RU ;Кофе;2;150,00;300,00",
                "15.03.2024 10:15;123;Иванова Анна;8 (916) 123-45-67;Anna@Mail.RU ;Круассан;1;89,50;89,50",
                "15.03.2024 11:00;124;;;;Чай;1;100;100");
        ReadResult result = read(f);

        assertThat(result).isEqualTo(new ReadResult(FileFormat.CSV, "1c-retail", "UTF-8", Files.size(f)));
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.receipts).hasSize(2);
        ReceiptRecord r = sink.receipts.get(0);
        assertThat(r.source()).isEqualTo("1c-retail");
        assertThat(r.naturalKey()).isEqualTo("2024-03-15|123");
        assertThat(r.line()).isEqualTo(2);
        assertThat(r.rows()).isEqualTo(2);
        assertThat(r.purchasedAt()).isEqualTo(Instant.parse("2024-03-15T07:15:00Z"));
        assertThat(r.total()).isEqualTo(new BigDecimal("389.50"));
        assertThat(r.refund()).isFalse();
        assertThat(r.buyer()).isEqualTo(new Buyer("Иванова Анна", "+79161234567", "anna@mail.ru", null, null, null));
        assertThat(r.lines()).containsExactly(
                new ReceiptLine(1, "Кофе", null, new BigDecimal("2"), new BigDecimal("150.00"), new BigDecimal("300.00")),
                new ReceiptLine(2, "Круассан", null, new BigDecimal("1"), new BigDecimal("89.50"), new BigDecimal("89.50")));
        assertThat(sink.receipts.get(1).buyer().isAnonymous()).isTrue();
        assertThat(sink.receipts.get(1).line()).isEqualTo(4);
    }

    @Test
    void shouldRecogniseTheBuyerWhoseContactsArePaddedWithNoBreakSpaces() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER,
                "01.03.2024 10:00;1;Гордей Егоров;+7\u00a0916\u00a0800-80-01;\u00a0gordey@example.ru\u00a0;Чай;1;10;10",
                "02.03.2024 10:00;2;Гордей Егоров;89168008001;gordey@example.ru;Чай;1;10;10"));

        Buyer gordey = new Buyer("Гордей Егоров", "+79168008001", "gordey@example.ru", null, null, null);
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.receipts).extracting(ReceiptRecord::buyer).containsExactly(gordey, gordey);
    }

    @Test
    void shouldDetectWindows1251() throws Exception {
        Path f = csv(CP1251, HEADER, "15.03.2024;1;Пётр;;;Молоко;1;80;80");
        ReadResult result = read(f);
        assertThat(result.encoding()).isEqualTo("windows-1251");
        assertThat(sink.receipts.get(0).buyer().name()).isEqualTo("Пётр");
    }

    @Test
    void shouldReadUtf8WithBom() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bytes.write((HEADER + "\n15.03.2024;1;Пётр;;;Молоко;1;80;80\n").getBytes(StandardCharsets.UTF_8));
        ReadResult result = read(write("bom.csv", bytes.toByteArray()));
        assertThat(result.encoding()).isEqualTo("UTF-8");
        assertThat(sink.receipts).extracting(r -> r.buyer().name()).containsExactly("Пётр");
    }

    @Test
    void shouldNotMistakeUtf8CutAtTheSampleEndForWindows1251() {
        byte[] text = "Ё".repeat(40_000).getBytes(StandardCharsets.UTF_8); // 2 bytes each: 64 KB boundary falls mid-char
        assertThat(TextEncoding.SAMPLE_BYTES % 2).isZero();
        byte[] shifted = new byte[text.length + 1];
        shifted[0] = 'x';
        System.arraycopy(text, 0, shifted, 1, text.length);
        assertThat(TextEncoding.firstInvalidUtf8(shifted, TextEncoding.SAMPLE_BYTES, true)).isEqualTo(-1);
        assertThat(TextEncoding.firstInvalidUtf8(shifted, TextEncoding.SAMPLE_BYTES, false)).isEqualTo(TextEncoding.SAMPLE_BYTES - 1);
    }

    @Test
    void shouldRefuseBinaryFiles() throws Exception {
        Path f = write("sales.csv", new byte[] {'D', 'a', 't', 'e', 0, 0, 1, 2, 3, ';', 'x'});
        assertThatThrownBy(() -> read(f)).isInstanceOf(UnreadableFileException.class).hasMessage("file looks binary, not a text export");
    }

    @Test
    void shouldSayTheFileIsNotUtf8WhenTheMappingInsists() throws Exception {
        Path yaml = dir.resolve("m.yml");
        Files.writeString(yaml, Files.readString(Path.of("../../config/mappings/1c-retail.yml"))
                .replace("name: 1c-retail", "name: strict").replace("encoding: auto", "encoding: utf-8"));
        reader = new SalesFileReader(MappingCatalog.load(dir), ZoneId.of("Europe/Moscow"));
        Path f = csv(CP1251, HEADER, "15.03.2024;1;Пётр;;;Молоко;1;80;80");
        assertThatThrownBy(() -> reader.read(f, FileFormat.CSV, "strict", sink))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("not valid UTF-8")
                .hasMessageContaining("windows-1251");
    }

    @Test
    void shouldDetectCommaAndTabDelimiters() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER.replace(';', ','), "15.03.2024,1,,,,Чай,1,\"100,50\",\"100,50\""));
        read(write("tab.csv", (HEADER.replace(';', '\t') + "\n15.03.2024\t2\t\t\t\tЧай\t1\t100\t100\n").getBytes(StandardCharsets.UTF_8)));
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.receipts).extracting(ReceiptRecord::total).containsExactly(new BigDecimal("100.50"), new BigDecimal("100.00"));
    }

    @Test
    void shouldCountPhysicalLinesAcrossQuotedNewlines() throws Exception {
        Path f = csv(StandardCharsets.UTF_8, HEADER,
                "15.03.2024;1;;;;\"Подарочный\nнабор\";1;500;500",
                "15.03.2024;2;;;;Чай;1;100;сто");
        read(f);
        assertThat(sink.receipts.get(0).lines().get(0).item()).isEqualTo("Подарочный\nнабор");
        assertThat(sink.rejections).extracting(Rejection::line).containsExactly(4L);
    }

    @Test
    void shouldRejectRowWithUnparseableAmountNamingColumnAndValue() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER, "15.03.2024;1;;;;Чай;1;100;12,3,4"));
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(2);
            assertThat(r.reason()).isEqualTo("Колонка «Сумма»: «12,3,4» — не число");
            assertThat(r.raw()).isEqualTo("15.03.2024;1;;;;Чай;1;100;12,3,4");
        });
    }

    private static final String WITH_CONSENTS = HEADER + ";Согласие на e-mail;Согласие на SMS;Согласие на Telegram;Дата согласия";

    /** 1c-retail as shipped in config/mappings: the sales columns plus the optional consent columns. */
    private void readWithConsentMapping() {
        java.util.Map<String, String> columns = new java.util.LinkedHashMap<>(java.util.Map.of(
                "purchasedAt", "Дата", "receiptNumber", "Номер чека", "buyerName", "Покупатель", "phone", "Телефон",
                "email", "E-mail", "item", "Номенклатура", "quantity", "Количество", "price", "Цена", "amount", "Сумма"));
        columns.putAll(java.util.Map.of("emailConsent", "Согласие на e-mail", "smsConsent", "Согласие на SMS",
                "telegramConsent", "Согласие на Telegram", "consentDate", "Дата согласия"));
        reader = new SalesFileReader(new MappingCatalog(java.util.List.of(new CsvMapping("1c-retail", null, null, null, null,
                null, columns, java.util.List.of("receiptNumber"), java.util.List.of("quantity", "amount"), null))),
                ZoneId.of("Europe/Moscow"));
    }

    @Test
    void shouldReadConsentColumnsWithTheAddressTheyConcern() throws Exception {
        readWithConsentMapping();
        read(csv(StandardCharsets.UTF_8, WITH_CONSENTS,
                "15.03.2024 10:15;1;Анна;8 916 123-45-67;anna@mail.ru;Кофе;1;100;100;Да;нет;1;01.03.2024",
                "15.03.2024 10:15;1;Анна;8 916 123-45-67;anna@mail.ru;Чай;1;50;50;;;;",
                "16.03.2024 12:00;2;Борис;+7 903 000-00-01;;Кофе;1;100;100;;YES;;"));

        assertThat(sink.rejections).isEmpty();
        assertThat(sink.receipts.get(0).consents()).containsExactly(
                new ConsentMark("EMAIL", true, Instant.parse("2024-02-29T21:00:00Z"), "anna@mail.ru", 2),
                new ConsentMark("SMS", false, Instant.parse("2024-02-29T21:00:00Z"), "+79161234567", 2),
                new ConsentMark("TELEGRAM", true, Instant.parse("2024-02-29T21:00:00Z"), null, 2));
        // without a consent date the answer dates from the purchase
        assertThat(sink.receipts.get(1).consents()).containsExactly(
                new ConsentMark("SMS", true, Instant.parse("2024-03-16T09:00:00Z"), "+79030000001", 4));
    }

    @Test
    void shouldRejectRowWithAnUnreadableConsentNamingTheColumn() throws Exception {
        readWithConsentMapping();
        read(csv(StandardCharsets.UTF_8, WITH_CONSENTS,
                "15.03.2024;1;;;;Чай;1;100;100;возможно;;;",
                "15.03.2024;2;;;;Чай;1;100;100;да;;;вчера"));

        assertThat(sink.receipts).isEmpty();
        assertThat(sink.rejectionAt(2).reason())
                .isEqualTo("Колонка «Согласие на e-mail»: «возможно» — не согласие: ожидается да, нет, yes, no, 1 или 0");
        assertThat(sink.rejectionAt(3).reason()).isEqualTo("Колонка «Дата согласия»: «вчера» — не дата");
    }

    @Test
    void shouldKeepTheDigestOfReceiptsWithoutConsentColumns() throws Exception {
        readWithConsentMapping();
        read(csv(StandardCharsets.UTF_8, HEADER, "15.03.2024;1;;;;Чай;1;100;100"));
        read(csv(StandardCharsets.UTF_8, WITH_CONSENTS, "15.03.2024;1;;;;Чай;1;100;100;;;;"));

        // a file that gained empty consent columns does not make every stored receipt "updated"
        assertThat(sink.receipts.get(1).contentHash()).isEqualTo(sink.receipts.get(0).contentHash());
    }

    @Test
    void shouldRejectRowWithUnparseableDate() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER, "31.02.2024;1;;;;Чай;1;100;100"));
        assertThat(sink.rejectionAt(2).reason()).isEqualTo("Колонка «Дата»: «31.02.2024» — не дата");
    }

    @Test
    void shouldRejectRowWhoseAmountDoesNotMatchQuantityTimesPrice() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER, "15.03.2024;1;;;;Кофе;2;150;250"));
        assertThat(sink.rejectionAt(2).reason()).contains("«Сумма»", "«250»", "2 × 150,00 = 300,00");
    }

    @Test
    void shouldRejectTheWholeReceiptWhenOneOfItsRowsIsBad() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER,
                "15.03.2024;77;;;;Кофе;1;150;150",
                "15.03.2024;77;;;;Чай;1;100;abc",
                "15.03.2024;77;;;;Сахар;1;50;50",
                "15.03.2024;78;;;;Соль;1;30;30"));
        assertThat(sink.receipts).extracting(ReceiptRecord::naturalKey).containsExactly("2024-03-15|78");
        assertThat(sink.rejections).extracting(Rejection::line).containsExactly(2L, 3L, 4L);
        assertThat(sink.rejectionAt(2).reason()).isEqualTo("Чек «77 от 15.03.2024» отклонён целиком: ошибка в строке 3");
        assertThat(sink.rejectionAt(3).reason()).isEqualTo("Колонка «Сумма»: «abc» — не число");
        assertThat(sink.rejectionAt(4).reason()).isEqualTo("Чек «77 от 15.03.2024» отклонён целиком: ошибка в строке 3");
    }

    @Test
    void shouldRejectTrailingTotalRow() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER, "15.03.2024;1;;;;Чай;1;100;100", ";;;;;Итого;1;;100"));
        assertThat(sink.receipts).hasSize(1);
        assertThat(sink.rejectionAt(3).reason()).contains("«Номер чека»: не заполнена", "«Дата»: не заполнена");
    }

    @Test
    void shouldRejectRowMissingARequiredColumnButAcceptShortRowsOtherwise() throws Exception {
        read(csv(StandardCharsets.UTF_8, "Дата;Номер чека;Количество;Сумма;Покупатель",
                "15.03.2024;1;1;100",
                "15.03.2024;2;1"));
        assertThat(sink.receipts).extracting(ReceiptRecord::naturalKey).containsExactly("2024-03-15|1");
        assertThat(sink.rejectionAt(3).reason()).isEqualTo("В строке нет колонки «Сумма»: полей 3, а в заголовке 5");
    }

    @Test
    void shouldTreatNegativeAmountsAsRefundWithPositiveValues() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER, "15.03.2024;R1;;;;Кофе;-2;150;-300"));
        ReceiptRecord r = sink.receipts.get(0);
        assertThat(r.refund()).isTrue();
        assertThat(r.total()).isEqualTo(new BigDecimal("300.00"));
        assertThat(r.lines().get(0).quantity()).isEqualTo(new BigDecimal("2"));
    }

    @Test
    void shouldTreatRefundOperationAsRefund() throws Exception {
        Path yaml = dir.resolve("ops.yml");
        Files.writeString(yaml, Files.readString(Path.of("../../config/mappings/1c-retail.yml"))
                .replace("operation: \"Вид операции\"", "operation: \"Операция\"\n  receiptTotal: \"Итого по чеку\""));
        reader = new SalesFileReader(MappingCatalog.load(dir), ZoneId.of("Europe/Moscow"));
        read(csv(StandardCharsets.UTF_8, HEADER + ";Операция;Скидка;Итого по чеку",
                "15.03.2024;5;;;;Кофе;2;150;270;возврат;30;269,99"));
        ReceiptRecord r = sink.receipts.get(0);
        assertThat(r.refund()).isTrue();
        assertThat(r.discount()).isEqualTo(new BigDecimal("30.00"));
        assertThat(r.total()).isEqualTo(new BigDecimal("269.99"));
    }

    @Test
    void shouldAccountForEveryDataRowExactlyOnce() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER,
                "15.03.2024;1;;;;Кофе;1;150;150",
                "",
                "15.03.2024;1;;;;Чай;1;100;100",
                "15.03.2024;2;;;;Чай;1;100;ошибка",
                "15.03.2024;2;;;;Чай;1;100;100",
                ";;;;;;;;",
                "15.03.2024;;;;;Чай;1;100;100",
                "15.03.2024;3;;;;Чай;1;100;100",
                ";;;;;Итого;;;550"));
        assertThat(sink.rowsAccountedFor()).isEqualTo(7);
        assertThat(sink.receipts).extracting(ReceiptRecord::naturalKey).containsExactly("2024-03-15|1", "2024-03-15|3");
    }

    @Test
    void shouldChooseMappingByHeaderAndListMappingsWhenNoneFits() throws Exception {
        Path f = csv(StandardCharsets.UTF_8, "Date;Total", "2024-01-01;5");
        assertThatThrownBy(() -> read(f)).isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("Date, Total").hasMessageContaining("1c-retail").hasMessageContaining("excel-sales");
    }

    @Test
    void shouldRefuseAnUnknownMappingName() throws Exception {
        Path f = csv(StandardCharsets.UTF_8, HEADER);
        assertThatThrownBy(() -> reader.read(f, null, "nope", sink)).isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("1c-retail, excel-sales");
    }

    @Test
    void shouldReportProgressAsBytesRead() throws Exception {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < 25_000; i++) {
            text.append("15.03.2024;").append(i).append(";;;;Чай;1;100;100\n");
        }
        Path f = write("big.csv", text.toString().getBytes(StandardCharsets.UTF_8));
        read(f);
        assertThat(sink.receipts).hasSize(25_000);
        assertThat(sink.progress).hasSizeGreaterThanOrEqualTo(3).isSorted().last().isEqualTo(Files.size(f));
    }

    @Test
    void shouldDetectFormatFromContent() throws Exception {
        assertThat(SalesFileReader.detectFormat(write("a.txt", " \n[{}]".getBytes(StandardCharsets.UTF_8)))).isEqualTo(FileFormat.RECEIPTS_JSON);
        assertThat(SalesFileReader.detectFormat(write("b.csv", new byte[] {'P', 'K', 3, 4, 0}))).isEqualTo(FileFormat.XLSX);
        assertThat(SalesFileReader.detectFormat(write("c.dat", "Дата;Сумма".getBytes(StandardCharsets.UTF_8)))).isEqualTo(FileFormat.CSV);
    }

    @Test
    void shouldKeyExcelSalesByDayPointOfSaleAndNumber() throws Exception {
        read(csv(StandardCharsets.UTF_8, "Дата продажи;Чек;Клиент;Телефон клиента;Email;Товар;Категория;Кол-во;Цена;Скидка;Итого;Точка продаж",
                "2024-03-15 12:00;15;Олег;+7 916 000-00-01;;Кроссовки;Обувь;1;5 000,00;500,00;4 500,00;ТЦ Мега"));
        ReceiptRecord r = sink.receipts.get(0);
        assertThat(r.naturalKey()).isEqualTo("2024-03-15|ТЦ Мега|15");
        assertThat(r.source()).isEqualTo("excel-sales");
        assertThat(r.discount()).isEqualTo(new BigDecimal("500.00"));
        assertThat(r.lines().get(0).category()).isEqualTo("Обувь");
    }

    @Test
    void shouldKeepAReceiptNumberUsedAgainOnAnotherDayAsAnotherReceipt() throws Exception {
        // cash registers number receipts from 1 again every shift
        read(csv(StandardCharsets.UTF_8, HEADER,
                "10.03.2024 10:00;1;Тамара Зайцева;89166006001;;Пальто;1;9 000,00;9 000,00",
                "11.03.2024 10:00;1;Устин Иголкин;89166006002;;Носки;1;300,00;300,00"));
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.receipts).extracting(ReceiptRecord::naturalKey).containsExactly("2024-03-10|1", "2024-03-11|1");
        assertThat(sink.receipts).extracting(r -> r.buyer().name()).containsExactly("Тамара Зайцева", "Устин Иголкин");
    }

    @Test
    void shouldKeepTheSameNumberAtTwoShopsApartWhenTheFileHasAShopColumn() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER + ";Магазин",
                "10.03.2024 10:00;1;Зотов;;;Хлеб;1;100;100;Магазин на Ленина",
                "10.03.2024 10:05;1;Ивлева;;;Молоко;1;200;200;Магазин на Мира",
                "10.03.2024 10:10;2;;;;Соль;1;30;30;"));
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.receipts).extracting(ReceiptRecord::naturalKey)
                .containsExactly("2024-03-10|Магазин на Ленина|1", "2024-03-10|Магазин на Мира|1", "2024-03-10|2");
    }

    @Test
    void shouldRejectAReceiptWhoseRowsNameDifferentBuyersNamingTheColumnAndLines() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER,
                "01.03.2024 10:00;14;Чеслав Эйдельман;89161141401;;Т1;1;100,00;100,00",
                "01.03.2024 10:00;14;Юрий Яковлев;89161141402;;Т2;1;200,00;200,00",
                "01.03.2024 11:00;15;;;;Т3;1;50;50"));
        assertThat(sink.receipts).extracting(ReceiptRecord::naturalKey).containsExactly("2024-03-01|15");
        assertThat(sink.rejections).extracting(Rejection::line).containsExactly(2L, 3L);
        assertThat(sink.rejectionAt(3).reason()).isEqualTo("Чек «14 от 01.03.2024»: строки одного чека расходятся в колонке"
                + " «Покупатель» — «Чеслав Эйдельман» в строке 2 и «Юрий Яковлев» в строке 3. Если это разные чеки с одним"
                + " номером, добавьте в ключ сопоставления (key) колонку, которая их различает");
    }

    @Test
    void shouldRejectAReceiptWhoseRowsNameDifferentTimesOfTheSameDay() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER,
                "01.03.2024 10:00;7;;;;Т1;1;100;100",
                "01.03.2024 18:30;7;;;;Т2;1;200;200"));
        assertThat(sink.receipts).isEmpty();
        assertThat(sink.rejectionAt(2).reason()).contains("в колонке «Дата» — «01.03.2024 10:00» в строке 2 и «01.03.2024 18:30» в строке 3");
        assertThat(sink.rowsAccountedFor()).isEqualTo(2);
    }

    @Test
    void shouldAssembleAReceiptWhoseRowsAreApartInTheFile() throws Exception {
        // sorted by item in Excel before saving
        read(csv(StandardCharsets.UTF_8, HEADER,
                "01.03.2024 10:00;Ч13-1;Харитон Шилов;89161130001;;Т1;1;100,00;100,00",
                "01.03.2024 10:05;Ч13-2;;;;Т2;1;200,00;200,00",
                "01.03.2024 10:00;Ч13-1;Харитон Шилов;89161130001;;Т3;1;300,00;300,00",
                "01.03.2024 10:05;Ч13-2;;;;Т4;2;10,00;20,00"));
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.receipts).hasSize(2);
        ReceiptRecord first = sink.receipts.stream().filter(r -> r.naturalKey().equals("2024-03-01|Ч13-1")).findFirst().orElseThrow();
        assertThat(first.line()).isEqualTo(2);
        assertThat(first.rows()).isEqualTo(2);
        assertThat(first.total()).isEqualTo(new BigDecimal("400.00"));
        assertThat(first.lines()).extracting(ReceiptLine::lineNo, ReceiptLine::item)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "Т1"), org.assertj.core.groups.Tuple.tuple(2, "Т3"));
        ReceiptRecord second = sink.receipts.stream().filter(r -> r.naturalKey().equals("2024-03-01|Ч13-2")).findFirst().orElseThrow();
        assertThat(second.total()).isEqualTo(new BigDecimal("220.00"));
        assertThat(sink.rowsAccountedFor()).isEqualTo(4);
    }

    @Test
    void shouldNotDoubleTheLinesOfAReceiptExportedTwiceInOneFile() throws Exception {
        // two overlapping exports pasted one under the other
        read(csv(StandardCharsets.UTF_8, HEADER,
                "01.03.2024 10:00;1;;;;Т1;1;100;100",
                "01.03.2024 10:00;1;;;;Т2;1;50;50",
                "01.03.2024 12:00;2;;;;Т3;1;70;70",
                "01.03.2024 10:00;1;;;;Т1;1;100;100",
                "01.03.2024 10:00;1;;;;Т2;1;50;50"));
        assertThat(sink.rejections).isEmpty();
        // the same receipt twice, as before: the store counts the second sight as unchanged
        assertThat(sink.receipts).extracting(ReceiptRecord::naturalKey).containsExactly("2024-03-01|1", "2024-03-01|2", "2024-03-01|1");
        assertThat(sink.receipts.get(2).lines()).isEqualTo(sink.receipts.get(0).lines());
        assertThat(sink.receipts.get(2).line()).isEqualTo(5);
        assertThat(sink.rowsAccountedFor()).isEqualTo(5);
    }

    @Test
    void shouldAddTheNewLinesOnlyWhenAScatteredReceiptAlsoRepeatsARun() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER,
                "01.03.2024 10:00;1;;;;Т1;1;100;100",
                "01.03.2024 12:00;2;;;;Т3;1;70;70",
                "01.03.2024 10:00;1;;;;Т1;1;100;100",
                "01.03.2024 12:00;2;;;;Т4;1;30;30",
                "01.03.2024 10:00;1;;;;Т2;1;50;50"));
        assertThat(sink.rejections).isEmpty();
        ReceiptRecord one = sink.receipts.stream().filter(r -> r.naturalKey().equals("2024-03-01|1")).findFirst().orElseThrow();
        assertThat(one.lines()).extracting(ReceiptLine::item).containsExactly("Т1", "Т2");
        assertThat(one.total()).isEqualTo(new BigDecimal("150.00"));
        assertThat(one.rows()).isEqualTo(3);
        assertThat(sink.rowsAccountedFor()).isEqualTo(5);
    }

    @Test
    void shouldRejectAScatteredReceiptWholeWhenOneOfItsRowsIsBad() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER,
                "01.03.2024 10:00;1;;;;Т1;1;100;100",
                "01.03.2024 12:00;2;;;;Т3;1;70;70",
                "01.03.2024 10:00;1;;;;Т2;1;50;пятьдесят"));
        assertThat(sink.receipts).extracting(ReceiptRecord::naturalKey).containsExactly("2024-03-01|2");
        assertThat(sink.rejections).extracting(Rejection::line).containsExactlyInAnyOrder(2L, 4L);
        assertThat(sink.rejectionAt(2).reason()).isEqualTo("Чек «1 от 01.03.2024» отклонён целиком: ошибка в строке 4");
    }

    @Test
    void shouldRejectTheWholeReceiptWhenOneOfItsRowsHasABadDateThoughTheDayIsPartOfTheKey() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER,
                "15.03.2024 10:00;77;;;;Кофе;1;150;150",
                "32.03.2024 10:00;77;;;;Чай;1;100;100",
                "15.03.2024 10:00;77;;;;Сахар;1;50;50"));
        assertThat(sink.receipts).isEmpty();
        assertThat(sink.rejections).extracting(Rejection::line).containsExactly(2L, 3L, 4L);
        assertThat(sink.rejectionAt(2).reason()).isEqualTo("Чек «77 от 15.03.2024» отклонён целиком: ошибка в строке 3");
        assertThat(sink.rejectionAt(3).reason()).startsWith("Колонка «Дата»: «32.03.2024 10:00»");
    }

    @Test
    void shouldTreatNoBreakSpacesAroundCellsAsBlanks() throws Exception {
        read(csv(StandardCharsets.UTF_8, HEADER,
                "15.03.2024 10:00;\u00a03\u00a0;\u00a0Гордей Егоров\u00a0;\u00a0;;Чай\u202f;1;100;100",
                "15.03.2024 10:00;3;Гордей Егоров;8 916 555-44-33;;Сахар;1;50;50",
                "\u00a0;\u00a0;;;;;;;"));
        assertThat(sink.rejections).isEmpty();
        ReceiptRecord r = sink.receipts.get(0);
        assertThat(r.naturalKey()).isEqualTo("2024-03-15|3");
        assertThat(r.rows()).isEqualTo(2);
        assertThat(r.buyer().name()).isEqualTo("Гордей Егоров");
        assertThat(r.buyer().phone()).isEqualTo("+79165554433");
        assertThat(r.lines()).extracting(ReceiptLine::item).containsExactly("Чай", "Сахар");
    }

    @Test
    void shouldSkipTitleLinesAboveTheHeader() throws Exception {
        read(csv(CP1251, "Отчёт о продажах за март 2024", "", HEADER, "15.03.2024;1;;;;Чай;1;100;100"));
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.receipts).singleElement().satisfies(r -> assertThat(r.line()).isEqualTo(4));
    }
}
