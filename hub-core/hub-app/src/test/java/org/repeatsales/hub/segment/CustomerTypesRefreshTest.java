package org.repeatsales.hub.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import javax.sql.DataSource;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.api.segment.ClientFacts;
import org.repeatsales.hub.api.segment.ClientStream;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.PluginView;
import org.repeatsales.hub.plugin.TestPlugins;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The customer-types plugin, built from plugins/customer-types at test time, refreshed over a small
 * imported base: month mask (in the business time zone) and discounted receipts come from the
 * receipts through the store's client stream. Its own context, so its own database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false",
                "hub.timezone=Europe/Moscow"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomerTypesRefreshTest {

    /** 12:00 in Moscow on 30 June 2026; the year's window starts 30.06.2025 12:00 Moscow. */
    private static final String AS_OF = "2026-06-30T09:00:00Z";

    // Анна: 4 months, one discounted receipt of 4 -> regular (regularMonths=4).
    // Борис: both receipts discounted -> discount buyer (would be seasonal too: discount comes first).
    // Вера: 01.05 01:00 Moscow is 30.04 in UTC; in Moscow her months are May and June -> seasonal
    //   (seasonalMonths=2); read in UTC they would be three months and she would be "other".
    // Глеб: one purchase and a refund -> other. Ефим: 3 months, 1 of 3 discounted -> other.
    // Дина bought only before the window: not a member.
    private static final String BASE = """
            Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Скидка;Сумма;Вид операции;Категория
            15.01.2026 10:00;A-1;Анна;89160000001;;Хлеб;1;500;0;500;Продажа;Продукты
            15.02.2026 10:00;A-2;Анна;89160000001;;Хлеб;1;500;0;500;Продажа;Продукты
            15.03.2026 10:00;A-3;Анна;89160000001;;Хлеб;1;500;0;500;Продажа;Продукты
            15.04.2026 10:00;A-4;Анна;89160000001;;Хлеб;1;500;50;450;Продажа;Продукты
            10.06.2026 10:00;B-1;Борис;89160000002;;Сыр;1;1000;100;900;Продажа;Продукты
            20.06.2026 10:00;B-2;Борис;89160000002;;Сыр;1;1000;100;900;Продажа;Продукты
            01.05.2026 01:00;C-1;Вера;89160000003;;Чай;1;300;0;300;Продажа;Продукты
            20.05.2026 12:00;C-2;Вера;89160000003;;Чай;1;300;0;300;Продажа;Продукты
            10.06.2026 12:00;C-3;Вера;89160000003;;Чай;1;300;0;300;Продажа;Продукты
            01.06.2026 09:00;D-1;Глеб;89160000004;;Кофе;1;1000;0;1000;Продажа;Кофе
            02.06.2026 09:00;D-2;Глеб;89160000004;;Кофе;1;1000;0;1000;Возврат;Кофе
            01.05.2025 10:00;E-1;Дина;89160000005;;Торт;1;1000;0;1000;Продажа;Продукты
            01.07.2025 10:00;F-1;Ефим;89160000006;;Вино;1;900;90;810;Продажа;Продукты
            01.08.2025 10:00;F-2;Ефим;89160000006;;Вино;1;900;0;900;Продажа;Продукты
            01.09.2025 10:00;F-3;Ефим;89160000006;;Вино;1;900;0;900;Продажа;Продукты
            """;

    @LocalServerPort
    int port;

    @Autowired
    PluginRegistry registry;

    @Autowired
    DataSource dataSource;

    HubApiClient admin;

    @BeforeAll
    void importBaseAndDropPlugin(@TempDir Path work) throws IOException {
        admin = HubApiClient.admin(port);
        Path csv = Files.writeString(work.resolve("base.csv"), BASE, StandardCharsets.UTF_8);
        JsonNode imported = admin.upload("/api/v1/imports", csv).json();
        assertThat(imported.get("rejected").asInt()).as(imported.toString()).isZero();
        TestPlugins.drop(TestPlugins.build(work, "customer-types", ">=0.5.0 & <1.0.0",
                TestPlugins.bundled("customer-types", "customertypes", "CustomerTypesStrategy")), registry.folder());
        awaitStarted("customer-types");
    }

    @Test
    void shouldRefreshCustomerTypesFromReceiptMonthsAndDiscounts() {
        HubApiClient.Response created = admin.postJson("/api/v1/segments",
                "{\"name\": \"Типы\", \"strategy\": \"customer-types\", \"parameters\": {\"regularMonths\": 4, \"seasonalMonths\": 2}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();

        HubApiClient.Response refresh = admin.postRaw("/api/v1/segments/" + id + "/refresh?asOf=" + AS_OF, new byte[0],
                "application/json");

        assertThat(refresh.status()).as(refresh.body()).isEqualTo(200);
        Map<String, String> members = new TreeMap<>();
        for (JsonNode m : admin.get("/api/v1/segments/" + id + "/members?limit=1000").json().get("items")) {
            members.put(m.get("name").asText(), m.get("cell").asText());
        }
        assertThat(members).containsExactly(
                entry("Анна", "regular"), entry("Борис", "discount"), entry("Вера", "seasonal"),
                entry("Глеб", "other"), entry("Ефим", "other"));
        JsonNode summary = admin.get("/api/v1/segments/" + id + "/summary").json();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (JsonNode c : summary.get("cells")) {
            counts.put(c.get("name").asText(), c.get("count").asLong());
        }
        assertThat(counts).containsExactly(entry("Постоянные", 1L), entry("Покупатели скидок", 1L),
                entry("Сезонные", 1L), entry("Остальные покупатели за год", 2L));
        assertThat(summary.get("total").asLong()).isEqualTo(5);
    }

    @Test
    void shouldHandOutFromTheSpoolWhatAPassOverTheStoreHandsOutAndZerosForWhatWasNotAskedFor(@TempDir Path spoolDir)
            throws SQLException, IOException {
        Instant windowStart = Instant.parse(AS_OF).minus(Duration.ofDays(365));
        try (Connection c = dataSource.getConnection(); ClientSpool spool = new ClientSpool(spoolDir)) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                WindowSums windows = new WindowSums(c, ZoneId.of("Europe/Moscow"));
                windows.withPattern(windowStart);
                // the store, with the pattern summed for whoever needs it; the first pass spools
                List<ClientFacts> store = pass(new StoreClientStream(c, windowStart, ZoneId.of("Europe/Moscow"), 2, true, null,
                        windows, spool));
                assertThat(store).hasSize(6);
                assertThat(store).anySatisfy(f -> assertThat(f.windowDiscountedPurchases()).isEqualTo(2));
                assertThat(store).anySatisfy(f -> assertThat(f.windowMonths()).isNotZero());
                try (var files = Files.list(spoolDir)) {
                    assertThat(files.count()).isEqualTo(1);
                }

                StoreClientStream fromSpool = new StoreClientStream(c, windowStart, ZoneId.of("Europe/Moscow"), 2, true, null,
                        windows, spool);
                assertThat(pass(fromSpool)).isEqualTo(store);
                assertThat(fromSpool.given().contains(store.get(0).clientId())).isTrue();

                // a strategy without the pattern, and one without a window, get zeros for them from the same spool
                assertThat(pass(new StoreClientStream(c, windowStart, ZoneId.of("Europe/Moscow"), 2, false, null, windows, spool)))
                        .isEqualTo(store.stream().map(f -> new ClientFacts(f.clientId(), f.purchases(), f.refunds(), f.revenue(),
                                f.averageCheck(), f.firstPurchaseAt(), f.lastPurchaseAt(), f.windowPurchases(), f.windowRevenue(),
                                0, 0)).toList());
                List<ClientFacts> noWindow = pass(new StoreClientStream(c, null, ZoneId.of("Europe/Moscow"), 2, false, null, windows,
                        spool));
                assertThat(noWindow).isEqualTo(pass(new StoreClientStream(c, null, ZoneId.of("Europe/Moscow"), 2, false, null,
                        windows, null)));
                assertThat(noWindow).allSatisfy(f -> assertThat(f.windowPurchases()).isZero());
            } finally {
                c.rollback();
            }
        }
        try (var files = Files.list(spoolDir)) {
            assertThat(files.count()).as("the spool's files are deleted with it").isZero();
        }
    }

    @Test
    void shouldFindEachReceiptsMonthInTheBusinessZoneAsConvertingItsTimeWould() throws SQLException {
        Instant windowStart = Instant.parse(AS_OF).minus(Duration.ofDays(365));
        for (String zone : List.of("Europe/Moscow", "America/New_York", "Asia/Kamchatka", "UTC")) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (var st = c.createStatement()) {
                    st.execute(StoreClientStream.windowTable("months_by_search", windowStart, true, ZoneId.of(zone)));
                    try (var rs = st.executeQuery("""
                            select count(*) filter (where s.months is distinct from x.months), count(*) from months_by_search s
                            join (select client_id, (bit_or(1 << (extract(month from purchased_at at time zone '%s')::int - 1))
                                                      filter (where not is_refund))::int as months
                                  from receipt where client_id is not null and purchased_at >= timestamptz '%s'
                                  group by client_id) x using (client_id)
                            """.formatted(zone, windowStart))) {
                        rs.next();
                        assertThat(rs.getLong(1)).as(zone).isZero();
                        assertThat(rs.getLong(2)).as(zone).isEqualTo(5);
                    }
                } finally {
                    c.rollback();
                }
            }
        }
    }

    @Test
    void shouldNotSpoolAPassTheStrategyLeftBeforeItsEnd(@TempDir Path spoolDir) throws SQLException {
        try (Connection c = dataSource.getConnection(); ClientSpool spool = new ClientSpool(spoolDir)) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                WindowSums windows = new WindowSums(c, ZoneId.of("Europe/Moscow"));
                StoreClientStream stream = new StoreClientStream(c, null, ZoneId.of("Europe/Moscow"), 2, false, null, windows, spool);
                try (ClientStream.Cursor cursor = stream.open()) {
                    cursor.next();
                }
                assertThat(spool.serve(null, false, new GivenClients())).isNull();
                assertThat(pass(stream)).hasSize(6);
                assertThat(spool.serve(null, false, new GivenClients())).isNotNull();
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void shouldReadTheStoreEveryPassWhenTheSpoolCannotBeWritten(@TempDir Path work) throws SQLException, IOException {
        // a file where the spool's folder should be: no spool file can be made there
        Path notAFolder = Files.writeString(work.resolve("tmp"), "");
        try (Connection c = dataSource.getConnection(); ClientSpool spool = new ClientSpool(notAFolder)) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                StoreClientStream stream = new StoreClientStream(c, null, ZoneId.of("Europe/Moscow"), 2, false, null,
                        new WindowSums(c, ZoneId.of("Europe/Moscow")), spool);
                List<ClientFacts> first = pass(stream);
                assertThat(first).hasSize(6);
                assertThat(spool.serve(null, false, new GivenClients())).isNull();
                assertThat(pass(stream)).isEqualTo(first);
            } finally {
                c.rollback();
            }
        }
    }

    private static List<ClientFacts> pass(StoreClientStream stream) {
        List<ClientFacts> facts = new ArrayList<>();
        try (ClientStream.Cursor cursor = stream.open()) {
            cursor.forEachRemaining(facts::add);
        }
        return facts;
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
