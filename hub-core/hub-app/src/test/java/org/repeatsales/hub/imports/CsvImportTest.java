package org.repeatsales.hub.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.StoreAssertions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** A 1C retail CSV export imported through the API, end to end into the store. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "hub.inbox.enabled=false")
class CsvImportTest {

    static final String HEADER = "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма\r\n";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @TempDir
    Path dir;

    HubApiClient api;

    @BeforeEach
    void emptyStore() {
        api = HubApiClient.admin(port);
        StoreAssertions.emptyStore(jdbc);
    }

    Path csv(String name, String content, Charset charset) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content.getBytes(charset));
        return file;
    }

    JsonNode importFile(Path file) throws IOException {
        HubApiClient.Response r = api.upload("/api/v1/imports", file);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void shouldStoreReceiptsLinesClientsAndStatsFromOneCExport() throws IOException {
        Path file = csv("sales.csv", HEADER
                + "15.01.2025 10:15;Ч-001;Иванова Анна Петровна;8 916 123-45-67;Anna@Mail.RU ;Крем для рук;2;150,00;300,00\r\n"
                + "15.01.2025 10:15;Ч-001;Иванова Анна Петровна;8 916 123-45-67;Anna@Mail.RU ;Шампунь «Ромашка»;1;1 299,50;1 299,50\r\n"
                + "20.02.2025 18:40;Ч-002;Иванова А.П.;+7 (916) 123-45-67;;Мыло;3;45,5;136,5\r\n"
                + "21.02.2025 09:00;Ч-003;;;;Пакет;1;5;5\r\n", StandardCharsets.UTF_8);

        JsonNode report = importFile(file);

        assertThat(report.get("status").asText()).isEqualTo("succeeded");
        assertThat(report.get("rowsRead").asLong()).isEqualTo(4);
        assertThat(report.get("inserted").asLong()).isEqualTo(4);
        assertThat(report.get("rejected").asLong()).isZero();
        assertThat(jdbc.queryForObject("select count(*) from receipt", Integer.class)).isEqualTo(3);
        assertThat(jdbc.queryForObject("select count(*) from receipt_line", Integer.class)).isEqualTo(4);
        assertThat(jdbc.queryForObject("select count(*) from client", Integer.class)).as("one person under two phone spellings").isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from receipt where client_id is null", Integer.class))
                .as("receipt without buyer contact is anonymous").isEqualTo(1);

        JsonNode found = api.get("/api/v1/clients?phone=79161234567").json();
        assertThat(found.get("total").asLong()).isEqualTo(1);
        JsonNode client = found.get("items").get(0);
        assertThat(client.get("phone").asText()).isEqualTo("+79161234567");
        assertThat(client.get("email").asText()).isEqualTo("anna@mail.ru");
        assertThat(client.get("stats").get("purchases").asInt()).isEqualTo(2);
        assertThat(client.get("stats").get("revenue").decimalValue()).isEqualByComparingTo("1736.00");
        assertThat(client.get("stats").get("averageCheck").decimalValue()).isEqualByComparingTo("868.00");
        StoreAssertions.assertStatsExact(jdbc);
        StoreAssertions.assertRunsAddUp(jdbc);
    }

    @Test
    void shouldFindClientByAnySpellingOfPhoneOrEmail() throws IOException {
        importFile(csv("sales.csv", HEADER
                + "15.01.2025 10:15;Ч-001;Петров Олег;+7 (903) 555-12-34;oleg@example.com;Кофе;1;299,50;299,50\r\n",
                StandardCharsets.UTF_8));

        for (String query : new String[] {"phone=8%20903%20555-12-34", "phone=%2B79035551234", "phone=79035551234",
            "email=%20OLEG@Example.com", "q=Петров"}) {
            JsonNode found = api.get("/api/v1/clients?" + query).json();
            assertThat(found.get("total").asLong()).as(query).isEqualTo(1);
        }
        String body = api.get("/api/v1/clients?phone=79035551234").body();
        assertThat(body).as("money as decimal rubles with kopecks").contains("\"revenue\":299.50");
    }

    @Test
    void shouldFindClientWithForeignPhoneByItsDigitsWithoutPlus() throws IOException {
        importFile(csv("sales.csv", HEADER
                + "15.01.2025 10:15;Ч-001;Уткина Роза;+375 29 123-45-67;;Кофе;1;299,50;299,50\r\n",
                StandardCharsets.UTF_8));

        // an unencoded "+" in a query string arrives as a space
        for (String query : new String[] {"phone=375291234567", "phone=%2B375291234567", "phone=+375291234567"}) {
            HubApiClient.Response r = api.get("/api/v1/clients?" + query);
            assertThat(r.status()).as(query + ": " + r.body()).isEqualTo(200);
            assertThat(r.json().get("total").asLong()).as(query).isEqualTo(1);
            assertThat(r.json().get("items").get(0).get("phone").asText()).as(query).isEqualTo("+375291234567");
        }
    }

    @Test
    void shouldStillRefuseAPhoneQueryThatIsNoNumber() {
        for (String query : new String[] {"phone=12345", "phone=abc375291234567"}) {
            HubApiClient.Response r = api.get("/api/v1/clients?" + query);
            assertThat(r.status()).as(query).isEqualTo(400);
            assertThat(r.body()).as(query).contains("is not a phone number");
        }
    }

    @Test
    void shouldKeepAReceiptOfAnEarlierShiftWhenALaterExportUsesItsNumberAgain() throws IOException {
        importFile(csv("day1.csv", HEADER
                + "10.03.2025 10:00;1;Тамара Зайцева;89166006001;;Пальто;1;9 000,00;9 000,00\r\n", StandardCharsets.UTF_8));

        JsonNode day2 = importFile(csv("day2.csv", HEADER
                + "11.03.2025 10:00;1;Устин Иголкин;89166006002;;Носки;1;300,00;300,00\r\n", StandardCharsets.UTF_8));

        assertThat(day2.get("inserted").asLong()).isEqualTo(1);
        assertThat(day2.get("updated").asLong()).isZero();
        assertThat(jdbc.queryForObject("select revenue from client_stats s join client c on c.id = s.client_id"
                + " where c.phone = '+79166006001'", java.math.BigDecimal.class)).isEqualByComparingTo("9000");
        assertThat(jdbc.queryForObject("select count(*) from receipt", Integer.class)).isEqualTo(2);
        StoreAssertions.assertStatsExact(jdbc);
    }

    @Test
    void shouldImportAReceiptWhoseRowsAreApartWholeAndFindItUnchangedOnReimport() throws IOException {
        Path file = csv("by-item.csv", HEADER
                + "01.03.2025 10:00;Ч13-1;Харитон Шилов;89161130001;;Т1;1;100,00;100,00\r\n"
                + "01.03.2025 10:05;Ч13-2;Шилова Ада;89161130002;;Т2;1;200,00;200,00\r\n"
                + "01.03.2025 10:00;Ч13-1;Харитон Шилов;89161130001;;Т3;1;300,00;300,00\r\n", StandardCharsets.UTF_8);

        JsonNode first = importFile(file);
        JsonNode again = importFile(file);

        assertThat(first.get("inserted").asLong()).isEqualTo(3);
        assertThat(first.get("rejected").asLong()).isZero();
        assertThat(jdbc.queryForObject("select total from receipt where natural_key = '2025-03-01|Ч13-1'", java.math.BigDecimal.class))
                .isEqualByComparingTo("400");
        assertThat(jdbc.queryForObject("select count(*) from receipt_line", Integer.class)).isEqualTo(3);
        assertThat(again.get("unchanged").asLong()).isEqualTo(3);
        assertThat(again.get("updated").asLong()).isZero();
        StoreAssertions.assertStatsExact(jdbc);
    }

    @Test
    void shouldAddNothingWhenTheSameFileIsImportedTwice() throws IOException {
        Path file = csv("sales.csv", HEADER
                + "15.01.2025 10:15;Ч-001;Иванова Анна;89161234567;;Крем;2;150;300\r\n"
                + "15.01.2025 10:15;Ч-001;Иванова Анна;89161234567;;Мыло;1;50;50\r\n"
                + "16.01.2025 11:00;Ч-002;Сидоров Иван;89031112233;;Кофе;1;300;300\r\n", StandardCharsets.UTF_8);
        importFile(file);

        JsonNode second = importFile(file);

        assertThat(second.get("rowsRead").asLong()).isEqualTo(3);
        assertThat(second.get("unchanged").asLong()).isEqualTo(3);
        assertThat(second.get("inserted").asLong()).isZero();
        assertThat(jdbc.queryForObject("select count(*) from receipt", Integer.class)).isEqualTo(2);
        assertThat(jdbc.queryForObject("select count(*) from receipt_line", Integer.class)).isEqualTo(3);
        assertThat(jdbc.queryForObject("select revenue from client_stats s join client c on c.id = s.client_id where c.phone = '+79161234567'",
                java.math.BigDecimal.class)).isEqualByComparingTo("350");
        StoreAssertions.assertStatsExact(jdbc);
    }

    @Test
    void shouldUpdateChangedReceiptAndInsertOnlyNewOnesFromOverlappingExport() throws IOException {
        importFile(csv("january.csv", HEADER
                + "15.01.2025 10:15;Ч-001;Иванова Анна;89161234567;;Крем;2;150;300\r\n"
                + "16.01.2025 11:00;Ч-002;Иванова Анна;89161234567;;Кофе;1;300;300\r\n", StandardCharsets.UTF_8));

        JsonNode overlap = importFile(csv("jan-feb.csv", HEADER
                + "15.01.2025 10:15;Ч-001;Иванова Анна;89161234567;;Крем;2;150;300\r\n"
                + "16.01.2025 11:00;Ч-002;Иванова Анна;89161234567;;Кофе;2;300;600\r\n"
                + "01.02.2025 12:00;Ч-003;Иванова Анна;89161234567;;Чай;1;100;100\r\n", StandardCharsets.UTF_8));

        assertThat(overlap.get("unchanged").asLong()).isEqualTo(1);
        assertThat(overlap.get("updated").asLong()).isEqualTo(1);
        assertThat(overlap.get("inserted").asLong()).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from receipt", Integer.class)).isEqualTo(3);
        assertThat(jdbc.queryForObject("select quantity from receipt_line l join receipt r on r.id = l.receipt_id where r.natural_key = '2025-01-16|Ч-002'",
                java.math.BigDecimal.class)).isEqualByComparingTo("2");
        assertThat(jdbc.queryForObject("select revenue from client_stats", java.math.BigDecimal.class)).isEqualByComparingTo("1000");
        StoreAssertions.assertStatsExact(jdbc);
    }

    @Test
    void shouldCountRepeatedRecordWithinFileAsUnchanged() throws IOException {
        JsonNode report = importFile(csv("dup.csv", HEADER
                + "15.01.2025 10:15;Ч-001;Иванова Анна;89161234567;;Крем;2;150;300\r\n"
                + "16.01.2025 11:00;Ч-002;Иванова Анна;89161234567;;Кофе;1;300;300\r\n"
                + "15.01.2025 10:15;Ч-001;Иванова Анна;89161234567;;Крем;2;150;300\r\n", StandardCharsets.UTF_8));

        assertThat(report.get("inserted").asLong()).isEqualTo(2);
        assertThat(report.get("unchanged").asLong()).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from receipt", Integer.class)).isEqualTo(2);
    }

    @Test
    void shouldRejectBadRowsWithLineAndReasonAndImportTheRest() throws IOException {
        // line 3 carries a quoted name with a line break, so the rows after it sit one physical line lower
        JsonNode report = importFile(csv("bad.csv", HEADER
                + "15.01.2025 10:15;Ч-001;Иванова Анна;89161234567;;Крем;2;150;300\r\n"
                + "16.01.2025 11:00;Ч-002;\"Сидоров\r\nИван\";89031112233;;Кофе;1;300;300\r\n"
                + "32.01.2025 11:00;Ч-003;Петров;89035551234;;Кофе;1;300;300\r\n"
                + "17.01.2025 11:00;Ч-004;Петров;89035551234;;Чай;1;abc;100\r\n"
                + "17.01.2025 12:00;Ч-005;Петров;89035551234;;Чай;2;100;250\r\n"
                + "18.01.2025 12:00;Ч-006;Петров;89035551234;;Сахар;1;80;80\r\n", StandardCharsets.UTF_8));

        assertThat(report.get("status").asText()).isEqualTo("succeeded");
        assertThat(report.get("rowsRead").asLong()).isEqualTo(6);
        assertThat(report.get("inserted").asLong()).isEqualTo(3);
        assertThat(report.get("rejected").asLong()).isEqualTo(3);
        JsonNode rejections = report.get("rejections");
        assertThat(rejections).hasSize(3);
        assertThat(rejections.get(0).get("line").asLong()).isEqualTo(5);
        assertThat(rejections.get(0).get("reason").asText()).contains("Дата").contains("32.01.2025");
        assertThat(rejections.get(1).get("line").asLong()).isEqualTo(6);
        assertThat(rejections.get(1).get("reason").asText()).contains("Цена");
        assertThat(rejections.get(2).get("line").asLong()).isEqualTo(7);
        assertThat(jdbc.queryForObject("select count(*) from receipt", Integer.class)).isEqualTo(3);
        assertThat(jdbc.queryForObject("select count(*) from rejected_row", Integer.class)).isEqualTo(3);
        StoreAssertions.assertRunsAddUp(jdbc);
    }

    @Test
    void shouldReadWindows1251ExportWithCommaDelimiterAndLf() throws IOException {
        String content = "Дата,Номер чека,Покупатель,Телефон,E-mail,Номенклатура,Количество,Цена,Сумма\n"
                + "2025-03-01 09:30:00,77,Смирнова Ольга,+79257778899,,\"Сыр \"\"Российский\"\"\",\"0,348\",\"650,00\",\"226,20\"\n";
        JsonNode report = importFile(csv("cp1251.csv", content, Charset.forName("windows-1251")));

        assertThat(report.get("inserted").asLong()).as(report.toString()).isEqualTo(1);
        assertThat(jdbc.queryForObject("select item from receipt_line", String.class)).isEqualTo("Сыр \"Российский\"");
        assertThat(jdbc.queryForObject("select name from client", String.class)).isEqualTo("Смирнова Ольга");
        assertThat(jdbc.queryForObject("select quantity from receipt_line", java.math.BigDecimal.class)).isEqualByComparingTo("0.348");
    }

    @Test
    void shouldFailFileOfUnknownLayoutNamingTheKnownMappingsAndStoreNothing() throws IOException {
        HubApiClient.Response r = api.upload("/api/v1/imports",
                csv("other.csv", "Артикул;Остаток\r\n123;5\r\n", StandardCharsets.UTF_8));

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("status").asText()).isEqualTo("failed");
        assertThat(r.json().get("message").asText()).contains("1c-retail");
        assertThat(jdbc.queryForObject("select count(*) from receipt", Integer.class)).isZero();
    }

    @Test
    void shouldFailBinaryFileWithClearMessage() throws IOException {
        Path file = dir.resolve("photo.csv");
        Files.write(file, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13, 0, 1, 2, 3, 0, 0});
        HubApiClient.Response r = api.upload("/api/v1/imports", file);

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("message").asText()).containsIgnoringCase("binary");
        assertThat(jdbc.queryForObject("select count(*) from receipt", Integer.class)).isZero();
    }

    @Test
    void shouldAcceptRawBodyAndAnswerPlainTextReport() throws IOException {
        byte[] body = (HEADER + "15.01.2025 10:15;Ч-001;Иванова Анна;89161234567;;Крем;2;150;300\r\n").getBytes(StandardCharsets.UTF_8);
        HubApiClient.Response json = api.postRaw("/api/v1/imports?filename=raw.csv&format=csv&mapping=1c-retail", body, "text/csv");

        assertThat(json.status()).as(json.body()).isEqualTo(200);
        assertThat(json.json().get("file").asText()).isEqualTo("raw.csv");
        assertThat(json.json().get("mapping").asText()).isEqualTo("1c-retail");

        HubApiClient.Response text = api.getText("/api/v1/imports/" + json.json().get("id").asLong());
        assertThat(text.body()).contains("rows read 1 = inserted 1");
    }

    @Test
    void shouldListRunsAndKeepEveryRejectedRow() throws IOException {
        StringBuilder content = new StringBuilder(HEADER);
        for (int i = 0; i < 120; i++) {
            content.append("xx.01.2025;Ч-").append(i).append(";;;;Товар;1;1;1\r\n");
        }
        JsonNode report = importFile(csv("all-bad.csv", content.toString(), StandardCharsets.UTF_8));
        long id = report.get("id").asLong();

        assertThat(report.get("rejected").asLong()).isEqualTo(120);
        assertThat(api.get("/api/v1/imports/" + id + "/rejections?limit=500").json()).hasSize(120);
        assertThat(api.get("/api/v1/imports").json().get(0).get("id").asLong()).isEqualTo(id);
    }
}
