package org.repeatsales.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.plugin.TestPlugins;
import org.repeatsales.hub.security.HubUsers;
import org.repeatsales.hub.security.Role;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/** Exports, unmasked contacts and admin changes leave audit rows nobody can change afterwards. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.inbox.enabled=false", "hub.segments.auto-refresh=false"})
class AuditLogTest {

    @LocalServerPort
    int port;

    @Autowired
    AuditLog audit;

    @Autowired
    DSLContext db;

    @Autowired
    HubUsers users;

    @TempDir
    Path dir;

    HubApiClient admin;
    HubApiClient analyst;

    @BeforeEach
    void usersAndOneClient() throws IOException {
        admin = HubApiClient.admin(port);
        try {
            users.loadUserByUsername("auditor-analyst");
        } catch (UsernameNotFoundException e) {
            users.create("auditor-analyst", "analyst-pass-1", Role.ANALYST);
        }
        analyst = HubApiClient.basic(port, "auditor-analyst", "analyst-pass-1");
        Path csv = dir.resolve("audit.csv");
        Files.writeString(csv, "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма\n"
                + "05.01.2025 10:00;AUD-1;Соколова Вера;89161112233;vera@example.com;Крем;1;500;500\n", StandardCharsets.UTF_8);
        assertThat(admin.upload("/api/v1/imports", csv).status()).isEqualTo(200);
    }

    @Test
    void shouldRefuseUpdateDeleteAndTruncateOfRecordedEvents() {
        audit.record("someone", "test.append-only", "thing:1", "original");

        assertThatThrownBy(() -> db.execute("update audit_event set details = 'rewritten' where action = 'test.append-only'"))
                .rootCause().hasMessageContaining("append-only");
        assertThatThrownBy(() -> db.execute("delete from audit_event where action = 'test.append-only'"))
                .rootCause().hasMessageContaining("append-only");
        assertThatThrownBy(() -> db.execute("truncate audit_event"))
                .rootCause().hasMessageContaining("append-only");
        assertThat(db.fetchValue("select details from audit_event where action = 'test.append-only'")).isEqualTo("original");
    }

    @Test
    void shouldRecordAnExportWithWhoAndWhichSegment() {
        long segment = admin.postJson("/api/v1/segments", "{\"name\":\"Все по правилу\",\"strategy\":\"rules\",\"parameters\":{\"rule\":{\"field\":\"purchases\",\"min\":1}}}")
                .json().get("id").asLong();

        assertThat(admin.get("/api/v1/segments/" + segment + "/members.csv").status()).isEqualTo(200);

        JsonNode events = admin.get("/api/v1/audit?action=segment.export").json();
        assertThat(events.get("total").asLong()).isEqualTo(1);
        assertThat(events.get("items").get(0).get("actor").asText()).isEqualTo("admin");
        assertThat(events.get("items").get(0).get("target").asText()).isEqualTo("segment:" + segment);
        assertThat(events.get("items").get(0).get("details").asText()).contains("contacts visible");
    }

    @Test
    void shouldRecordUnmaskedClientViewsWithoutCopyingTheContacts() {
        long id = admin.get("/api/v1/clients?q=Соколова").json().get("items").get(0).get("id").asLong();
        admin.get("/api/v1/clients/" + id);
        analyst.get("/api/v1/clients/" + id);

        List<JsonNode> views = items(admin.get("/api/v1/audit?action=client.*&limit=1000").json());
        assertThat(views).anySatisfy(e -> {
            assertThat(e.get("action").asText()).isEqualTo("client.view");
            assertThat(e.get("target").asText()).isEqualTo("client:" + id);
            assertThat(e.get("actor").asText()).isEqualTo("admin");
        });
        assertThat(views).anySatisfy(e -> assertThat(e.get("action").asText()).isEqualTo("client.search"));
        // the analyst saw masked contacts only: nothing to record
        assertThat(views).noneSatisfy(e -> assertThat(e.get("actor").asText()).isEqualTo("auditor-analyst"));
        assertThat(admin.get("/api/v1/audit?limit=1000").body()).doesNotContain("vera@example.com", "9161112233");
    }

    @Test
    void shouldRecordEveryPluginChange() throws IOException {
        Path zip = TestPlugins.build(dir.resolve("build"), "audited-plugin", ">=0.2.0",
                Map.of("test.purchases.PurchasesStrategy", TestPlugins.PURCHASES_STRATEGY));

        assertThat(admin.upload("/api/v1/plugins", zip).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/plugins/audited-plugin/disable").status()).isEqualTo(200);
        assertThat(admin.post("/api/v1/plugins/audited-plugin/enable").status()).isEqualTo(200);
        assertThat(admin.post("/api/v1/plugins/audited-plugin/reload").status()).isEqualTo(200);
        assertThat(admin.delete("/api/v1/plugins/audited-plugin").status()).isEqualTo(204);

        List<String> actions = items(admin.get("/api/v1/audit?action=plugin.*").json()).stream()
                .filter(e -> e.get("target").asText().equals("plugin:audited-plugin"))
                .map(e -> e.get("action").asText()).toList();
        assertThat(actions).containsExactly("plugin.delete", "plugin.reload", "plugin.enable", "plugin.disable", "plugin.upload");
    }

    @Test
    void shouldFilterByActorActionAndTime() {
        audit.record("filter-anna", "test.filter", "x:1", null);
        audit.record("filter-boris", "test.filter", "x:2", null);

        JsonNode anna = admin.get("/api/v1/audit?actor=filter-anna&action=test.filter").json();
        JsonNode future = admin.get("/api/v1/audit?action=test.filter&from=2999-01-01T00:00:00Z").json();
        HubApiClient.Response badTime = admin.get("/api/v1/audit?from=yesterday");

        assertThat(anna.get("total").asLong()).isEqualTo(1);
        assertThat(anna.get("items").get(0).get("target").asText()).isEqualTo("x:1");
        assertThat(future.get("total").asLong()).isZero();
        assertThat(badTime.status()).isEqualTo(400);
        assertThat(badTime.json().get("message").asText()).contains("from").contains("yesterday");
    }

    @Test
    void shouldLetOnlyAdminsReadTheLog() {
        assertThat(analyst.get("/api/v1/audit").status()).isEqualTo(403);
        assertThat(HubApiClient.anonymous(port).get("/api/v1/audit").status()).isEqualTo(401);
        assertThat(admin.get("/api/v1/audit").status()).isEqualTo(200);
    }

    private static List<JsonNode> items(JsonNode page) {
        List<JsonNode> all = new ArrayList<>();
        page.get("items").forEach(all::add);
        return all;
    }
}
