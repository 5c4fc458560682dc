package org.repeatsales.hub.sources;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.StoreAssertions;
import org.repeatsales.hub.routes.sources.PollOutcome;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * OFD.ru played by WireMock, answering like its integration API: {@code {Status, Data, Errors}},
 * kopeck sums, the operation as text in lists and as its FFD number in a single receipt, lists
 * without lines (completed by {@code receipt/{id}}) and lists with them ({@code receipts-info}
 * form), trailing spaces in numbers, the token in the query.
 *
 * <p>Two instances: {@code ofdru-test} logs in and polls every register the API lists;
 * {@code ofdru-token} has a configured token and one configured register.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OfdRuSourcePollTest {

    private static final String ID = "ofdru-test";
    private static final String TOKEN_ID = "ofdru-token";
    private static final String PASSWORD = "s3cret-Пароль-ofd";
    private static final String CONFIGURED_TOKEN = "CONFIGURED-0f1e2d3c";
    private static final String INN = "7704211201";
    private static final String TOKEN_INN = "7702417824";
    private static final String KKT_1 = "0000000001047959";
    private static final String KKT_2 = "0000000002011234";
    private static final String FN_1 = "9999078900004792";
    private static final String FN_2 = "9999078900005555";
    private static final String LOGIN = "/api/Authorization/CreateAuthToken";
    private static final ZoneId ZONE = ZoneId.of("Europe/Moscow");
    /** The first poll reads from two days before today, one day per request. */
    private static final LocalDateTime DAY_0 = LocalDate.now(ZONE).minusDays(2).atStartOfDay();
    private static final LocalDateTime DAY_1 = DAY_0.plusDays(1);

    static final WireMockServer ofd = LiveSourceTests.startedPeer();

    @DynamicPropertySource
    static void source(DynamicPropertyRegistry registry) {
        String p = LiveSourceTests.instance(registry, ID, "ofd-ru", ofd, "");
        registry.add(p + "login", () -> "buh@example.ru");
        registry.add(p + "password-env", () -> "HUB_TEST_OFDRU_PASSWORD");
        registry.add("HUB_TEST_OFDRU_PASSWORD", () -> PASSWORD);
        registry.add(p + "inn", () -> INN);
        registry.add(p + "since", () -> DAY_0.toString());
        registry.add(p + "window", () -> "1d");
        registry.add(p + "overlap", () -> "1h");
        String t = LiveSourceTests.instance(registry, TOKEN_ID, "ofd-ru", ofd, "");
        registry.add(t + "token-env", () -> "HUB_TEST_OFDRU_TOKEN");
        registry.add("HUB_TEST_OFDRU_TOKEN", () -> CONFIGURED_TOKEN);
        registry.add(t + "inn", () -> TOKEN_INN);
        registry.add(t + "cash-registers[0]", () -> KKT_1 + " ");
        registry.add(t + "since", () -> DAY_0.toString());
        registry.add(t + "window", () -> "7d");
    }

    @AfterAll
    static void stop() {
        ofd.stop();
    }

    @Autowired
    LiveSources sources;

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    @TempDir
    Path dir;

    @BeforeEach
    void reset() {
        logOut();
        LiveSourceTests.emptyStore(jdbc);
        stubLogin("TOKEN-1");
        ofd.stubFor(get(urlPathEqualTo("/api/integration/v1/inn/" + INN + "/kkts"))
                .willReturn(okJson(answer("[" + kkt(KKT_1, FN_1) + "," + kkt(KKT_2, FN_2) + "]"))));
        // windows without receipts
        ofd.stubFor(get(urlPathMatching("/api/integration/v1/inn/.*/receipts")).atPriority(10).willReturn(okJson(answer("[]"))));
    }

    /** The login-based instance keeps its token between polls; every test starts with a fresh login. */
    private void logOut() {
        ofd.resetAll();
        ofd.stubFor(post(urlPathEqualTo(LOGIN)).willReturn(okJson("{\"AuthToken\": \"TOKEN-0\"}")));
        ofd.stubFor(get(urlPathMatching("/api/integration/v1/inn/" + INN + "/kkts")).willReturn(aResponse().withStatus(403)));
        poll(ID);
        ofd.resetAll();
    }

    @Test
    void shouldPollEveryListedRegisterWindowByWindowAndMapReceiptsThroughTheReceiptMapping() {
        stubWindow(INN, KKT_1, DAY_0, listed(KKT_1, FN_1, "r-1", 101, DAY_0.plusHours(10), 30000, "Income", true));
        stubWindow(INN, KKT_1, DAY_1, listed(KKT_1, FN_1, "r-2", 102, DAY_1.plusHours(11), 15000, "Refund income", true));
        stubWindow(INN, KKT_2, DAY_0, listed(KKT_2, FN_2, "r-3", 7, DAY_0.plusHours(12), 45050, "Income", false));
        stubDetail(INN, KKT_2, "r-3", detail(KKT_2, FN_2, 7, DAY_0.plusHours(12), 45050, 1, "vera@Example.ru"));

        PollOutcome outcome = poll(ID);

        assertThat(outcome.succeeded()).as(outcome.message()).isTrue();
        assertThat(jdbc.queryForList("select natural_key from receipt where source = 'fiscal' order by 1", String.class))
                .containsExactly(FN_1 + ":101", FN_1 + ":102", FN_2 + ":7");
        // kopecks become rubles; the refund is kept as a refund
        assertThat(jdbc.queryForObject("select total from receipt where natural_key = ?", BigDecimal.class, FN_2 + ":7"))
                .isEqualByComparingTo("450.50");
        assertThat(jdbc.queryForObject("select is_refund from receipt where natural_key = ?", Boolean.class, FN_1 + ":102")).isTrue();
        // lines of the list (receipts-info form) and of the single receipt (receipt/{id})
        assertThat(jdbc.queryForList("select item from receipt_line order by item", String.class))
                .containsExactly("Кофе зерновой 1 кг", "Кофе зерновой 1 кг", "Чай «Эрл Грей»");
        // the three windows of each register, from since to now
        List<LoggedRequest> kkt1 = ofd.findAll(getRequestedFor(urlPathEqualTo(receiptsPath(INN, KKT_1))));
        assertThat(kkt1).extracting(r -> r.queryParameter("dateFrom").firstValue())
                .containsExactly(DAY_0.toString() + ":00", DAY_1.toString() + ":00", DAY_1.plusDays(1).toString() + ":00");
        assertThat(kkt1).allSatisfy(r -> assertThat(r.queryParameter("AuthToken").firstValue()).isEqualTo("TOKEN-1"));
        assertThat(ofd.findAll(postRequestedFor(urlPathEqualTo(LOGIN))
                .withRequestBody(matchingJsonPath("$.Login", equalTo("buh@example.ru")))
                .withRequestBody(matchingJsonPath("$.Password", equalTo(PASSWORD))))).hasSize(1);
        // each register keeps its own watermark in the instance's
        assertThat(watermark(ID)).startsWith(KKT_1 + "=").contains(";" + KKT_2 + "=");
        StoreAssertions.assertStatsExact(jdbc);
        StoreAssertions.assertRunsAddUp(jdbc);
    }

    @Test
    void shouldIdentifyBuyersByTag1008() {
        stubWindow(INN, KKT_2, DAY_0, listed(KKT_2, FN_2, "r-3", 7, DAY_0.plusHours(12), 45050, "Income", false)
                + "," + listed(KKT_2, FN_2, "r-4", 8, DAY_0.plusHours(13), 1000, "Income", false)
                + "," + listed(KKT_2, FN_2, "r-5", 9, DAY_0.plusHours(14), 2000, "Income", false));
        stubDetail(INN, KKT_2, "r-3", detail(KKT_2, FN_2, 7, DAY_0.plusHours(12), 45050, 1, "vera@Example.ru"));
        stubDetail(INN, KKT_2, "r-4", detail(KKT_2, FN_2, 8, DAY_0.plusHours(13), 1000, 1, "8 (916) 000-11-22"));
        stubDetail(INN, KKT_2, "r-5", detail(KKT_2, FN_2, 9, DAY_0.plusHours(14), 2000, 1, "none"));

        assertThat(poll(ID).succeeded()).isTrue();

        assertThat(jdbc.queryForList("select coalesce(phone, email) from client order by 1", String.class))
                .containsExactly("+79160001122", "vera@example.ru");
        assertThat(count("select count(*) from receipt where client_id is null")).isEqualTo(1);
    }

    @Test
    void shouldNotDuplicateReceiptsAndStartEachRegisterOneOverlapBeforeItsWatermark() {
        stubWindow(INN, KKT_1, DAY_0, listed(KKT_1, FN_1, "r-1", 101, DAY_0.plusHours(10), 30000, "Income", true));
        assertThat(poll(ID).succeeded()).isTrue();
        String mark = watermark(ID);
        LocalDateTime reached = LocalDateTime.parse(mark.substring(mark.indexOf('=') + 1, mark.indexOf(';')));
        // the receipt is sent again by the OFD in the overlapping window of the next poll
        stubWindow(INN, KKT_1, reached.minusHours(1), listed(KKT_1, FN_1, "r-1", 101, DAY_0.plusHours(10), 30000, "Income", true));
        ofd.resetRequests();

        PollOutcome second = poll(ID);

        assertThat(second.succeeded()).as(second.message()).isTrue();
        assertThat(ofd.findAll(getRequestedFor(urlPathEqualTo(receiptsPath(INN, KKT_1)))).get(0).queryParameter("dateFrom")
                .firstValue()).isEqualTo(api(reached.minusHours(1)));
        assertThat(count("select count(*) from receipt")).isEqualTo(1);
        assertThat(count("select unchanged from import_run where id = " + second.runId())).isEqualTo(1);
        assertThat(count("select inserted from import_run where id = " + second.runId())).isZero();
        StoreAssertions.assertRunsAddUp(jdbc);
    }

    @Test
    void shouldSkipCorrectionReceiptsAndKeepAReceiptItCannotMap() {
        stubWindow(INN, KKT_1, DAY_0,
                listed(KKT_1, FN_1, "r-1", 101, DAY_0.plusHours(10), 30000, "Income", true),
                listed(KKT_1, FN_1, "r-6", 103, DAY_0.plusHours(11), 500, "Income", true).replace("\"IsCorrection\": false", "\"IsCorrection\": true"),
                listed(KKT_1, FN_1, "r-7", 104, DAY_0.plusHours(12), 500, "Income", true).replace("\"TotalSumm\": 500", "\"TotalSumm\": 5.5"));

        PollOutcome outcome = poll(ID);

        assertThat(outcome.succeeded()).as(outcome.message()).isTrue();
        assertThat(outcome.message()).contains("коррекции пропущено 1").contains("отклонено 1");
        assertThat(jdbc.queryForList("select natural_key from receipt", String.class)).containsExactly(FN_1 + ":101");
        Map<String, Object> kept = jdbc.queryForMap("select reason, url from source_raw_response");
        assertThat((String) kept.get("reason")).contains("totalSum").contains("5.5");
        assertThat((String) kept.get("url")).doesNotContain("TOKEN-1");
    }

    @Test
    void shouldStoreTheSameFiscalReceiptOnceWhetherImportedFromAFileOrPolled() throws IOException {
        Path file = dir.resolve("checks.json");
        Files.writeString(file, """
                [{"_id": "1", "createdAt": "2025-01-06T10:00:00+03:00", "ticket": {"document": {"receipt": {
                  "dateTime": "%s", "operationType": 1, "totalSum": 30000, "cashTotalSum": 0,
                  "ecashTotalSum": 30000, "fiscalDriveNumber": "%s", "fiscalDocumentNumber": 101,
                  "fiscalSign": 3635260533, "kktRegId": "%s", "userInn": "%s",
                  "items": [{"name": "Кофе зерновой 1 кг", "price": 15000, "quantity": 2, "sum": 30000}]}}}}]
                """.formatted(DAY_0.plusHours(10), FN_1, KKT_1, INN), StandardCharsets.UTF_8);
        HubApiClient.Response imported = HubApiClient.admin(port).upload("/api/v1/imports?format=receipts-json", file);
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        stubWindow(INN, KKT_1, DAY_0, listed(KKT_1, FN_1, "r-1", 101, DAY_0.plusHours(10), 30000, "Income", true));

        PollOutcome outcome = poll(ID);

        assertThat(outcome.succeeded()).as(outcome.message()).isTrue();
        assertThat(jdbc.queryForList("select source || '|' || natural_key from receipt", String.class))
                .containsExactly("fiscal|" + FN_1 + ":101");
        assertThat(count("select inserted from import_run where id = " + outcome.runId())).isZero();
        StoreAssertions.assertStatsExact(jdbc);
    }

    @Test
    void shouldLogInAgainOnceWhenTheTokenIsRefusedAndRepeatTheRequest() {
        assertThat(poll(ID).succeeded()).isTrue();
        // the token TOKEN-1 that poll obtained is revoked before the next one
        ofd.resetRequests();
        stubLogin("TOKEN-2");
        ofd.stubFor(get(urlPathMatching("/api/integration/v1/inn/.*")).withQueryParam("AuthToken", equalTo("TOKEN-1"))
                .atPriority(1).willReturn(aResponse().withStatus(401)));
        jdbc.execute("truncate source_state");
        stubWindow(INN, KKT_1, DAY_0, listed(KKT_1, FN_1, "r-1", 101, DAY_0.plusHours(10), 30000, "Income", true));

        PollOutcome outcome = poll(ID);

        assertThat(outcome.succeeded()).as(outcome.message()).isTrue();
        assertThat(ofd.findAll(postRequestedFor(urlPathEqualTo(LOGIN)))).hasSize(1);
        assertThat(count("select count(*) from receipt")).isEqualTo(1);
    }

    @Test
    void shouldFailAtOnceNamingTheTokenVariableWhenTheConfiguredTokenIsRefused() {
        ofd.stubFor(get(urlPathEqualTo(receiptsPath(TOKEN_INN, KKT_1))).atPriority(1).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"Status\": \"Failed\", \"Errors\": [\"Токен недействителен\"]}")));

        PollOutcome outcome = poll(TOKEN_ID);

        assertThat(outcome.succeeded()).isFalse();
        assertThat(ofd.findAll(getRequestedFor(urlPathEqualTo(receiptsPath(TOKEN_INN, KKT_1))))).hasSize(1);
        assertThat(ofd.findAll(postRequestedFor(urlPathEqualTo(LOGIN)))).isEmpty();
        assertThat(state(TOKEN_ID, "last_error")).contains("HUB_TEST_OFDRU_TOKEN").doesNotContain(CONFIGURED_TOKEN);
        assertThat(jdbc.queryForObject("select message from import_run where id = ?", String.class, outcome.runId()))
                .contains("HUB_TEST_OFDRU_TOKEN").doesNotContain(CONFIGURED_TOKEN);
        assertThat(HubApiClient.admin(port).get("/api/v1/sources").body()).doesNotContain(CONFIGURED_TOKEN).doesNotContain(PASSWORD);
    }

    @Test
    void shouldPollOnlyTheConfiguredRegistersWithTheConfiguredToken() {
        stubWindow(TOKEN_INN, KKT_1, DAY_0, listed(KKT_1, FN_1, "r-1", 101, DAY_0.plusHours(10), 30000, "Income", true));

        PollOutcome outcome = poll(TOKEN_ID);

        assertThat(outcome.succeeded()).as(outcome.message()).isTrue();
        assertThat(ofd.findAll(getRequestedFor(urlPathMatching(".*/kkts")))).isEmpty();
        assertThat(ofd.findAll(getRequestedFor(urlPathEqualTo(receiptsPath(TOKEN_INN, KKT_1)))))
                .hasSize(1)
                .allSatisfy(r -> assertThat(r.queryParameter("AuthToken").firstValue()).isEqualTo(CONFIGURED_TOKEN));
        assertThat(count("select count(*) from receipt")).isEqualTo(1);
        assertThat(watermark(TOKEN_ID)).startsWith(KKT_1 + "=").doesNotContain(";");
    }

    @Test
    void shouldRetryOutagesThenFailKeepingTheWindowsStoredAndResumeFromThere() {
        stubWindow(INN, KKT_1, DAY_0, listed(KKT_1, FN_1, "r-1", 101, DAY_0.plusHours(10), 30000, "Income", true));
        ofd.stubFor(get(urlPathEqualTo(receiptsPath(INN, KKT_1))).withQueryParam("dateFrom", equalTo(DAY_1 + ":00"))
                .inScenario("outage").whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(429)).willSetStateTo("down"));
        ofd.stubFor(get(urlPathEqualTo(receiptsPath(INN, KKT_1))).withQueryParam("dateFrom", equalTo(DAY_1 + ":00"))
                .inScenario("outage").whenScenarioStateIs("down").willReturn(aResponse().withStatus(503)));
        ofd.stubFor(get(urlPathEqualTo(receiptsPath(INN, KKT_1))).withQueryParam("dateFrom", equalTo(DAY_1 + ":00"))
                .inScenario("outage").whenScenarioStateIs("up").willReturn(okJson(answer("[]"))));

        PollOutcome failed = poll(ID);

        assertThat(failed.succeeded()).isFalse();
        assertThat(ofd.findAll(getRequestedFor(urlPathEqualTo(receiptsPath(INN, KKT_1)))
                .withQueryParam("dateFrom", equalTo(DAY_1 + ":00")))).hasSize(3);
        assertThat(state(ID, "state")).isEqualTo("failing");
        assertThat(failed.message()).contains("503");
        // the first window is stored with the mark it reached; the failed one moved nothing
        assertThat(watermark(ID)).isEqualTo(KKT_1 + "=" + DAY_1);
        assertThat(count("select count(*) from receipt")).isEqualTo(1);

        ofd.setScenarioState("outage", "up");
        ofd.resetRequests();
        PollOutcome recovered = poll(ID);

        assertThat(recovered.succeeded()).as(recovered.message()).isTrue();
        assertThat(ofd.findAll(getRequestedFor(urlPathEqualTo(receiptsPath(INN, KKT_1)))).get(0).queryParameter("dateFrom")
                .firstValue()).isEqualTo(DAY_1.minusHours(1) + ":00");
        assertThat(state(ID, "state")).isEqualTo("ok");
    }

    @Test
    void shouldFailAMalformedAnswerNamingTheRequestAndKeepItWithoutTheToken() {
        stubWindow(INN, KKT_1, DAY_0, listed(KKT_1, FN_1, "r-1", 101, DAY_0.plusHours(10), 30000, "Income", true));
        ofd.stubFor(get(urlPathEqualTo(receiptsPath(INN, KKT_1))).withQueryParam("dateFrom", equalTo(DAY_1 + ":00"))
                .willReturn(okJson("{\"Status\": \"Success\", \"Data\": [{\"Id\": \"r-9\", ")));

        PollOutcome outcome = poll(ID);

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.message()).contains("receipts " + KKT_1).contains("запрос 3").contains("не JSON");
        Map<String, Object> kept = jdbc.queryForMap("select entity, url, body from source_raw_response");
        assertThat((String) kept.get("body")).contains("\"Id\": \"r-9\"");
        assertThat((String) kept.get("url")).contains("dateFrom=" + DAY_1).doesNotContain("TOKEN-1");
        assertThat(count("select count(*) from receipt")).isEqualTo(1);
    }

    private PollOutcome poll(String id) {
        return sources.poll(id, "test");
    }

    private void stubLogin(String token) {
        ofd.stubFor(post(urlPathEqualTo(LOGIN)).willReturn(okJson(
                "{\"AuthToken\": \"" + token + "\", \"ExpirationDateUtc\": \"" + LocalDateTime.now().plusDays(1).withNano(0) + "\"}")));
    }

    private void stubWindow(String inn, String kkt, LocalDateTime from, String... receipts) {
        ofd.stubFor(get(urlPathEqualTo(receiptsPath(inn, kkt))).withQueryParam("dateFrom", equalTo(api(from)))
                .willReturn(okJson(answer("[" + String.join(",", receipts) + "]"))));
    }

    private void stubDetail(String inn, String kkt, String id, String detail) {
        ofd.stubFor(get(urlPathEqualTo("/api/integration/v1/inn/" + inn + "/kkt/" + kkt + "/receipt/" + id))
                .willReturn(okJson(answer(detail))));
    }

    /** A time as the API's query takes it, seconds always written. */
    private static String api(LocalDateTime at) {
        return at.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"));
    }

    private static String receiptsPath(String inn, String kkt) {
        return "/api/integration/v1/inn/" + inn + "/kkt/" + kkt + "/receipts";
    }

    private static String answer(String data) {
        return "{\"Status\": \"Success\", \"Data\": " + data + ", \"Errors\": null, \"Elapsed\": \"00:00:00.0156250\"}";
    }

    private static String kkt(String rn, String fn) {
        return """
                {"Id": "6b1a8f3e-0000-4000-8000-%s", "KktRegId": "%s", "KktName": "Касса %s", "SerialNumber": "00105712345678",
                 "FnNumber": "%s", "CreateDate": "2024-01-13T12:09:51", "CheckDate": "2024-01-13T12:12:47",
                 "ActivationDate": "2024-01-13T12:15:48", "FirstDocumentDate": "2024-01-13T14:15:48"}
                """.formatted(rn.substring(4), rn, rn.substring(12), fn);
    }

    /**
     * A list element. With {@code withItems} it carries its lines (the {@code receipts-info} form);
     * without, it is the plain {@code receipts} summary and the source asks {@code receipt/{id}}.
     */
    private static String listed(String rn, String fn, String id, long fd, LocalDateTime at, long kopecks, String operation,
                                 boolean withItems) {
        String items = withItems
                ? ", \"Items\": [{\"Name\": \"Кофе зерновой 1 кг\", \"Price\": " + kopecks / 2 + ", \"Quantity\": 2.0, \"Total\": "
                        + kopecks + ", \"CalculationMethod\": 4, \"SubjectType\": 1, \"NDS_Rate\": 1, \"NDS_Summ\": 0,"
                        + " \"ProductCode\": {}}], \"DecimalFiscalSign\": \"3635260533\""
                : "";
        return """
                {"Id": "%s", "CDateUtc": "%s", "Tag": 3, "IsBso": false, "IsCorrection": false, "OperationType": "%s",
                 "UserInn": "%s  ", "KktRegNumber": "%s  ", "FnNumber": "%s", "DocNumber": %d, "DocDateTime": "%s",
                 "DocShiftNumber": 15, "ReceiptNumber": 20, "DocRawId": "%s", "TotalSumm": %d, "CashSumm": 0,
                 "ECashSumm": %d, "PrepaidSumm": 0, "CreditSumm": 0, "ProvisionSumm": 0, "TaxTotalSumm": 0, "Tax10Summ": 0,
                 "Tax18Summ": 0, "Tax110Summ": 0, "Tax118Summ": 0, "Tax0Summ": 0, "TaxNaSumm": 0, "Depth": 1%s}
                """.formatted(id, at.minusHours(3), operation, INN, rn, fn, fd, at, id, kopecks, kopecks, items);
    }

    /** The single receipt: snake-ish names, the operation as its FFD number, the buyer's contact (tag 1008). */
    private static String detail(String rn, String fn, long fd, LocalDateTime at, long kopecks, int operation, String buyer) {
        return """
                {"Tag": 3, "User": "ООО Ромашка", "UserInn": "%s  ", "Number": 20, "DateTime": "%s", "ShiftNumber": 15,
                 "OperationType": %d, "TaxationType": 1, "Operator": "Иванова А.", "KKT_RegNumber": "%s  ",
                 "FN_FactoryNumber": "%s", "Items": [{"Name": "Чай «Эрл Грей»", "Price": %d, "Quantity": 1, "Total": %d,
                 "CalculationMethod": 4, "SubjectType": 1, "NDS_Rate": 1, "NDS_Summ": 0}], "Buyer_Address": "%s",
                 "Amount_Total": %d, "Amount_Cash": 0, "Amount_ECash": %d, "Document_Number": %d,
                 "FiscalSign": "MIIBjgYJKoZIhvcNAQcCoIIB", "DecimalFiscalSign": "3635260533", "Format_Version": 2}
                """.formatted(INN, at, operation, rn, fn, kopecks, kopecks, buyer, kopecks, kopecks, fd);
    }

    private int count(String sql) {
        return LiveSourceTests.count(jdbc, sql);
    }

    private String state(String id, String column) {
        return jdbc.queryForObject("select " + column + " from source_state where source_id = ?", String.class, id);
    }

    private String watermark(String id) {
        return state(id, "watermark");
    }
}
