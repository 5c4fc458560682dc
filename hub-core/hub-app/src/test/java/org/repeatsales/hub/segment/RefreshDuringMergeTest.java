package org.repeatsales.hub.segment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.plugin.PluginFolderTest;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.TestPlugins;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Imports merge clients away while segments refresh: whichever happens first, no membership may
 * outlive its client. A gated strategy holds a refresh between reading the clients and handing
 * back their cells, so that an import can merge one of them away in between. Its own context, so
 * its own database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false",
                "hub.timezone=Europe/Moscow"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefreshDuringMergeTest {

    /**
     * Puts every buyer into "buyers". With a folder as its gate it reads all clients first, then
     * writes {@code read} there and waits for {@code go} before assigning them.
     */
    private static final String GATED_STRATEGY = """
            package test.gated;

            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.ArrayList;
            import java.util.List;
            import org.pf4j.Extension;
            import org.repeatsales.hub.api.Label;
            import org.repeatsales.hub.api.segment.*;

            @Extension
            public class GatedStrategy implements SegmentationStrategy {
                public String id() { return "test-gated"; }
                public Label name() { return Label.of("Покупатели (со шлюзом)", "Buyers (gated)"); }
                public List<ParameterSpec> parameters() {
                    return List.of(new ParameterSpec("gate", ParameterType.TEXT, "", null, null, Label.of("Шлюз", "Gate")));
                }
                public List<Cell> cells(Parameters p) { return List.of(Cell.of("buyers", "Покупатели", "Buyers")); }
                public void segment(SegmentationContext ctx, ClientStream clients, SegmentAssignments out) {
                    List<Long> buyers = new ArrayList<>();
                    try (ClientStream.Cursor c = clients.open()) {
                        while (c.hasNext()) {
                            ClientFacts f = c.next();
                            if (f.purchases() > 0) {
                                buyers.add(f.clientId());
                            }
                        }
                    }
                    String gate = ctx.parameters().text("gate");
                    if (!gate.isEmpty()) {
                        try {
                            Files.createFile(Path.of(gate, "read"));
                            long deadline = System.currentTimeMillis() + 30_000;
                            while (!Files.exists(Path.of(gate, "go"))) {
                                if (System.currentTimeMillis() > deadline) {
                                    throw new IllegalStateException("the gate never opened");
                                }
                                Thread.sleep(20);
                            }
                        } catch (java.io.IOException | InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    for (long id : buyers) {
                        out.assign(id, "buyers");
                    }
                }
            }
            """;

    private static final String HEADER = "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Скидка;Сумма;Вид операции;Категория\n";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm").withZone(ZoneId.of("Europe/Moscow"));
    private static final Instant DAY = Instant.parse("2026-06-30T09:00:00Z");

    @LocalServerPort
    int port;

    @Autowired
    PluginRegistry registry;

    @Autowired
    SegmentRefresher refresher;

    @Autowired
    DataSource store;

    HubApiClient admin;
    Path work;

    @BeforeAll
    void dropGatedPlugin(@TempDir Path work) {
        this.work = work;
        admin = HubApiClient.admin(port);
        TestPlugins.drop(TestPlugins.build(work, "gated", ">=0.6.0 & <1.0.0",
                Map.of("test.gated.GatedStrategy", GATED_STRATEGY)), registry.folder());
        PluginFolderTest.await(() -> registry.list().stream().anyMatch(p -> p.id().equals("gated") && p.state() == PluginState.STARTED));
    }

    @Test
    void shouldLeaveOutAClientMergedAwayBetweenTheRefreshReadingAndWritingTheMembership() throws Exception {
        long phoneOnly = buyer("A", "89170000101", "");
        long emailOnly = buyer("B", "", "merge-b@example.com");
        Path gate = Files.createDirectory(work.resolve("gate"));
        long segment = create("Покупатели при слиянии", "{\"gate\": \"" + gate.toString().replace("\\", "\\\\") + "\"}");

        CompletableFuture<SegmentViews.Refresh> refresh = CompletableFuture.supplyAsync(() -> refresher.refresh(segment, DAY));
        PluginFolderTest.await(() -> Files.exists(gate.resolve("read")));
        // one receipt shows both to be one person: the import merges the later client into the earlier
        importCsv("merge.csv", HEADER + line(DAY.minus(Duration.ofHours(2)), "M-2", "AB", "89170000101", "merge-b@example.com"));
        assertThat(count("select count(*) from client where id = " + emailOnly)).isZero();
        Files.createFile(gate.resolve("go"));
        SegmentViews.Refresh done = refresh.get(60, TimeUnit.SECONDS);

        assertThat(memberIds(segment)).contains(phoneOnly).doesNotContain(emailOnly);
        assertThat(done.entered()).isEqualTo(done.members());
        assertThat(orphans()).isZero();
    }

    @Test
    void shouldTakeTheMembershipOfAClientMergedAwayAfterARefresh() throws Exception {
        long phoneOnly = buyer("C", "89170000102", "");
        long emailOnly = buyer("D", "", "merge-d@example.com");
        long segment = create("Покупатели до слияния", "{}");
        refresher.refresh(segment, DAY);
        assertThat(memberIds(segment)).contains(phoneOnly, emailOnly);

        importCsv("merge-later.csv", HEADER + line(DAY.minus(Duration.ofHours(2)), "M-4", "CD", "89170000102", "merge-d@example.com"));

        assertThat(memberIds(segment)).contains(phoneOnly).doesNotContain(emailOnly);
        assertThat(orphans()).isZero();
    }

    /** A client who bought once; their id. */
    private long buyer(String name, String phone, String email) throws Exception {
        importCsv("buyer-" + name + ".csv", HEADER + line(DAY.minus(Duration.ofDays(3)), "B-" + name, name, phone, email));
        String key = phone.isEmpty() ? "email = '" + email + "'" : "phone like '%" + phone.substring(1) + "'";
        return count("select id from client where " + key);
    }

    private static String line(Instant at, String receipt, String name, String phone, String email) {
        return DATE.format(at) + ";" + receipt + ";Клиент " + name + ";" + phone + ";" + email + ";Товар;1;500;0;500;Продажа;Разное\n";
    }

    private void importCsv(String name, String content) throws IOException {
        Path csv = Files.writeString(work.resolve(name), content, StandardCharsets.UTF_8);
        JsonNode imported = admin.upload("/api/v1/imports", csv).json();
        assertThat(imported.get("rejected").asInt()).as(imported.toString()).isZero();
    }

    private long create(String name, String parameters) {
        HubApiClient.Response created = admin.postJson("/api/v1/segments",
                "{\"name\": \"" + name + "\", \"strategy\": \"test-gated\", \"parameters\": " + parameters + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    private List<Long> memberIds(long segment) throws SQLException {
        try (Connection c = store.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select client_id from segment_member where segment_id = " + segment)) {
            List<Long> ids = new java.util.ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return ids;
        }
    }

    private long orphans() throws SQLException {
        return count("select count(*) from segment_member m where not exists (select 1 from client c where c.id = m.client_id)");
    }

    private long count(String sql) throws SQLException {
        try (Connection c = store.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getLong(1);
        }
    }
}
