package org.repeatsales.hub.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.security.HubUsers;
import org.repeatsales.hub.security.Role;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Every API call is authenticated; analysts never receive a contact unmasked. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "hub.inbox.enabled=false")
class ApiSecurityTest {

    @LocalServerPort
    int port;

    @Autowired
    HubUsers users;

    @Autowired
    HubProperties hub;

    @TempDir
    Path dir;

    @Test
    void shouldAnswer401ToAnonymousAndWrongPassword() {
        assertThat(HubApiClient.anonymous(port).get("/api/v1/clients").status()).isEqualTo(401);
        assertThat(HubApiClient.basic(port, "admin", "wrong").get("/api/v1/clients").status()).isEqualTo(401);
        assertThat(HubApiClient.bearer(port, "hub_not-a-token").get("/api/v1/clients").status()).isEqualTo(401);
    }

    @Test
    void shouldRedirectAnonymousToConsoleLoginButAnswer401OnTheApi() {
        HubApiClient.Response console = HubApiClient.anonymous(port).get("/");
        HubApiClient.Response api = HubApiClient.anonymous(port).get("/api/v1/status");

        assertThat(console.status()).isEqualTo(302);
        assertThat(api.status()).isEqualTo(401);
    }

    @Test
    void shouldAcceptTheLauncherTokenWrittenAtFirstStart() throws IOException {
        String token = Files.readString(hub.dataPath().resolve("cli-token")).trim();

        HubApiClient.Response status = HubApiClient.bearer(port, token).getText("/api/v1/status");

        assertThat(status.status()).isEqualTo(200);
        assertThat(status.body()).contains("Hub: UP").contains("clients");
    }

    @Test
    void shouldServeTheOpenApiDescription() {
        HubApiClient.Response docs = HubApiClient.anonymous(port).get("/v3/api-docs");

        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().get("paths").has("/api/v1/imports")).isTrue();
        assertThat(docs.json().get("paths").has("/api/v1/clients/{id}")).isTrue();
    }

    @Test
    void shouldMaskContactsForAnalystAndForbidImports() throws IOException {
        Path csv = dir.resolve("s.csv");
        Files.writeString(csv, "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма\n"
                + "05.01.2025 10:00;SEC-1;Зайцева Ира;89165554433;ira@example.com;Крем;1;500;500\n", StandardCharsets.UTF_8);
        assertThat(HubApiClient.admin(port).upload("/api/v1/imports", csv).status()).isEqualTo(200);
        users.create("analyst1", "analyst-pass", Role.ANALYST);
        HubApiClient analyst = HubApiClient.basic(port, "analyst1", "analyst-pass");

        String list = analyst.get("/api/v1/clients?q=Зайцева").body();
        long id = analyst.get("/api/v1/clients?q=Зайцева").json().get("items").get(0).get("id").asLong();
        String card = analyst.get("/api/v1/clients/" + id).body();

        assertThat(list).doesNotContain("89165554433", "+79165554433", "ira@example.com").contains("i***@example.com");
        assertThat(card).doesNotContain("+79165554433", "ira@example.com");
        assertThat(analyst.upload("/api/v1/imports", csv).status()).isEqualTo(403);
    }
}
