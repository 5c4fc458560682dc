package org.repeatsales.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.security.HubUsers;
import org.repeatsales.hub.security.Role;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Health and metrics as operators see them: a 1C base that does not answer, an e-mail connector
 * without settings and a broken plugin zip degrade the hub without taking it down.
 */
// Spring Boot tests switch metrics export off unless asked: this one is about the Prometheus endpoint
@AutoConfigureObservability(tracing = false)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.inbox.enabled=false", "hub.segments.auto-refresh=false", "hub.security.metrics-token=scrape-token-for-tests"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsTest {

    private static final String SOURCE = "onec-down";

    @DynamicPropertySource
    static void unreachableSource(DynamicPropertyRegistry registry) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String p = "hub.sources." + SOURCE + ".";
        registry.add(p + "base-url", () -> "http://127.0.0.1:" + closedPort + "/buh");
        registry.add(p + "user", () -> "odata");
        registry.add(p + "password-env", () -> "HUB_TEST_OPS_1C_PASSWORD");
        registry.add("HUB_TEST_OPS_1C_PASSWORD", () -> "unused-secret");
        registry.add(p + "poll-period", () -> "1h");
        registry.add(p + "first-poll-delay", () -> "1h");
        registry.add(p + "retries", () -> "0");
        registry.add(p + "backoff", () -> "10ms");
        registry.add(p + "timeout", () -> "1s");
    }

    @LocalServerPort
    int port;

    @Autowired
    HubUsers users;

    @TempDir
    static Path dir;

    HubApiClient admin;
    HubApiClient analyst;

    @BeforeAll
    void degradedHubWithSomeHistory() throws IOException {
        admin = HubApiClient.admin(port);
        users.create("ops-analyst", "ops-analyst-pass", Role.ANALYST);
        analyst = HubApiClient.basic(port, "ops-analyst", "ops-analyst-pass");

        assertThat(admin.upload("/api/v1/plugins", emailConnectorZip()).status()).isEqualTo(201);
        Path corrupt = Files.writeString(dir.resolve("broken.zip"), "not a zip", StandardCharsets.UTF_8);
        assertThat(admin.upload("/api/v1/plugins", corrupt).status()).isEqualTo(422);
        assertThat(admin.post("/api/v1/sources/" + SOURCE + "/poll").status()).isEqualTo(502);

        Path csv = Files.writeString(dir.resolve("ops.csv"), "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма\n"
                + "05.01.2025 10:00;OPS-1;Орлова Нина;89160001122;nina@example.com;Крем;1;500;500\n"
                + "06.01.2025 10:00;OPS-2;Орлов Иван;89160001133;;Мыло;1;100;100\n", StandardCharsets.UTF_8);
        assertThat(admin.upload("/api/v1/imports", csv).status()).isEqualTo(200);
        long segment = admin.postJson("/api/v1/segments",
                "{\"name\":\"Купившие\",\"strategy\":\"rules\",\"parameters\":{\"rule\":{\"field\":\"purchases\",\"min\":1}}}").json().get("id").asLong();
        assertThat(admin.post("/api/v1/segments/" + segment + "/refresh").status()).isEqualTo(200);
    }

    @Test
    void shouldShowAnonymousOnlyTheSummaryDegradedNotDown() {
        HubApiClient.Response health = HubApiClient.anonymous(port).get("/actuator/health");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("DEGRADED");
        assertThat(health.json().has("components")).isFalse();
        assertThat(health.body()).doesNotContain(SOURCE, "email");
        assertThat(admin.getText("/api/v1/status").body()).startsWith("Hub: DEGRADED");
    }

    @Test
    void shouldShowAdminsDatabaseSourcesChannelsAndPlugins() {
        JsonNode components = admin.get("/actuator/health").json().get("components");

        assertThat(components.get("db").get("status").asText()).isEqualTo("UP");
        assertThat(components.get("sources").get("status").asText()).isEqualTo("DEGRADED");
        assertThat(components.get("sources").get("details").get(SOURCE).get("state").asText()).isEqualTo("failing");
        assertThat(components.get("sources").get("details").get(SOURCE).get("consecutiveFailures").asInt()).isPositive();
        assertThat(components.get("channels").get("status").asText()).isEqualTo("DEGRADED");
        assertThat(components.get("channels").get("details").get("email").get("ready").asBoolean()).isFalse();
        assertThat(components.get("channels").get("details").get("email").get("reason").asText()).isNotBlank();
        assertThat(components.get("plugins").get("status").asText()).isEqualTo("DEGRADED");
        assertThat(components.get("plugins").get("details").get("broken.zip").get("state").asText()).isEqualTo("FAILED");
        assertThat(components.get("plugins").get("details").get("email").get("state").asText()).isEqualTo("STARTED");
    }

    @Test
    void shouldExposeTheHubsMetricsToAdminsAndTheScrapeTokenOnly() {
        HubApiClient.Response metrics = admin.getText("/actuator/prometheus");

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("hub_import_rows_total{outcome=\"inserted\",source=\"api\"} 2.0")
                .contains("hub_import_runs_total{source=\"api\",status=\"succeeded\"}")
                .contains("hub_import_runs_total{source=\"" + SOURCE + "\",status=\"failed\"}")
                .contains("hub_source_lag_seconds{source=\"" + SOURCE + "\"}")
                .contains("hub_segment_refresh_seconds_count{outcome=\"succeeded\",strategy=\"rules\"} 1");
        assertThat(HubApiClient.bearer(port, "scrape-token-for-tests").getText("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(HubApiClient.anonymous(port).getText("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(analyst.getText("/actuator/prometheus").status()).isEqualTo(403);
    }

    @Test
    void shouldGrantTheScrapeTokenNothingBeyondMetricsAndHealth() {
        HubApiClient scraper = HubApiClient.bearer(port, "scrape-token-for-tests");

        assertThat(scraper.get("/actuator/health").json().has("components")).isTrue();
        assertThat(scraper.get("/api/v1/clients").status()).isEqualTo(401);
        assertThat(scraper.get("/actuator/info").status()).isEqualTo(403);
    }

    @Test
    void shouldLockBasicLoginsAfterRepeatedFailuresEvenWithTheRightPassword() {
        users.create("ops-guessed", "ops-guessed-pass", Role.ANALYST);
        HubApiClient guesser = HubApiClient.basic(port, "ops-guessed", "wrong-guess");
        for (int i = 0; i < 5; i++) {
            assertThat(guesser.get("/api/v1/clients").status()).isEqualTo(401);
        }

        HubApiClient.Response locked = HubApiClient.basic(port, "ops-guessed", "ops-guessed-pass").get("/api/v1/clients");

        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.json().get("message").asText()).contains("Too many failed logins");
        assertThat(admin.get("/api/v1/clients").status()).isEqualTo(200);
    }

    @Test
    void shouldSendSecurityHeadersWithApiAnswers() {
        HttpHeaders headers = admin.headers("/api/v1/clients");

        assertThat(headers.firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(headers.firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(headers.firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        assertThat(headers.firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void shouldRecordThePollInTheAuditLog() {
        JsonNode polls = admin.get("/api/v1/audit?action=source.poll").json();

        assertThat(polls.get("total").asLong()).isEqualTo(1);
        assertThat(polls.get("items").get(0).get("target").asText()).isEqualTo("source:" + SOURCE);
        assertThat(polls.get("items").get(0).get("details").asText()).contains("failed");
    }

    private static Path emailConnectorZip() throws IOException {
        Path dist = Path.of("../../connectors/target/dist");
        try (DirectoryStream<Path> zips = Files.newDirectoryStream(dist, "email-*.zip")) {
            for (Path zip : zips) {
                return zip;
            }
        }
        throw new AssertionError("No e-mail connector zip in " + dist.toAbsolutePath() + ": build connectors/email first");
    }
}
