package org.repeatsales.hub.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
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

/** Receipts exported by the FNS "Проверка чеков" app, imported through the API. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "hub.inbox.enabled=false")
class ReceiptJsonImportTest {

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

    static String receipt(long fd, String dateTime, int operationType, long totalKopecks, String buyer, String items) {
        return """
                {"_id": "%d", "createdAt": "2025-02-01T10:00:00+03:00", "ticket": {"document": {"receipt": {
                  "dateTime": "%s", "operationType": %d, "totalSum": %d, "cashTotalSum": 0, "ecashTotalSum": %d,
                  "fiscalDriveNumber": "9960440300112233 ", "fiscalDocumentNumber": %d, "fiscalSign": 3635260533,
                  "kktRegId": "0000000003065868 ", "userInn": "7700112233  ", "user": "ООО Ромашка",
                  "retailPlace": "Магазин у дома", %s
                  "items": [%s]}}}}
                """.formatted(fd, dateTime, operationType, totalKopecks, totalKopecks, fd,
                buyer == null ? "" : "\"buyerPhoneOrAddress\": \"" + buyer + "\",", items);
    }

    JsonNode importJson(String name, String... receipts) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "[" + String.join(",", receipts) + "]", StandardCharsets.UTF_8);
        HubApiClient.Response r = api.upload("/api/v1/imports?format=receipts-json", file);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void shouldReduceRevenueByRefundAndNotCountItAsPurchase() throws IOException {
        JsonNode report = importJson("checks.json",
                receipt(101, "2025-01-10T12:30:00", 1, 45678, "+79161234567",
                        "{\"name\": \"Сыр \", \"price\": 65000, \"quantity\": 0.348, \"sum\": 22620},"
                                + "{\"name\": \"Хлеб\", \"price\": 23059, \"quantity\": 1, \"sum\": 23059}"),
                receipt(102, "2025-01-11T09:00:00", 2, 23059, "89161234567",
                        "{\"name\": \"Хлеб\", \"price\": 23059, \"quantity\": 1, \"sum\": 23059}"));

        assertThat(report.get("inserted").asLong()).isEqualTo(2);
        JsonNode stats = api.get("/api/v1/clients?phone=+79161234567".replace("+", "%2B")).json().get("items").get(0).get("stats");
        assertThat(stats.get("purchases").asInt()).isEqualTo(1);
        assertThat(stats.get("revenue").decimalValue()).isEqualByComparingTo("226.19");
        assertThat(jdbc.queryForObject("select total from receipt where natural_key like '%:101'", BigDecimal.class))
                .as("the total is what the client paid, even when line sums differ by a kopeck").isEqualByComparingTo("456.78");
        assertThat(jdbc.queryForObject("select quantity from receipt_line where item = 'Сыр'", BigDecimal.class))
                .isEqualByComparingTo("0.348");
        StoreAssertions.assertStatsExact(jdbc);
    }

    @Test
    void shouldStoreReceiptWithoutBuyerContactAsAnonymous() throws IOException {
        importJson("anon.json",
                receipt(201, "2025-01-10T12:30:00", 1, 10000, "none", "{\"name\": \"Чай\", \"price\": 10000, \"quantity\": 1, \"sum\": 10000}"),
                receipt(202, "2025-01-10T12:31:00", 1, 5000, null, "{\"name\": \"Сок\", \"price\": 5000, \"quantity\": 1, \"sum\": 5000}"));

        assertThat(jdbc.queryForObject("select count(*) from receipt where client_id is null", Integer.class)).isEqualTo(2);
        assertThat(jdbc.queryForObject("select count(*) from client", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("select sum(total) from receipt", BigDecimal.class)).isEqualByComparingTo("150.00");
    }

    @Test
    void shouldKeyReceiptsByFiscalDriveAndDocumentSoReimportAddsNothing() throws IOException {
        String r = receipt(301, "2025-01-10T12:30:00", 1, 10000, "buyer@example.com",
                "{\"name\": \"Чай\", \"price\": 10000, \"quantity\": 1, \"sum\": 10000}");
        importJson("a.json", r);

        JsonNode again = importJson("b.json", r);

        assertThat(again.get("unchanged").asLong()).isEqualTo(1);
        assertThat(jdbc.queryForObject("select natural_key from receipt", String.class)).isEqualTo("9960440300112233:301");
        assertThat(jdbc.queryForObject("select source from receipt", String.class)).isEqualTo("fiscal");
    }

    @Test
    void shouldMergeThePersonNamedInCsvAndInReceiptJsonIntoOneClient() throws IOException {
        Path csv = dir.resolve("crm.csv");
        Files.writeString(csv, "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма\n"
                + "05.01.2025 10:00;A-1;Кузнецова Мария Ивановна;;maria@example.com;Крем;1;500;500\n", StandardCharsets.UTF_8);
        assertThat(api.upload("/api/v1/imports", csv).status()).isEqualTo(200);
        importJson("phone.json", receipt(401, "2025-01-10T12:30:00", 1, 10000, "+79169990011",
                "{\"name\": \"Чай\", \"price\": 10000, \"quantity\": 1, \"sum\": 10000}"));
        assertThat(jdbc.queryForObject("select count(*) from client", Integer.class)).isEqualTo(2);

        // a receipt naming both the phone and the e-mail shows they are one person
        Path both = dir.resolve("both.csv");
        Files.writeString(both, "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма\n"
                + "12.01.2025 10:00;A-2;Кузнецова Мария;8 916 999-00-11;MARIA@example.com;Мыло;1;50;50\n", StandardCharsets.UTF_8);
        assertThat(api.upload("/api/v1/imports", both).status()).isEqualTo(200);

        assertThat(jdbc.queryForObject("select count(*) from client", Integer.class)).isEqualTo(1);
        JsonNode card = api.get("/api/v1/clients/" + jdbc.queryForObject("select id from client", Long.class)).json();
        assertThat(card.get("name").asText()).isEqualTo("Кузнецова Мария Ивановна");
        assertThat(card.get("identities")).hasSize(2);
        assertThat(card.get("receipts")).hasSize(3);
        assertThat(card.get("stats").get("purchases").asInt()).isEqualTo(3);
        assertThat(card.get("stats").get("revenue").decimalValue()).isEqualByComparingTo("650.00");
        StoreAssertions.assertStatsExact(jdbc);
    }

    @Test
    void shouldFailFileThatIsNotReceiptJson() throws IOException {
        Path file = dir.resolve("x.json");
        Files.writeString(file, "{\"hello\": ", StandardCharsets.UTF_8);
        HubApiClient.Response r = api.upload("/api/v1/imports?format=receipts-json", file);

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("message").asText()).isNotBlank();
        assertThat(jdbc.queryForObject("select count(*) from receipt", Integer.class)).isZero();
    }
}
