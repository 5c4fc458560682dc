package org.repeatsales.hub.sources;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.StoreAssertions;
import org.repeatsales.hub.routes.sources.PollOutcome;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A 1C base played by WireMock, answering like the published Бухгалтерия 3.0 samples. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OneCSourcePollTest {

    private static final String SECRET = "s3cret-Пароль-1c";
    private static final String ID = "onec-test";
    private static final String DOCUMENTS = "/buh/odata/standard.odata/" + encode("Document_РеализацияТоваровУслуг");
    private static final String CLIENT = "b7569bcd-f670-11ea-8591-000c29b45b09";
    private static final String COUNTERPARTIES = "/buh/odata/standard.odata/" + encode("Catalog_Контрагенты");
    private static final String ITEMS = "/buh/odata/standard.odata/" + encode("Catalog_Номенклатура");
    private static final String ITEM = "2d4fe75f-48a4-11ec-ad72-000c29b45b09";
    private static final String GROUP = "1a2b3c4d-48a4-11ec-ad72-000c29b45b09";

    static final WireMockServer onec = LiveSourceTests.startedPeer();

    @DynamicPropertySource
    static void source(DynamicPropertyRegistry registry) {
        String p = LiveSourceTests.instance(registry, ID, "onec-odata", onec, "/buh");
        registry.add(p + "user", () -> "odata");
        registry.add(p + "password-env", () -> "HUB_TEST_1C_PASSWORD");
        registry.add("HUB_TEST_1C_PASSWORD", () -> SECRET);
        registry.add(p + "page-size", () -> "2");
        registry.add(p + "overlap", () -> "1h");
    }

    @AfterAll
    static void stop() {
        onec.stop();
    }

    @Autowired
    LiveSources sources;

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    @BeforeEach
    void reset() {
        onec.resetAll();
        LiveSourceTests.emptyStore(jdbc);
        reStubCounterparty();
    }

    @Test
    void shouldNotDuplicateReceiptsWhenPolledTwice() {
        pages(List.of(doc("a", "2025-01-05T10:00:00", 500), doc("b", "2025-01-05T11:00:00", 300)),
                List.of(doc("c", "2025-01-05T12:00:00", 200)));

        assertThat(poll().succeeded()).isTrue();
        PollOutcome second = poll();

        assertThat(second.succeeded()).isTrue();
        assertThat(count("select count(*) from receipt")).isEqualTo(3);
        assertThat(count("select unchanged from import_run where id = " + second.runId())).isEqualTo(3);
        assertThat(count("select inserted from import_run where id = " + second.runId())).isZero();
        assertThat(jdbc.queryForObject("select purchases from client_stats", Integer.class)).isEqualTo(3);
        StoreAssertions.assertStatsExact(jdbc);
        StoreAssertions.assertRunsAddUp(jdbc);
    }

    @Test
    void shouldStoreEveryDocumentWhenPagesAreFull() {
        pages(List.of(doc("a", "2025-01-05T10:00:00", 500), doc("b", "2025-01-05T11:00:00", 300)),
                List.of(doc("c", "2025-01-05T12:00:00", 200), doc("d", "2025-01-05T12:00:00", 100)),
                List.of());

        assertThat(poll().succeeded()).isTrue();

        assertThat(count("select count(*) from receipt")).isEqualTo(4);
        onec.verify(getRequestedFor(urlPathEqualTo(DOCUMENTS)).withQueryParam("$skip", equalTo("4"))
                .withQueryParam("$top", equalTo("2")).withQueryParam("$orderby", equalTo("Date,Ref_Key")));
        assertThat(watermark()).isEqualTo("2025-01-05T12:00");
    }

    @Test
    void shouldStartNextPollOneOverlapWindowBeforeTheWatermark() {
        pages(List.of(doc("a", "2025-01-05T10:00:00", 500)));
        poll();
        onec.resetRequests();

        poll();

        List<LoggedRequest> requests = onec.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS)));
        assertThat(requests).isNotEmpty();
        assertThat(requests.get(0).queryParameter("$filter").firstValue()).isEqualTo("Date ge datetime'2025-01-05T09:00:00'");
    }

    @Test
    void shouldRetryServerErrorAndRecoverWithinThePoll() {
        onec.stubFor(get(urlPathEqualTo(DOCUMENTS)).inScenario("outage").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("up"));
        onec.stubFor(get(urlPathEqualTo(DOCUMENTS)).inScenario("outage").whenScenarioStateIs("up")
                .willReturn(okJson(page(List.of(doc("a", "2025-01-05T10:00:00", 500))))));

        PollOutcome outcome = poll();

        assertThat(outcome.succeeded()).isTrue();
        assertThat(count("select count(*) from receipt")).isEqualTo(1);
        assertThat(state("state")).isEqualTo("ok");
    }

    @Test
    void shouldMarkSourceFailingAfterRetriesAndResumeFromTheStoredWatermark() {
        stubPage(0, page(List.of(doc("a", "2025-01-05T10:00:00", 500), doc("b", "2025-01-05T11:00:00", 300))));
        onec.stubFor(get(urlPathEqualTo(DOCUMENTS)).withQueryParam("$skip", equalTo("2")).willReturn(aResponse().withStatus(503)));

        PollOutcome failed = poll();

        assertThat(failed.succeeded()).isFalse();
        assertThat(onec.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS)).withQueryParam("$skip", equalTo("2")))).hasSize(3);
        assertThat(state("state")).isEqualTo("failing");
        assertThat(count("select consecutive_failures from source_state")).isEqualTo(1);
        assertThat(state("last_error")).contains("503");
        assertThat(watermark()).isEqualTo("2025-01-05T11:00");
        assertThat(count("select count(*) from receipt")).isEqualTo(2);

        onec.resetAll();
        reset();
        pages(List.of(doc("b", "2025-01-05T11:00:00", 300), doc("c", "2025-01-05T12:00:00", 200)), List.of());
        jdbc.update("insert into source_state (source_id, kind, watermark, consecutive_failures, state)"
                + " values (?, 'onec-odata', '2025-01-05T11:00', 1, 'failing')", ID);
        PollOutcome recovered = poll();

        assertThat(recovered.succeeded()).isTrue();
        assertThat(onec.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS))).get(0).queryParameter("$filter").firstValue())
                .isEqualTo("Date ge datetime'2025-01-05T10:00:00'");
        assertThat(state("state")).isEqualTo("ok");
        assertThat(count("select consecutive_failures from source_state")).isZero();
    }

    @Test
    void shouldFailAtOnceNamingTheCredentialWhenUnauthorized() {
        onec.stubFor(get(urlPathEqualTo(DOCUMENTS)).willReturn(aResponse().withStatus(401)));

        PollOutcome outcome = poll();

        assertThat(outcome.succeeded()).isFalse();
        assertThat(onec.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS)))).hasSize(1);
        assertThat(state("last_error")).contains("HUB_TEST_1C_PASSWORD").doesNotContain(SECRET);
        assertThat(jdbc.queryForObject("select message from import_run", String.class)).contains("HUB_TEST_1C_PASSWORD");
    }

    @Test
    void shouldStoreNothingOfMalformedPageAndKeepItsRawResponse() {
        stubPage(0, page(List.of(doc("a", "2025-01-05T10:00:00", 500), doc("b", "2025-01-05T11:00:00", 300))));
        stubPage(2, "{\"value\": [" + doc("c", "2025-01-05T12:00:00", 200) + ", {\"Ref_Key\": ");

        PollOutcome outcome = poll();

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.message()).contains("Document_РеализацияТоваровУслуг").contains("страница 2");
        assertThat(jdbc.queryForList("select natural_key from receipt order by 1", String.class)).hasSize(2);
        Map<String, Object> raw = jdbc.queryForMap("select entity, page, body from source_raw_response");
        assertThat(raw.get("page")).isEqualTo(2);
        assertThat((String) raw.get("body")).contains("\"Ref_Key\": ");
        assertThat(watermark()).isEqualTo("2025-01-05T11:00");
    }

    @Test
    void shouldRemoveReceiptMarkedForDeletionFromStats() {
        pages(List.of(doc("a", "2025-01-05T10:00:00", 500), doc("b", "2025-01-05T11:00:00", 300)), List.of());
        poll();
        onec.resetAll();
        reStubCounterparty();
        pages(List.of(doc("a", "2025-01-05T10:00:00", 500).replace("\"DeletionMark\": false", "\"DeletionMark\": true"),
                doc("b", "2025-01-05T11:00:00", 300)), List.of());

        assertThat(poll().succeeded()).isTrue();

        assertThat(count("select count(*) from receipt")).isEqualTo(1);
        assertThat(jdbc.queryForObject("select revenue from client_stats", java.math.BigDecimal.class)).isEqualByComparingTo("300");
        StoreAssertions.assertStatsExact(jdbc);
    }

    @Test
    void shouldAttachReceiptsToTheCounterpartyPhone() {
        pages(List.of(doc("a", "2025-01-05T10:00:00", 500)));

        poll();

        assertThat(jdbc.queryForObject("select phone from client", String.class)).isEqualTo("+79169000000".replace("9000000", "0001122"));
        assertThat(onec.findAll(getRequestedFor(urlPathEqualTo(COUNTERPARTIES)))).singleElement()
                .satisfies(r -> assertThat(r.queryParameter("$filter").firstValue()).isEqualTo("Ref_Key eq guid'" + CLIENT + "'"));
    }

    @Test
    void shouldNameGoodsLinesFromTheItemCatalogWithTheirGroupAsCategory() {
        pages(List.of(doc("a", "2025-01-05T10:00:00", 500), doc("b", "2025-01-05T11:00:00", 300)), List.of());

        assertThat(poll().succeeded()).isTrue();

        assertThat(jdbc.queryForList("select item || ' / ' || category from receipt_line", String.class))
                .containsExactly("Кофе зерновой 1 кг / Кофе", "Кофе зерновой 1 кг / Кофе");
        // the item once, then its group once, for the whole poll
        assertThat(onec.findAll(getRequestedFor(urlPathEqualTo(ITEMS)))).extracting(r -> r.queryParameter("$filter").firstValue())
                .containsExactly("Ref_Key eq guid'" + ITEM + "'", "Ref_Key eq guid'" + GROUP + "'");
    }

    @Test
    void shouldAskForManyCounterpartiesInOneRequest() {
        String other = "c8670cde-f670-11ea-8591-000c29b45b09";
        onec.stubFor(get(urlPathEqualTo(COUNTERPARTIES)).willReturn(okJson("{\"value\": [" + counterparty(CLIENT, "+7 916 000-11-22")
                + "," + counterparty(other, "+7 916 000-33-44") + "]}")));
        pages(List.of(doc("a", "2025-01-05T10:00:00", 500), doc("b", "2025-01-05T11:00:00", 300).replace(CLIENT, other)), List.of());

        assertThat(poll().succeeded()).isTrue();

        assertThat(onec.findAll(getRequestedFor(urlPathEqualTo(COUNTERPARTIES)))).singleElement()
                .satisfies(r -> assertThat(r.queryParameter("$filter").firstValue())
                        .isEqualTo("Ref_Key eq guid'" + CLIENT + "' or Ref_Key eq guid'" + other + "'"));
        assertThat(jdbc.queryForList("select phone from client order by 1", String.class))
                .containsExactly("+79160001122", "+79160003344");
    }

    @Test
    void shouldListSourceStateWithoutSecretsAndPollOnDemand() {
        pages(List.of(doc("a", "2025-01-05T10:00:00", 500)));

        HubApiClient.Response polled = HubApiClient.admin(port).post("/api/v1/sources/" + ID + "/poll");
        HubApiClient.Response listed = HubApiClient.admin(port).get("/api/v1/sources");

        assertThat(polled.status()).isEqualTo(200);
        assertThat(listed.json().get(0).get("id").asText()).isEqualTo(ID);
        assertThat(listed.json().get(0).get("state").asText()).isEqualTo("ok");
        assertThat(listed.json().get(0).get("rowsLastRun").asLong()).isEqualTo(1);
        assertThat(listed.json().get(0).get("watermark").asText()).isEqualTo("2025-01-05T10:00");
        assertThat(listed.body()).doesNotContain(SECRET);
    }

    private PollOutcome poll() {
        return sources.poll(ID, "test");
    }

    /** The catalogs the documents point to, answering batched {@code $filter=Ref_Key eq guid'...'} requests. */
    private void reStubCounterparty() {
        onec.stubFor(get(urlPathEqualTo(COUNTERPARTIES)).willReturn(okJson("{\"value\": [" + counterparty(CLIENT, "+7 916 000-11-22") + "]}")));
        onec.stubFor(get(urlPathEqualTo(ITEMS)).withQueryParam("$filter", containing(ITEM))
                .willReturn(okJson("{\"value\": [" + item(ITEM, "Кофе зерновой 1 кг", GROUP) + "]}")));
        onec.stubFor(get(urlPathEqualTo(ITEMS)).withQueryParam("$filter", containing(GROUP)).willReturn(okJson(
                "{\"value\": [" + item(GROUP, "Кофе", null).replace("\"IsFolder\": false", "\"IsFolder\": true") + "]}")));
    }

    private static String item(String key, String name, String group) {
        return """
                {"Ref_Key": "%s", "DataVersion": "AAAAAgAAAAA=", "DeletionMark": false, "Parent_Key": "%s", "IsFolder": false,
                 "Code": "00-00000012", "Description": "%s", "НаименованиеПолное": "%s", "Артикул": "",
                 "ЕдиницаИзмерения_Key": "bd72d8f7-e901-11ea-8591-000c29b45b09", "Услуга": false}
                """.formatted(key, group == null ? "00000000-0000-0000-0000-000000000000" : group, name, name);
    }

    @SafeVarargs
    private void pages(List<String>... pages) {
        for (int i = 0; i < pages.length; i++) {
            stubPage(i * 2, page(pages[i]));
        }
    }

    private void stubPage(int skip, String body) {
        onec.stubFor(get(urlPathEqualTo(DOCUMENTS)).withQueryParam("$skip", equalTo(String.valueOf(skip)))
                .withQueryParam("$format", equalTo("json"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json;charset=utf-8").withBody(body)));
    }

    private int count(String sql) {
        return LiveSourceTests.count(jdbc, sql);
    }

    private String state(String column) {
        return jdbc.queryForObject("select " + column + " from source_state where source_id = ?", String.class, ID);
    }

    private String watermark() {
        return state("watermark");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String page(List<String> docs) {
        return "{\"odata.metadata\": \"http://1c/buh/odata/standard.odata/$metadata#Document_РеализацияТоваровУслуг\","
                + " \"value\": [" + String.join(",", docs) + "]}";
    }

    /** A document shaped like the Бухгалтерия 3.0 sample: local time, zero GUIDs, goods and empty services. */
    private static String doc(String n, String date, int amount) {
        String key = String.format("8b9660f%s-6332-11ec-ad72-000c29b45b09", n);
        return """
                {"Ref_Key": "%1$s", "DataVersion": "AAAACgAAAAA=", "DeletionMark": false, "Number": "0000-00000%2$s",
                 "Date": "%3$s", "Posted": true, "ВидОперации": "Товары",
                 "Организация_Key": "87fa6cc2-e901-11ea-8591-000c29b45b09",
                 "ПодразделениеОрганизации_Key": "00000000-0000-0000-0000-000000000000",
                 "Контрагент_Key": "%5$s", "СуммаДокумента": %4$d, "ДоверенностьДата": "0001-01-01T00:00:00",
                 "Товары": [{"Ref_Key": "%1$s", "LineNumber": "1", "Номенклатура_Key": "2d4fe75f-48a4-11ec-ad72-000c29b45b09",
                   "Количество": 1, "Цена": %4$d, "Сумма": %4$d, "СтавкаНДС": "НДС20", "СуммаНДС": 0,
                   "НомерГТД_Key": "00000000-0000-0000-0000-000000000000"}],
                 "ВозвратнаяТара": [], "Услуги": [],
                 "Контрагент@navigationLinkUrl": "Document_РеализацияТоваровУслуг(guid'%1$s')/Контрагент"}
                """.formatted(key, n, date, amount, CLIENT);
    }

    private static String counterparty(String key, String phone) {
        return """
                {"Ref_Key": "%s", "DataVersion": "AAAAAQAAAAA=", "DeletionMark": false, "IsFolder": false, "Code": "00-000036",
                 "Description": "Орлова Вера", "ИНН": "", "СвидетельствоДатаВыдачи": "0001-01-01T00:00:00",
                 "КонтактнаяИнформация": [{"LineNumber": "1", "Тип": "Телефон", "Представление": "%s"}],
                 "ДополнительныеРеквизиты": []}
                """.formatted(key, phone);
    }
}
