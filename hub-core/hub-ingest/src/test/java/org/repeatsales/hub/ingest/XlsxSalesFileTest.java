package org.repeatsales.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XlsxSalesFileTest {

    private static final String[] HEADER = {"Дата продажи", "Чек", "Клиент", "Телефон клиента", "Email", "Товар",
            "Категория", "Кол-во", "Цена", "Скидка", "Итого", "Точка продаж"};

    @TempDir
    Path dir;
    private SalesFileReader reader;
    private CollectingSink sink;

    @BeforeEach
    void setUp() throws Exception {
        reader = new SalesFileReader(MappingCatalogTest.shipped(), ZoneId.of("Europe/Moscow"));
        sink = new CollectingSink();
    }

    /** Row 1 is a title, row 2 empty, the table starts on row 3, as people lay sheets out. */
    private Path workbook(Object[]... rows) throws Exception {
        Path file = dir.resolve("sales.xlsx");
        try (XSSFWorkbook wb = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            wb.createSheet("Сводка").createRow(0).createCell(0).setCellValue("ничего интересного");
            Sheet sheet = wb.createSheet("Продажи");
            wb.setSheetOrder("Продажи", 0);
            CellStyle dateStyle = wb.createCellStyle();
            dateStyle.setDataFormat(wb.getCreationHelper().createDataFormat().getFormat("dd.mm.yyyy hh:mm"));
            CellStyle moneyStyle = wb.createCellStyle();
            moneyStyle.setDataFormat(wb.getCreationHelper().createDataFormat().getFormat("# ##0.00\" ₽\""));
            sheet.createRow(0).createCell(0).setCellValue("Продажи за март");
            Row h = sheet.createRow(2);
            for (int i = 0; i < HEADER.length; i++) {
                h.createCell(i).setCellValue(HEADER[i]);
            }
            for (int r = 0; r < rows.length; r++) {
                Row row = sheet.createRow(3 + r);
                for (int c = 0; c < rows[r].length; c++) {
                    Object v = rows[r][c];
                    if (v instanceof LocalDateTime t) {
                        row.createCell(c).setCellValue(t);
                        row.getCell(c).setCellStyle(dateStyle);
                    } else if (v instanceof Number n) {
                        row.createCell(c).setCellValue(n.doubleValue());
                        if (c >= 8) {
                            row.getCell(c).setCellStyle(moneyStyle);
                        }
                    } else if (v != null) {
                        row.createCell(c).setCellValue(v.toString());
                    }
                }
            }
            wb.write(out);
        }
        return file;
    }

    @Test
    void shouldReadDateAndNumberCellsUnformatted() throws Exception {
        Path f = workbook(new Object[] {LocalDateTime.of(2024, 3, 15, 14, 30), 101, "Сидорова Мария", "8-916-765-43-21",
                "maria@example.ru", "Платье", "Одежда", 1, 12345.675, 1234.5, 11111.18, "ТЦ Мега"});
        ReadResult result = reader.read(f, null, null, sink);

        assertThat(result.format()).isEqualTo(FileFormat.XLSX);
        assertThat(result.mapping()).isEqualTo("excel-sales");
        assertThat(sink.rejections).isEmpty();
        ReceiptRecord r = sink.receipts.get(0);
        assertThat(r.line()).isEqualTo(4);
        assertThat(r.naturalKey()).isEqualTo("2024-03-15|ТЦ Мега|101");
        assertThat(r.purchasedAt()).isEqualTo(Instant.parse("2024-03-15T11:30:00Z"));
        assertThat(r.total()).isEqualTo(new BigDecimal("11111.18"));
        assertThat(r.discount()).isEqualTo(new BigDecimal("1234.50"));
        assertThat(r.lines().get(0).price()).isEqualTo(new BigDecimal("12345.68"));
        assertThat(r.buyer()).isEqualTo(new Buyer("Сидорова Мария", "+79167654321", "maria@example.ru", null, null, null));
    }

    @Test
    void shouldRenderDateCellsAsIsoAndNumbersPlain() {
        ExcelDataFormatter f = new ExcelDataFormatter();
        assertThat(f.formatRawCellContents(45366.6041666667, 22, "m/d/yy h:mm")).isEqualTo("2024-03-15T14:30:00");
        assertThat(f.formatRawCellContents(1234567.5, 4, "#,##0.00")).isEqualTo("1234567.5");
        assertThat(f.formatRawCellContents(0.1 + 0.2, 0, "General")).isEqualTo("0.30000000000000004");
    }

    @Test
    void shouldRejectBadRowsWithTheExcelRowNumber() throws Exception {
        Path f = workbook(
                new Object[] {LocalDateTime.of(2024, 3, 15, 10, 0), 1, null, null, null, "Шарф", null, 1, 1000, 0, 1000, "ТЦ Мега"},
                new Object[] {"вчера", 2, null, null, null, "Шапка", null, 1, 800, 0, 800, "ТЦ Мега"},
                new Object[] {null, null, null, null, null, "Итого", null, null, null, null, 1800, null});
        reader.read(f, FileFormat.XLSX, "excel-sales", sink);
        assertThat(sink.receipts).extracting(ReceiptRecord::naturalKey).containsExactly("2024-03-15|ТЦ Мега|1");
        assertThat(sink.rejectionAt(5).reason()).isEqualTo("Колонка «Дата продажи»: «вчера» — не дата");
        assertThat(sink.rejectionAt(5).raw()).startsWith("вчера;2;;;;Шапка");
        assertThat(sink.rejectionAt(6).reason()).contains("не заполнена");
        assertThat(sink.rowsAccountedFor()).isEqualTo(3);
    }

    @Test
    void shouldReadTheSheetNamedInTheMapping() throws Exception {
        Path f = workbook();
        CsvMapping base = MappingCatalogTest.shipped().find("excel-sales").orElseThrow();
        CsvMapping onSummary = new CsvMapping("summary", null, null, null, null, "Нет такого листа", base.columns(),
                base.key(), base.required(), base.refundValues());
        reader = new SalesFileReader(new MappingCatalog(java.util.List.of(onSummary)), ZoneId.of("Europe/Moscow"));
        assertThatThrownBy(() -> reader.read(f, null, "summary", sink))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("Продажи, Сводка");
    }

    @Test
    void shouldRefuseAFileThatIsNotAWorkbook() throws Exception {
        Path f = Files.writeString(dir.resolve("fake.xlsx"), "Дата;Сумма");
        assertThatThrownBy(() -> reader.read(f, FileFormat.XLSX, null, sink)).isInstanceOf(UnreadableFileException.class);
    }
}
