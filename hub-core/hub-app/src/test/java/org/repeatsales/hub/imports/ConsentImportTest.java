package org.repeatsales.hub.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.StoreAssertions;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.consent.ConsentService;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** Consent columns of a 1C CSV export (1c-retail mapping) recorded as the clients' consent history. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.inbox.enabled=false", "hub.segments.auto-refresh=false", "hub.channels.intake.enabled=false"})
class ConsentImportTest {

    static final String HEADER = "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма;"
            + "Согласие на e-mail;Согласие на SMS;Согласие на Telegram;Дата согласия\r\n";

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ConsentService consents;
    @TempDir
    Path dir;

    HubApiClient api;

    @BeforeEach
    void emptyStore() {
        api = HubApiClient.admin(port);
        StoreAssertions.emptyStore(jdbc);
    }

    private JsonNode importFile(String name, String rows) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, (HEADER + rows).getBytes(StandardCharsets.UTF_8));
        HubApiClient.Response r = api.upload("/api/v1/imports", file);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private long clientByPhone(String phone) {
        return jdbc.queryForObject("select client_id from client_identity where kind = 'phone' and value = ?", Long.class, phone);
    }

    private List<String> history(long client) {
        return jdbc.queryForList("select channel || ' ' || state || ' ' || source || ' ' || proof from consent"
                + " where client_id = ? order by id", String.class, client);
    }

    @Test
    void shouldRecordConsentsWithProofAndAddressesFromConsentColumns() throws IOException {
        JsonNode report = importFile("sales.csv",
                "15.01.2025 10:15;Ч-1;Анна;8 916 123-45-67;Anna@Mail.RU;Кофе;1;300;300;да;нет;;10.01.2025\r\n"
                + "15.01.2025 10:15;Ч-1;Анна;8 916 123-45-67;Anna@Mail.RU;Чай;1;100;100;;;;\r\n"
                + "16.01.2025 11:00;Ч-2;Борис;+7 903 000-00-01;;Кофе;1;300;300;;1;0;\r\n");

        assertThat(report.get("rejected").asLong()).isZero();
        long anna = clientByPhone("+79161234567");
        long run = report.get("id").asLong();
        assertThat(history(anna)).containsExactly(
                "EMAIL given import sales.csv (import run " + run + "), line 2",
                "SMS withdrawn import sales.csv (import run " + run + "), line 2");
        assertThat(jdbc.queryForObject("select at from consent where client_id = ? and channel = 'EMAIL'", java.sql.Timestamp.class,
                anna).toInstant()).isEqualTo(java.time.Instant.parse("2025-01-09T21:00:00Z"));
        assertThat(consents.maySend(anna, Channel.EMAIL)).isTrue();
        assertThat(consents.maySend(anna, Channel.SMS)).isFalse();
        assertThat(jdbc.queryForList("select channel || ' ' || address from client_address where client_id = ? order by channel",
                String.class, anna)).containsExactly("EMAIL anna@mail.ru", "SMS +79161234567");
        long boris = clientByPhone("+79030000001");
        assertThat(consents.maySend(boris, Channel.SMS)).isTrue();
        assertThat(consents.current(boris, Channel.TELEGRAM)).contains("withdrawn");
    }

    @Test
    void shouldNotDuplicateHistoryWhenTheSameFileIsImportedAgain() throws IOException {
        String rows = "15.01.2025 10:15;Ч-1;Анна;8 916 123-45-67;anna@mail.ru;Кофе;1;300;300;да;да;;\r\n"
                + "20.01.2025 10:15;Ч-2;Анна;8 916 123-45-67;anna@mail.ru;Кофе;1;300;300;да;да;;\r\n";
        importFile("sales.csv", rows);
        long anna = clientByPhone("+79161234567");
        // "да" on two receipts is one consent, not two
        assertThat(history(anna)).hasSize(2);

        JsonNode again = importFile("sales.csv", rows);

        assertThat(again.get("unchanged").asLong()).isEqualTo(2);
        assertThat(history(anna)).hasSize(2);
        assertThat(jdbc.queryForObject("select count(*) from client_address where client_id = ?", Long.class, anna)).isEqualTo(2);
    }

    @Test
    void shouldNotGiveBackAConsentTheClientWithdrewLaterWhenAnOldFileComesAgain() throws IOException {
        importFile("sales.csv", "15.01.2025 10:15;Ч-1;Анна;8 916 123-45-67;anna@mail.ru;Кофе;1;300;300;да;;;\r\n");
        long anna = clientByPhone("+79161234567");
        consents.record(anna, Channel.EMAIL, ConsentService.WITHDRAWN, java.time.Instant.parse("2025-06-01T10:00:00Z"),
                "unsubscribe-link", "test", null);

        // the same receipt re-exported with a changed line: the receipt is updated, the old answer stays old
        importFile("sales-2.csv", "15.01.2025 10:15;Ч-1;Анна;8 916 123-45-67;anna@mail.ru;Кофе;2;300;600;да;;;\r\n");

        assertThat(consents.maySend(anna, Channel.EMAIL)).isFalse();
        // a newer answer in a newer file does count
        importFile("sales-3.csv", "01.07.2025 10:00;Ч-9;Анна;8 916 123-45-67;anna@mail.ru;Кофе;1;300;300;да;;;\r\n");
        assertThat(consents.maySend(anna, Channel.EMAIL)).isTrue();
    }

    @Test
    void shouldRejectTheReceiptOfARowWithAnUnreadableConsentNamingTheColumn() throws IOException {
        JsonNode report = importFile("sales.csv",
                "15.01.2025 10:15;Ч-1;Анна;8 916 123-45-67;anna@mail.ru;Кофе;1;300;300;может быть;;;\r\n"
                + "16.01.2025 11:00;Ч-2;Борис;+7 903 000-00-01;;Кофе;1;300;300;;да;;\r\n");

        assertThat(report.get("rejected").asLong()).isEqualTo(1);
        assertThat(report.get("rejections").get(0).get("line").asLong()).isEqualTo(2);
        assertThat(report.get("rejections").get(0).get("reason").asText())
                .isEqualTo("Колонка «Согласие на e-mail»: «может быть» — не согласие: ожидается да, нет, yes, no, 1 или 0");
        assertThat(jdbc.queryForObject("select count(*) from consent", Long.class)).isEqualTo(1);
    }

    @Test
    void shouldKeepConsentHistoryWhenTwoClientsTurnOutToBeOnePerson() throws IOException {
        importFile("a.csv", "15.01.2025 10:15;Ч-1;Анна;8 916 123-45-67;;Кофе;1;300;300;;да;;\r\n"
                + "16.01.2025 10:15;Ч-2;Анна;;anna@mail.ru;Кофе;1;300;300;да;;;\r\n");
        long byEmail = jdbc.queryForObject("select client_id from client_identity where kind = 'email'", Long.class);
        consents.withdraw(byEmail, Channel.EMAIL, "unsubscribe-link", "test");

        // a receipt naming both contacts merges the two clients into one
        importFile("b.csv", "17.01.2025 10:15;Ч-3;Анна;8 916 123-45-67;anna@mail.ru;Кофе;1;300;300;;;;\r\n");

        long anna = clientByPhone("+79161234567");
        assertThat(jdbc.queryForObject("select count(*) from client", Long.class)).isEqualTo(1);
        assertThat(consents.maySend(anna, Channel.SMS)).isTrue();
        assertThat(consents.maySend(anna, Channel.EMAIL)).as("the withdrawal survives the merge").isFalse();
        assertThat(history(anna)).hasSize(3);
    }
}
