package org.repeatsales.hub.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.StoreAssertions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** A shop's sales kept in an Excel workbook, imported through the same mappings as CSV. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "hub.inbox.enabled=false")
class ExcelImportTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @TempDir
    Path dir;

    @BeforeEach
    void emptyStore() {
        StoreAssertions.emptyStore(jdbc);
    }

    @Test
    void shouldImportWorkbookWithDateCellsAndNumbersThroughTheMatchingMapping() throws IOException {
        Path file = dir.resolve("продажи.xlsx");
        try (XSSFWorkbook book = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            CellStyle dateStyle = book.createCellStyle();
            dateStyle.setDataFormat(book.getCreationHelper().createDataFormat().getFormat("dd.mm.yyyy hh:mm"));
            Sheet sheet = book.createSheet("Продажи");
            String[] header = {"Дата", "Номер чека", "Покупатель", "Телефон", "E-mail", "Номенклатура", "Количество", "Цена", "Сумма"};
            Row h = sheet.createRow(0);
            for (int i = 0; i < header.length; i++) {
                h.createCell(i).setCellValue(header[i]);
            }
            Object[][] rows = {
                {LocalDateTime.of(2025, 4, 1, 10, 30), "E-1", "Лебедева Ольга", "8 (926) 111-22-33", "olga@example.com", "Крем", 2.0, 350.5, 701.0},
                {LocalDateTime.of(2025, 4, 1, 10, 30), "E-1", "Лебедева Ольга", "8 (926) 111-22-33", "olga@example.com", "Маска", 1.0, 99.99, 99.99},
                {LocalDateTime.of(2025, 4, 3, 18, 5), "E-2", "Лебедева Ольга", "+79261112233", null, "Сыворотка", 1.0, 1299.5, 1299.5},
            };
            for (int r = 0; r < rows.length; r++) {
                Row row = sheet.createRow(r + 1);
                for (int c = 0; c < rows[r].length; c++) {
                    Object v = rows[r][c];
                    if (v instanceof LocalDateTime t) {
                        row.createCell(c).setCellValue(t);
                        row.getCell(c).setCellStyle(dateStyle);
                    } else if (v instanceof Double d) {
                        row.createCell(c).setCellValue(d);
                    } else if (v != null) {
                        row.createCell(c).setCellValue((String) v);
                    }
                }
            }
            book.write(out);
        }

        HubApiClient.Response response = HubApiClient.admin(port).upload("/api/v1/imports", file);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode report = response.json();
        assertThat(report.get("format").asText()).isEqualTo("xlsx");
        assertThat(report.get("rowsRead").asLong()).isEqualTo(3);
        assertThat(report.get("inserted").asLong()).isEqualTo(3);
        assertThat(jdbc.queryForObject("select count(*) from client", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select total from receipt where natural_key = '2025-04-01|E-1'", BigDecimal.class))
                .isEqualByComparingTo("800.99");
        assertThat(jdbc.queryForObject("select to_char(purchased_at at time zone 'Europe/Moscow', 'YYYY-MM-DD HH24:MI') from receipt"
                + " where natural_key = '2025-04-03|E-2'", String.class)).isEqualTo("2025-04-03 18:05");
        StoreAssertions.assertStatsExact(jdbc);
    }
}
