package org.repeatsales.hub.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
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
import org.repeatsales.hub.security.HubUsers;
import org.repeatsales.hub.security.Role;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Segments refreshed over a hand-made base imported through the ordinary import path, with the
 * bundled strategies built from plugins/ and dropped into the plugin folder at test time.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SegmentRefreshTest {

    /** 12:00 in Moscow on 30 June 2026. */
    private static final String AS_OF = "2026-06-30T09:00:00Z";

    // Days before 30.06.2026: 31.05 = 30, 30.05 = 31, 01.04 = 90, 31.03 = 91.
    private static final String BASE = """
            Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма;Вид операции;Категория
            30.06.2026 10:00;A-1;Анна;89160000001;;Хлеб;1;500;500;Продажа;Продукты
            31.05.2026 11:00;B-1;Борис;89160000002;;Сыр;1;700;700;Продажа;Продукты
            01.03.2026 12:00;C-1;Вера;89160000003;;Чай;1;300;300;Продажа;Продукты
            30.05.2026 12:00;C-2;Вера;89160000003;;Чай;1;300;300;Продажа;Продукты
            01.01.2026 09:00;D-1;Глеб;89160000004;;Кофе;1;1000;1000;Продажа;Кофе
            01.02.2026 09:00;D-2;Глеб;89160000004;;Кофе;1;1000;1000;Продажа;Кофе
            01.03.2026 09:00;D-3;Глеб;89160000004;;Кофе;1;1000;1000;Продажа;Кофе
            31.03.2026 23:30;D-4;Глеб;89160000004;;Кофе;1;1000;1000;Продажа;Кофе
            20.06.2026 15:00;E-1;Дина;89160000005;;Торт;1;1000;1000;Продажа;Продукты
            21.06.2026 15:00;E-2;Дина;89160000005;;Торт;1;1000;1000;Возврат;Продукты
            10.06.2026 10:00;F-1;Ефим;89160000006;;Вино;1;900;900;Возврат;Продукты
            15.06.2026 10:00;G-1;;;;Вода;1;50;50;Продажа;Продукты
            01.02.2026 10:00;H-1;Зоя;89160000008;;Мёд;1;200;200;Продажа;Продукты
            01.03.2026 10:00;H-2;Зоя;89160000008;;Мёд;1;200;200;Продажа;Продукты
            01.04.2026 10:00;H-3;Зоя;89160000008;;Мёд;1;200;200;Продажа;Продукты
            """;

    /** Puts every buyer into "all", and also the client id of its parameter "stranger", which it read nowhere. */
    private static final String STRANGER_STRATEGY = """
            package test.stranger;

            import java.util.List;
            import org.pf4j.Extension;
            import org.repeatsales.hub.api.Label;
            import org.repeatsales.hub.api.segment.*;

            @Extension
            public class StrangerStrategy implements SegmentationStrategy {
                public String id() { return "test-stranger"; }
                public Label name() { return Label.of("Чужой клиент", "A stranger"); }
                public List<ParameterSpec> parameters() {
                    return List.of(new ParameterSpec("stranger", ParameterType.TEXT, "", null, null, Label.of("Чужой", "Stranger")));
                }
                public List<Cell> cells(Parameters p) { return List.of(Cell.of("all", "Все", "All")); }
                public void segment(SegmentationContext ctx, ClientStream clients, SegmentAssignments out) {
                    try (ClientStream.Cursor c = clients.open()) {
                        while (c.hasNext()) {
                            ClientFacts f = c.next();
                            if (f.purchases() > 0) {
                                out.assign(f.clientId(), "all");
                            }
                        }
                    }
                    String stranger = ctx.parameters().text("stranger");
                    if (!stranger.isEmpty()) {
                        out.assign(Long.parseLong(stranger), "all");
                    }
                }
            }
            """;

    @LocalServerPort
    int port;

    @Autowired
    PluginRegistry registry;

    @Autowired
    HubUsers users;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    SegmentRefresher refresher;

    HubApiClient admin;

    @BeforeAll
    void importBaseAndDropPlugins(@TempDir Path work) throws IOException {
        admin = HubApiClient.admin(port);
        Path csv = Files.writeString(work.resolve("base.csv"), BASE, StandardCharsets.UTF_8);
        assertThat(admin.upload("/api/v1/imports", csv).json().get("rejected").asInt()).isZero();
        TestPlugins.drop(TestPlugins.build(work, "lifecycle", ">=0.2.0 & <1.0.0",
                TestPlugins.bundled("lifecycle", "LifecycleStrategy")), registry.folder());
        TestPlugins.drop(TestPlugins.build(work, "rfm", ">=0.2.0 & <1.0.0",
                TestPlugins.bundled("rfm", "RfmStrategy")), registry.folder());
        TestPlugins.drop(TestPlugins.build(work, "abc", ">=0.2.0 & <1.0.0",
                TestPlugins.bundled("abc", "AbcStrategy")), registry.folder());
        TestPlugins.drop(TestPlugins.build(work, "golden", ">=0.2.0 & <1.0.0",
                TestPlugins.bundled("golden", "GoldenStrategy")), registry.folder());
        TestPlugins.drop(TestPlugins.build(work, "halfway", ">=0.2.0",
                Map.of("test.throwing.HalfwayStrategy", TestPlugins.THROWING_REFRESH_STRATEGY)), registry.folder());
        TestPlugins.drop(TestPlugins.build(work, "stranger", ">=0.2.0",
                Map.of("test.stranger.StrangerStrategy", STRANGER_STRATEGY)), registry.folder());
        awaitStarted("lifecycle", "rfm", "abc", "golden", "halfway", "stranger");
    }

    @Test
    void shouldRefreshLifecycleSegmentIntoExactCells() {
        long id = create("Жизненный цикл", "lifecycle", "{}");

        HubApiClient.Response refresh = admin.postRaw("/api/v1/segments/" + id + "/refresh?asOf=" + AS_OF, new byte[0], "application/json");

        assertThat(refresh.status()).isEqualTo(200);
        assertThat(membersByName(id)).containsExactly(
                entry("Анна", "new-active"),        // bought today
                entry("Борис", "new-active"),       // 30 days ago: last active day
                entry("Вера", "repeat-fading"),     // 2 purchases, 31 days ago
                entry("Глеб", "regular-sleeping"),  // 4 purchases, 91 days ago (23:30 Moscow counts as 31 March)
                entry("Дина", "new-active"),        // a purchase and its refund: still one purchase
                entry("Зоя", "repeat-fading"));     // 3 purchases, 90 days ago
        // Ефим has only a refund, the anonymous receipt has no client: neither is a member
        JsonNode report = refresh.json();
        assertThat(report.get("clients").asLong()).isEqualTo(7);
        assertThat(report.get("members").asLong()).isEqualTo(6);
        assertThat(report.get("entered").asLong()).isEqualTo(6);
        assertThat(report.get("moved").asLong() + report.get("exited").asLong() + report.get("unchanged").asLong()).isZero();
    }

    @Test
    void shouldSummariseCountAndRevenuePerCell() {
        long id = create("Сводка", "lifecycle", "{}");
        admin.postRaw("/api/v1/segments/" + id + "/refresh?asOf=" + AS_OF, new byte[0], "application/json");

        JsonNode summary = admin.get("/api/v1/segments/" + id + "/summary").json();

        Map<String, String> cells = new LinkedHashMap<>();
        for (JsonNode c : summary.get("cells")) {
            cells.put(c.get("code").asText(), c.get("count").asLong() + " / " + c.get("revenue").decimalValue().stripTrailingZeros().toPlainString());
        }
        assertThat(cells).containsExactly(
                entry("new-active", "3 / 1200"), entry("new-fading", "0 / 0"), entry("new-sleeping", "0 / 0"),
                entry("repeat-active", "0 / 0"), entry("repeat-fading", "2 / 1200"), entry("repeat-sleeping", "0 / 0"),
                entry("regular-active", "0 / 0"), entry("regular-fading", "0 / 0"), entry("regular-sleeping", "1 / 4000"));
        assertThat(summary.get("total").asLong()).isEqualTo(6);
        assertThat(summary.get("cells").get(0).get("name").asText()).isEqualTo("Новые активные");
    }

    @Test
    void shouldRecordWhoEnteredMovedAndLeftWhichCell() {
        long id = create("Движение", "lifecycle", "{\"activeDays\": 30, \"fadingDays\": 90}");
        admin.postRaw("/api/v1/segments/" + id + "/refresh?asOf=" + AS_OF, new byte[0], "application/json");

        // 61 days later (30.08.2026): Анна 61 days -> fading, Борис 91 -> sleeping, Дина 71 -> fading,
        // Вера 92 -> sleeping, Зоя 151 -> sleeping, Глеб stays sleeping
        JsonNode second = admin.postRaw("/api/v1/segments/" + id + "/refresh?asOf=2026-08-30T09:00:00Z", new byte[0],
                "application/json").json();

        assertThat(second.get("moved").asLong()).isEqualTo(5);
        assertThat(second.get("unchanged").asLong()).isEqualTo(1);
        assertThat(second.get("entered").asLong()).isZero();
        assertThat(second.get("members").asLong()).isEqualTo(6);
        long anna = clientId("Анна");
        JsonNode history = admin.get("/api/v1/segments/" + id + "/movements?clientId=" + anna).json();
        assertThat(history.get("total").asLong()).isEqualTo(2);
        assertThat(history.get("items").get(0).get("from").isNull()).isTrue();
        assertThat(history.get("items").get(0).get("to").asText()).isEqualTo("new-active");
        assertThat(history.get("items").get(1).get("from").asText()).isEqualTo("new-active");
        assertThat(history.get("items").get(1).get("to").asText()).isEqualTo("new-fading");
        assertThat(membersByName(id)).contains(entry("Анна", "new-fading"), entry("Глеб", "regular-sleeping"));
    }

    @Test
    void shouldScoreRfmOverTheWindowFromReceipts() {
        long year = create("RFM", "rfm", "{}");
        long month = create("RFM 30", "rfm", "{\"windowDays\": 30}");

        admin.postRaw("/api/v1/segments/" + year + "/refresh?asOf=" + AS_OF, new byte[0], "application/json");
        admin.postRaw("/api/v1/segments/" + month + "/refresh?asOf=" + AS_OF, new byte[0], "application/json");

        // 365 days, six scored clients. R: Анна 5, Дина 5, Борис 4, Вера 3, Зоя 2, Глеб 1.
        // F: Глеб 5, Зоя 5, Вера 4, and the three one-time buyers tie at 3 (3 clients better, 5-floor(15/6)).
        // M: Глеб 5, Борис 5, Вера and Зоя tie at 4, Анна 2, Дина 1 (her refund cancels the purchase).
        assertThat(membersByName(year)).containsExactly(
                entry("Анна", "loyal"), entry("Борис", "loyal"), entry("Вера", "loyal"), entry("Глеб", "at-risk"),
                entry("Дина", "loyal"), entry("Зоя", "at-risk"));
        // 30 days from 31.05 12:00 Moscow: only Анна and Дина bought in it (Борис at 11:00 just missed it);
        // n=2, Анна R5 F5 M5, Дина R3 F5 (tie) M3; everyone who bought only before the window is lost
        assertThat(membersByName(month)).containsExactly(
                entry("Анна", "champions"), entry("Борис", "lost"), entry("Вера", "lost"), entry("Глеб", "lost"),
                entry("Дина", "loyal"), entry("Зоя", "lost"));
    }

    @Test
    void shouldClassifyAbcAndGoldenClientsFromReceipts() {
        long abc = create("ABC", "abc", "{}");
        long golden = create("Золотые", "golden", "{}");

        admin.postRaw("/api/v1/segments/" + abc + "/refresh?asOf=" + AS_OF, new byte[0], "application/json");
        admin.postRaw("/api/v1/segments/" + golden + "/refresh?asOf=" + AS_OF, new byte[0], "application/json");

        // revenue 6400: Глеб 4000 (nobody richer), Борис 700 (62.5 % richer), Вера and Зоя 600 (73.4 %)
        // are A; Анна 500 (92.2 %) is B; Дина's refund cancels her purchase, Ефим only refunded
        assertThat(membersByName(abc)).containsExactly(
                entry("Анна", "b"), entry("Борис", "a"), entry("Вера", "a"), entry("Глеб", "a"), entry("Зоя", "a"));
        // six buyers, top 20 % = at most one strictly higher: only Глеб leads revenue, frequency and check
        assertThat(membersByName(golden)).containsExactly(
                entry("Анна", "others"), entry("Борис", "others"), entry("Вера", "others"), entry("Глеб", "golden"),
                entry("Дина", "others"), entry("Зоя", "others"));
        JsonNode summary = admin.get("/api/v1/segments/" + golden + "/summary").json();
        assertThat(summary.get("cells").get(0).get("revenue").decimalValue()).isEqualByComparingTo("4000");
        assertThat(summary.get("revenue").decimalValue()).isEqualByComparingTo("6400");
    }

    @Test
    void shouldRecordClientsLeavingWhenTheyNoLongerQualify() throws IOException {
        long id = create("Уходящие", "lifecycle", "{}");
        Path csv = Files.writeString(Files.createTempFile("yuri", ".csv"), BASE.lines().findFirst().orElseThrow()
                + "\n29.06.2026 10:00;Y-1;Юрий;89160000009;;Квас;1;100;100;Продажа\n", StandardCharsets.UTF_8);
        assertThat(admin.upload("/api/v1/imports", csv).status()).isEqualTo(200);
        long yuri = clientId("Юрий");
        try {
            admin.postRaw("/api/v1/segments/" + id + "/refresh?asOf=" + AS_OF, new byte[0], "application/json");
            assertThat(membersByName(id)).containsEntry("Юрий", "new-active");

            // his only receipt goes away (as when a wrong import is undone): he no longer qualifies
            jdbc.update("delete from receipt where client_id = ?", yuri);
            jdbc.update("update client_stats set purchases = 0, revenue = 0, first_purchase_at = null, last_purchase_at = null,"
                    + " average_check = null where client_id = ?", yuri);
            JsonNode second = admin.postRaw("/api/v1/segments/" + id + "/refresh?asOf=" + AS_OF, new byte[0], "application/json").json();

            assertThat(second.get("exited").asLong()).isEqualTo(1);
            assertThat(second.get("unchanged").asLong()).isEqualTo(6);
            assertThat(second.get("members").asLong()).isEqualTo(6);
            assertThat(membersByName(id)).doesNotContainKey("Юрий");
            JsonNode history = admin.get("/api/v1/segments/" + id + "/movements?clientId=" + yuri).json();
            assertThat(history.get("items")).hasSize(2);
            assertThat(history.get("items").get(1).get("from").asText()).isEqualTo("new-active");
            assertThat(history.get("items").get(1).get("to").isNull()).isTrue();
        } finally {
            jdbc.update("delete from client where id = ?", yuri); // the other tests share the base
        }
    }

    @Test
    void shouldKeepPreviousMembershipWhenStrategyThrows() {
        long id = create("Ломается", "test-halfway", "{}");
        assertThat(admin.postRaw("/api/v1/segments/" + id + "/refresh?asOf=" + AS_OF, new byte[0], "application/json").status())
                .isEqualTo(200);
        Map<String, String> before = membersByName(id);
        List<Map<String, Object>> movementsBefore = jdbc.queryForList("select * from segment_movement where segment_id = ?", id);

        HubApiClient.Response failed = admin.postRaw("/api/v1/segments/" + id + "/refresh?asOf=2030-01-01T09:00:00Z", new byte[0],
                "application/json");

        assertThat(failed.status()).isEqualTo(422);
        assertThat(failed.json().get("status").asText()).isEqualTo("failed");
        assertThat(failed.json().get("message").asText()).isEqualTo("Strategy 'test-halfway' failed: strategy gave up halfway");
        assertThat(before).hasSize(6);
        assertThat(membersByName(id)).isEqualTo(before);
        assertThat(jdbc.queryForList("select * from segment_movement where segment_id = ?", id)).isEqualTo(movementsBefore);
        JsonNode refreshes = admin.get("/api/v1/segments/" + id + "/refreshes").json();
        assertThat(refreshes.get(0).get("status").asText()).isEqualTo("failed");
        assertThat(refreshes.get(1).get("status").asText()).isEqualTo("succeeded");
        assertThat(admin.getText("/api/v1/status").status()).isEqualTo(200);
    }

    @Test
    void shouldFailARefreshWhoseStrategyAssignsAClientItWasNotGivenAndWriteNothing() {
        long id = create("Чужой", "test-stranger", "{\"stranger\": \"4000000007\"}");

        HubApiClient.Response failed = admin.postRaw("/api/v1/segments/" + id + "/refresh?asOf=" + AS_OF, new byte[0],
                "application/json");

        assertThat(failed.status()).isEqualTo(422);
        assertThat(failed.json().get("message").asText())
                .isEqualTo("Strategy 'test-stranger' failed: Strategy 'test-stranger' assigned client 4000000007,"
                        + " which is not among the clients it was given");
        assertThat(membersByName(id)).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from segment_movement where segment_id = ?", Long.class, id)).isZero();
    }

    @Test
    void shouldRefreshTheSegmentsOfOneCycleAsEachAloneWouldAndRecordTheOneThatFails() {
        long abc = create("Цикл: ABC", "abc", "{}");
        long golden = create("Цикл: золотые", "golden", "{}");
        long failing = create("Цикл: чужой", "test-stranger", "{\"stranger\": \"4000000009\"}");
        long rfm = create("Цикл: RFM", "rfm", "{}");

        List<SegmentRefresher.Outcome> outcomes = refresher.refreshAll(List.of(rfm, failing, abc, golden), Instant.parse(AS_OF));

        assertThat(outcomes).extracting(SegmentRefresher.Outcome::segmentId).containsExactly(abc, golden, failing, rfm);
        assertThat(outcomes.get(2).refresh()).isNull();
        assertThat(outcomes.get(2).failure().refresh().message()).contains("assigned client 4000000009");
        assertThat(membersByName(failing)).isEmpty();
        for (int i : List.of(0, 1, 3)) {
            assertThat(outcomes.get(i).failure()).isNull();
            assertThat(outcomes.get(i).refresh().status()).isEqualTo("succeeded");
        }
        // each of them refreshed alone, as before there were cycles
        Map<Long, String> strategies = Map.of(abc, "abc", golden, "golden", rfm, "rfm");
        for (var e : strategies.entrySet()) {
            long alone = create("Один: " + e.getValue(), e.getValue(), "{}");
            assertThat(admin.postRaw("/api/v1/segments/" + alone + "/refresh?asOf=" + AS_OF, new byte[0], "application/json")
                    .status()).isEqualTo(200);
            assertThat(membersByName(e.getKey())).as(e.getValue()).isNotEmpty().isEqualTo(membersByName(alone));
        }
    }

    @Test
    void shouldRefuseBadParametersNamingTheParameter() {
        HubApiClient.Response negative = admin.postJson("/api/v1/segments",
                "{\"name\": \"x\", \"strategy\": \"lifecycle\", \"parameters\": {\"activeDays\": -5}}");
        HubApiClient.Response order = admin.postJson("/api/v1/segments",
                "{\"name\": \"x\", \"strategy\": \"lifecycle\", \"parameters\": {\"activeDays\": 60, \"fadingDays\": 30}}");
        HubApiClient.Response unknown = admin.postJson("/api/v1/segments",
                "{\"name\": \"x\", \"strategy\": \"no-such\", \"parameters\": {}}");

        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().get("message").asText()).isEqualTo("Parameter 'activeDays': must be at least 0, got -5");
        assertThat(order.status()).isEqualTo(400);
        assertThat(order.json().get("message").asText()).isEqualTo("Parameter 'fadingDays': must be greater than activeDays (60), got 30");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("message").asText()).startsWith("Parameter 'strategy': no started plugin offers 'no-such'");
    }

    @Test
    void shouldPageMembersAndLetAnalystsReadButNotChangeSegments() {
        long id = create("Страницы", "lifecycle", "{}");
        admin.postRaw("/api/v1/segments/" + id + "/refresh?asOf=" + AS_OF, new byte[0], "application/json");
        users.create("analyst-s", "analyst-pass", Role.ANALYST);
        HubApiClient analyst = HubApiClient.basic(port, "analyst-s", "analyst-pass");

        JsonNode page = analyst.get("/api/v1/segments/" + id + "/members?offset=2&limit=2").json();
        JsonNode cell = analyst.get("/api/v1/segments/" + id + "/members?cell=new-active").json();

        assertThat(page.get("total").asLong()).isEqualTo(6);
        assertThat(page.get("items")).hasSize(2);
        assertThat(page.get("items").get(0).get("name").asText()).isEqualTo("Вера");
        assertThat(cell.get("total").asLong()).isEqualTo(3);
        assertThat(analyst.postRaw("/api/v1/segments/" + id + "/refresh", new byte[0], "application/json").status()).isEqualTo(403);
        assertThat(analyst.postJson("/api/v1/segments", "{\"name\": \"x\", \"strategy\": \"lifecycle\"}").status()).isEqualTo(403);
        assertThat(analyst.get("/api/v1/segments").json().size()).isPositive();
    }

    @Test
    void shouldExportMembersAsCsvAndRefuseTheExportToAnalysts() {
        long id = create("Выгрузка", "lifecycle", "{}");
        admin.postRaw("/api/v1/segments/" + id + "/refresh?asOf=" + AS_OF, new byte[0], "application/json");
        users.create("analyst-csv", "analyst-pass", Role.ANALYST);

        String full = admin.get("/api/v1/segments/" + id + "/members.csv").body();
        String cell = admin.get("/api/v1/segments/" + id + "/members.csv?cell=regular-sleeping").body();
        HubApiClient.Response analyst = HubApiClient.basic(port, "analyst-csv", "analyst-pass").get("/api/v1/segments/" + id + "/members.csv");

        assertThat(full.lines().toList()).hasSize(7);
        assertThat(full.lines().findFirst().orElseThrow()).startsWith("\uFEFFКлиент;Имя;Телефон;E-mail;Ячейка;Код ячейки");
        assertThat(full).contains(";Анна;+79160000001;;Новые активные;new-active;");
        assertThat(cell.lines().skip(1).toList()).singleElement().asString().contains(";Глеб;", ";4000,00;");
        // analysts read dashboards and masked lists; taking the base away as a file is not theirs to do
        assertThat(analyst.status()).isEqualTo(403);
        assertThat(analyst.body()).doesNotContain("+79160000001", "Анна");
    }

    @Test
    void shouldSelectClientsByRulesCompiledToSql() {
        long lifecycle = create("Для правил", "lifecycle", "{}");
        admin.postRaw("/api/v1/segments/" + lifecycle + "/refresh?asOf=" + AS_OF, new byte[0], "application/json");
        long repeatRecent = create("Повторные за 90 дней", "rules", """
                {"rule": {"all": [{"field": "purchases", "min": 2}, {"field": "daysSinceLastPurchase", "max": 90}]}}""");
        long coffeeOrNothing = create("Кофе или без выручки", "rules", """
                {"rule": {"any": [{"field": "boughtCategory", "category": "кофе", "withinDays": 365},
                                  {"not": {"field": "revenue", "min": 1}}]}}""");
        long sleepingRegulars = create("Из ячейки", "rules",
                "{\"rule\": {\"field\": \"inSegment\", \"segment\": " + lifecycle + ", \"cell\": \"regular-sleeping\"}}");

        for (long id : List.of(repeatRecent, coffeeOrNothing, sleepingRegulars)) {
            assertThat(admin.postRaw("/api/v1/segments/" + id + "/refresh?asOf=" + AS_OF, new byte[0], "application/json").status())
                    .isEqualTo(200);
        }

        // Вера: 2 purchases 31 days ago, Зоя: 3 purchases 90 days ago; Глеб's last is 91 days ago
        assertThat(membersByName(repeatRecent)).containsExactly(entry("Вера", "match"), entry("Зоя", "match"));
        // Глеб bought coffee; Дина (purchase refunded, 0) and Ефим (only a refund, -900) have no revenue
        assertThat(membersByName(coffeeOrNothing)).containsOnlyKeys("Глеб", "Дина", "Ефим");
        assertThat(membersByName(sleepingRegulars)).containsOnlyKeys("Глеб");
        assertThat(admin.get("/api/v1/segments/" + repeatRecent + "/summary").json().get("cells").get(0).get("name").asText())
                .isEqualTo("Подходят под условия");
    }

    @Test
    void shouldPreviewBirthdaysWithinDaysAcrossTheYearEnd() {
        jdbc.update("update client set birthday = '1990-07-03' where name = 'Анна'");   // in 3 days
        jdbc.update("update client set birthday = '1985-06-29' where name = 'Борис'");  // yesterday: 364 days away
        jdbc.update("update client set birthday = '1970-01-02' where name = 'Глеб'");

        JsonNode summer = admin.postJson("/api/v1/segments/preview",
                "{\"rule\": {\"field\": \"birthdayWithinDays\", \"days\": 7}, \"asOf\": \"" + AS_OF + "\"}").json();
        JsonNode newYear = admin.postJson("/api/v1/segments/preview",
                "{\"rule\": {\"field\": \"birthdayWithinDays\", \"days\": 3}, \"asOf\": \"2026-12-30T09:00:00Z\"}").json();

        assertThat(summer.get("count").asLong()).isEqualTo(1);
        assertThat(summer.get("sample").get(0).get("name").asText()).isEqualTo("Анна");
        assertThat(newYear.get("count").asLong()).isEqualTo(1);
        assertThat(newYear.get("sample").get(0).get("name").asText()).isEqualTo("Глеб");
    }

    @Test
    void shouldRefuseBadRulesNamingThePart() {
        HubApiClient.Response noBounds = admin.postJson("/api/v1/segments",
                "{\"name\": \"x\", \"strategy\": \"rules\", \"parameters\": {\"rule\": {\"all\": [{\"field\": \"purchases\"}]}}}");
        HubApiClient.Response reversed = admin.postJson("/api/v1/segments/preview",
                "{\"rule\": {\"field\": \"daysSinceLastPurchase\", \"min\": 30, \"max\": 10}}");
        HubApiClient.Response unknown = admin.postJson("/api/v1/segments/preview", "{\"rule\": {\"field\": \"shoeSize\", \"min\": 1}}");

        assertThat(noBounds.status()).isEqualTo(400);
        assertThat(noBounds.json().get("message").asText()).isEqualTo("Parameter 'rule.all[0](purchases)': needs min, max or both");
        assertThat(reversed.json().get("message").asText()).isEqualTo("Parameter 'rule(daysSinceLastPurchase).max': must not be below min 30");
        assertThat(unknown.json().get("message").asText()).startsWith("Parameter 'rule.field': unknown 'shoeSize'");
    }

    private long create(String name, String strategy, String parameters) {
        HubApiClient.Response created = admin.postJson("/api/v1/segments",
                "{\"name\": \"" + name + "\", \"strategy\": \"" + strategy + "\", \"parameters\": " + parameters + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    private Map<String, String> membersByName(long id) {
        Map<String, String> result = new TreeMap<>();
        for (JsonNode m : admin.get("/api/v1/segments/" + id + "/members?limit=1000").json().get("items")) {
            result.put(m.get("name").asText(), m.get("cell").asText());
        }
        return result;
    }

    private long clientId(String name) {
        return jdbc.queryForObject("select id from client where name = ?", Long.class, name);
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
