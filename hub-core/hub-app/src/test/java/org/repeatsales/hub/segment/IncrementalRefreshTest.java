package org.repeatsales.hub.segment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.PluginView;
import org.repeatsales.hub.plugin.TestPlugins;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * An incremental refresh reads only the clients whose cell may have changed and ends with exactly
 * the membership a full refresh computes: each test refreshes two identical segments, one
 * incrementally and one in full, over the same changes (new receipts, a refund, a new client, and
 * weeks passing so clients cross day boundaries and receipts leave the window), and compares them.
 * The change margin is zero so that the first import, seconds before the first refresh, does not
 * make every client a candidate. Its own context, so its own database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false",
                "hub.segments.change-margin=0s", "hub.timezone=Europe/Moscow"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncrementalRefreshTest {

    private static final String HEADER = "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Скидка;Сумма;Вид операции;Категория\n";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm").withZone(ZoneId.of("Europe/Moscow"));
    private static final int CLIENTS = 40;

    /** 12:00 in Moscow on 30 June 2026. */
    private static final Instant FIRST = Instant.parse("2026-06-30T09:00:00Z");
    /** Forty days later: clients cross the 30- and 90-day boundaries, receipts leave a 90-day window. */
    private static final Instant SECOND = FIRST.plus(Duration.ofDays(40));

    @LocalServerPort
    int port;

    @Autowired
    PluginRegistry registry;

    HubApiClient admin;
    Path work;

    @BeforeAll
    void importBaseAndDropPlugins(@TempDir Path work) throws IOException {
        this.work = work;
        admin = HubApiClient.admin(port);
        // client i bought (i % 5) + 1 times, ten days apart, the last time i * 4 days before FIRST
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < CLIENTS; i++) {
            for (int k = 0; k <= i % 5; k++) {
                Instant at = FIRST.minus(Duration.ofDays(i * 4L + k * 10L)).minus(Duration.ofHours(1));
                csv.append(line(at, "B-" + i + "-" + k, i, 300 + 100 * k, "Продажа"));
            }
        }
        importCsv("base.csv", csv.toString());
        TestPlugins.drop(TestPlugins.build(work, "lifecycle", ">=0.6.0 & <1.0.0",
                TestPlugins.bundled("lifecycle", "LifecycleStrategy")), registry.folder());
        TestPlugins.drop(TestPlugins.build(work, "rfm", ">=0.6.0 & <1.0.0",
                TestPlugins.bundled("rfm", "RfmStrategy")), registry.folder());
        awaitStarted("lifecycle", "rfm");
    }

    @Test
    void shouldEndIncrementalLifecycleRefreshWithTheMembershipOfAFullOne() throws IOException {
        long incremental = create("Жизненный цикл (инкр.)", "lifecycle", "{}");
        long full = create("Жизненный цикл (полн.)", "lifecycle", "{}");
        refresh(incremental, FIRST, "full");
        refresh(full, FIRST, "full");

        // clients 0-4 buy again, client 12 returns a purchase, a new client appears
        StringBuilder day = new StringBuilder(HEADER);
        for (int i = 0; i < 5; i++) {
            day.append(line(FIRST.plus(Duration.ofDays(5)), "L-" + i, i, 700, "Продажа"));
        }
        day.append(line(FIRST.plus(Duration.ofDays(6)), "L-R12", 12, 300, "Возврат"));
        day.append(line(FIRST.plus(Duration.ofDays(7)), "L-NEW", 99, 450, "Продажа"));
        importCsv("day-lifecycle.csv", day.toString());

        JsonNode partial = refresh(incremental, SECOND, "incremental");
        JsonNode whole = refresh(full, SECOND, "full");

        assertThat(partial.get("mode").asText()).isEqualTo("incremental");
        assertThat(whole.get("mode").asText()).isEqualTo("full");
        assertThat(members(incremental)).isEqualTo(members(full)).isNotEmpty();
        assertThat(partial.get("members").asLong()).isEqualTo(whole.get("members").asLong());
        assertThat(partial.get("entered").asLong()).isEqualTo(whole.get("entered").asLong());
        assertThat(partial.get("moved").asLong()).isEqualTo(whole.get("moved").asLong());
        assertThat(partial.get("exited").asLong()).isEqualTo(whole.get("exited").asLong());
        // only the touched clients and those near a boundary were read, not the whole base
        assertThat(partial.get("clients").asLong()).isPositive().isLessThan(whole.get("clients").asLong());
    }

    @Test
    void shouldEndIncrementalRfmByThresholdsWithTheMembershipOfAFullOneAsReceiptsLeaveTheWindow() throws IOException {
        String parameters = """
                {"mode": "thresholds", "windowDays": 90, "recencyDays": "10,30,60,90",
                 "frequencyCounts": "2,3,4,5", "monetaryRubles": "500,1000,1500,2000"}""";
        long incremental = create("RFM пороги (инкр.)", "rfm", parameters);
        long full = create("RFM пороги (полн.)", "rfm", parameters);
        refresh(incremental, FIRST, "full");
        refresh(full, FIRST, "full");

        StringBuilder day = new StringBuilder(HEADER);
        for (int i = 20; i < 23; i++) {
            day.append(line(FIRST.plus(Duration.ofDays(3)), "R-" + i, i, 900, "Продажа"));
        }
        importCsv("day-rfm.csv", day.toString());

        JsonNode partial = refresh(incremental, SECOND, "incremental");
        refresh(full, SECOND, "full");

        assertThat(partial.get("mode").asText()).isEqualTo("incremental");
        assertThat(members(incremental)).isEqualTo(members(full)).isNotEmpty();
    }

    @Test
    void shouldRefuseIncrementalRefreshOfQuintilesAndFallBackToFullByItself() {
        long quintiles = create("RFM квинтили", "rfm", "{}");
        refresh(quintiles, FIRST, "full");

        HubApiClient.Response refused = admin.post("/api/v1/segments/" + quintiles + "/refresh?mode=incremental&asOf=" + SECOND);
        JsonNode auto = refresh(quintiles, SECOND, "auto");

        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.json().get("message").asText()).contains("cannot refresh incrementally")
                .contains("relative to each other");
        assertThat(auto.get("mode").asText()).isEqualTo("full");
    }

    @Test
    void shouldRefreshInFullWhenThereIsNoEarlierRefresh() {
        long fresh = create("Жизненный цикл (новый)", "lifecycle", "{}");

        JsonNode first = refresh(fresh, FIRST, "auto");

        assertThat(first.get("mode").asText()).isEqualTo("full");
    }

    private static String line(Instant at, String receipt, int client, int amount, String operation) {
        return DATE.format(at) + ";" + receipt + ";Клиент " + client + ";8917" + String.format("%07d", client)
                + ";;Товар;1;" + amount + ";0;" + amount + ";" + operation + ";Разное\n";
    }

    private void importCsv(String name, String content) throws IOException {
        Path csv = Files.writeString(work.resolve(name), content, StandardCharsets.UTF_8);
        JsonNode imported = admin.upload("/api/v1/imports", csv).json();
        assertThat(imported.get("rejected").asInt()).as(imported.toString()).isZero();
    }

    private long create(String name, String strategy, String parameters) {
        HubApiClient.Response created = admin.postJson("/api/v1/segments",
                "{\"name\": \"" + name + "\", \"strategy\": \"" + strategy + "\", \"parameters\": " + parameters + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    private JsonNode refresh(long id, Instant asOf, String mode) {
        HubApiClient.Response r = admin.post("/api/v1/segments/" + id + "/refresh?mode=" + mode + "&asOf=" + asOf);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private Map<Long, String> members(long segmentId) {
        Map<Long, String> cells = new TreeMap<>();
        for (JsonNode m : admin.get("/api/v1/segments/" + segmentId + "/members?limit=1000").json().get("items")) {
            cells.put(m.get("clientId").asLong(), m.get("cell").asText());
        }
        return cells;
    }

    private void awaitStarted(String... ids) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            List<PluginView> plugins = registry.list();
            if (List.of(ids).stream().allMatch(id -> plugins.stream().anyMatch(p -> p.id().equals(id) && p.state() == PluginState.STARTED))) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("Plugins not started: " + plugins);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
