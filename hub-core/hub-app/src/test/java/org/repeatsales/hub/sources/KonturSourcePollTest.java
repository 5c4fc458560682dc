package org.repeatsales.hub.sources;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * A Kontur.OFD cash register played by WireMock, answering like the API's documented
 * {@code documents/by-period} example (made valid JSON): kopeck sums, trailing spaces in
 * {@code kktRegId}/{@code fiscalDriveNumber}, shift reports between the receipts, opaque
 * percent-encoded offsets.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KonturSourcePollTest {

    private static final String API_KEY = "031c1890-test-api-key";
    private static final String PASSWORD = "s3cret-Пароль-kontur";
    private static final String ID = "kontur-test";
    private static final String ORG = "c2e3a34c-823f-4b1e-a9f1-d94fa40c22a6";
    private static final String KKT = "0000000003065868";
    private static final String DOCUMENTS = "/v2/organizations/" + ORG + "/cashboxes/" + KKT + "/documents/by-period";
    private static final String AUTH = "/auth/authenticate-by-pass";
    private static final String FN = "99990788607";
    /** Offsets as the API writes them: already percent-encoded; WireMock matches the decoded value. */
    private static final String OFFSET_1 = "T1MbygVby1CAWaPZI1NarQ%3D%3D";
    private static final String OFFSET_2 = "T2NbygNby1CAWaPZI1NarQ%3D%3D";

    static final WireMockServer ofd = LiveSourceTests.startedPeer();

    @DynamicPropertySource
    static void source(DynamicPropertyRegistry registry) {
        String p = LiveSourceTests.instance(registry, ID, "kontur-ofd", ofd, "");
        registry.add(p + "auth-url", () -> "http://localhost:" + ofd.port() + AUTH);
        registry.add(p + "login", () -> "integrator@example.ru");
        registry.add(p + "password-env", () -> "HUB_TEST_KONTUR_PASSWORD");
        registry.add("HUB_TEST_KONTUR_PASSWORD", () -> PASSWORD);
        registry.add(p + "api-key-env", () -> "HUB_TEST_KONTUR_API_KEY");
        registry.add("HUB_TEST_KONTUR_API_KEY", () -> API_KEY);
        registry.add(p + "organization-id", () -> ORG);
        registry.add(p + "cash-register-id", () -> KKT);
        registry.add(p + "page-size", () -> "3");
        registry.add(p + "overlap", () -> "1h");
        registry.add(p + "since", () -> "2025-01-01T00:00:00");
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
        ofd.resetAll();
        LiveSourceTests.emptyStore(jdbc);
        ofd.stubFor(post(urlPathEqualTo(AUTH)).willReturn(okJson("{\"Sid\": \"SID-1\"}")));
    }

    /**
     * The source keeps its session between polls, and tests share the source: a refused request
     * makes it forget the session, so every test starts with a login.
     */
    private void logOut() {
        ofd.resetAll();
        ofd.stubFor(get(urlPathEqualTo(DOCUMENTS)).willReturn(aResponse().withStatus(401)));
        ofd.stubFor(post(urlPathEqualTo(AUTH)).willReturn(okJson("{\"Sid\": \"SID-0\"}")));
        poll();
    }

    @Test
    void shouldNotDuplicateReceiptsWhenPolledTwice() {
        threePages();

        assertThat(poll().succeeded()).isTrue();
        PollOutcome second = poll();

        assertThat(second.succeeded()).as(second.message()).isTrue();
        assertThat(count("select count(*) from receipt")).isEqualTo(3);
        assertThat(count("select inserted from import_run where id = " + second.runId())).isZero();
        assertThat(count("select unchanged from import_run where id = " + second.runId())).isEqualTo(3);
        StoreAssertions.assertStatsExact(jdbc);
        StoreAssertions.assertRunsAddUp(jdbc);
    }

    @Test
    void shouldFollowNextOffsetUntilTheApiSendsBackTheOffsetItWasSent() {
        threePages();

        PollOutcome outcome = poll();

        assertThat(outcome.succeeded()).as(outcome.message()).isTrue();
        List<LoggedRequest> requests = ofd.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS)));
        assertThat(requests).hasSize(3);
        assertThat(requests.get(0).queryParameter("offset").isPresent()).isFalse();
        assertThat(requests.get(0).queryParameter("dateFrom").firstValue()).isEqualTo("2025-01-01T00:00:00");
        assertThat(requests.get(0).queryParameter("limit").firstValue()).isEqualTo("3");
        // the offset goes back as the API wrote it, not encoded a second time
        assertThat(requests.get(1).getUrl()).contains("offset=" + OFFSET_1);
        assertThat(requests.get(2).getUrl()).contains("offset=" + OFFSET_2);
        assertThat(requests.get(0).getHeader("X-Kontur-Ofd-ApiKey")).isEqualTo(API_KEY);
        assertThat(requests.get(0).getHeader("Authorization")).isEqualTo("auth.sid SID-1");
        assertThat(jdbc.queryForList("select natural_key from receipt where source = 'fiscal' order by 1", String.class))
                .containsExactly(FN + ":39090", FN + ":39091", FN + ":39093");
        assertThat(jdbc.queryForObject("select sum(total) from receipt", BigDecimal.class)).isEqualByComparingTo("413.36");
        assertThat(watermark()).isEqualTo("2025-01-05T12:30");
        assertThat(outcome.message()).contains("пропущено 3");
    }

    @Test
    void shouldFailInsteadOfPagingInACircleWhenAnOffsetComesBackLater() {
        stubPage(null, documents(OFFSET_1, receipt(39090, "2025-01-05T10:13:51", 11336, null)));
        stubPage(OFFSET_1, documents(OFFSET_2, receipt(39091, "2025-01-05T11:00:00", 100, null)));
        stubPage(OFFSET_2, documents(OFFSET_1));

        PollOutcome outcome = poll();

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.message()).contains("nextOffset").contains("страница 3");
        assertThat(ofd.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS)))).hasSize(3);
        assertThat(count("select count(*) from receipt")).isEqualTo(2);
    }

    @Test
    void shouldIdentifyBuyersByTag1008AndKeepReceiptsWithoutItAnonymous() {
        threePages();

        poll();

        assertThat(jdbc.queryForList("select phone from client where phone is not null", String.class))
                .containsExactly("+79160001122");
        assertThat(jdbc.queryForList("select email from client where email is not null", String.class))
                .containsExactly("vera@example.ru");
        // tag 1008 "none" is no contact: the receipt is a sale of an anonymous buyer
        assertThat(count("select count(*) from receipt where client_id is null")).isEqualTo(1);
    }

    @Test
    void shouldStartNextPollOneOverlapWindowBeforeTheWatermark() {
        stubPage(null, documents(OFFSET_1, receipt(39090, "2025-01-05T10:13:51", 11336, "+7 916 000-11-22")));
        stubPage(OFFSET_1, documents(OFFSET_1));
        poll();
        ofd.resetRequests();

        poll();

        assertThat(ofd.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS))).get(0).queryParameter("dateFrom").firstValue())
                .isEqualTo("2025-01-05T09:13:51");
    }

    @Test
    void shouldRenewSessionOnExpiredSidAndRepeatTheRequest() {
        // nothing in the period: the API sends no nextOffset at all
        stubPage(null, "{\"documents\": [], \"paging\": {}}");
        assertThat(poll().succeeded()).isTrue();
        // the session SID-1 opened by that poll expires before the next one
        ofd.resetAll();
        ofd.stubFor(post(urlPathEqualTo(AUTH)).willReturn(okJson("{\"Sid\": \"SID-2\"}")));
        ofd.stubFor(get(urlPathEqualTo(DOCUMENTS)).withHeader("Authorization", equalTo("auth.sid SID-1"))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"errorCode\": 401002, \"message\": \"Session expired\"}")));
        ofd.stubFor(page(get(urlPathEqualTo(DOCUMENTS)).withHeader("Authorization", equalTo("auth.sid SID-2"))
                .withQueryParam("offset", absent()), documents(OFFSET_1, receipt(39090, "2025-01-05T10:13:51", 11336, null))));
        ofd.stubFor(page(get(urlPathEqualTo(DOCUMENTS)).withHeader("Authorization", equalTo("auth.sid SID-2"))
                .withQueryParam("offset", equalTo(decoded(OFFSET_1))), documents(OFFSET_1)));

        PollOutcome outcome = poll();

        assertThat(outcome.succeeded()).as(outcome.message()).isTrue();
        assertThat(count("select count(*) from receipt")).isEqualTo(1);
        List<LoggedRequest> logins = ofd.findAll(postRequestedFor(urlPathEqualTo(AUTH)));
        assertThat(logins).hasSize(1);
        assertThat(logins.get(0).queryParameter("login").firstValue()).isEqualTo("integrator@example.ru");
        assertThat(logins.get(0).getBodyAsString()).isEqualTo(PASSWORD);
        List<LoggedRequest> requests = ofd.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS)));
        assertThat(requests).extracting(r -> r.getHeader("Authorization"))
                .containsExactly("auth.sid SID-1", "auth.sid SID-2", "auth.sid SID-2");
        assertThat(state("state")).isEqualTo("ok");
    }

    @Test
    void shouldFailWhenTheRenewedSessionIsRefusedToo() {
        ofd.stubFor(get(urlPathEqualTo(DOCUMENTS)).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"errorCode\": 401002}")));

        PollOutcome outcome = poll();

        assertThat(outcome.succeeded()).isFalse();
        assertThat(ofd.findAll(postRequestedFor(urlPathEqualTo(AUTH)))).hasSize(2);
        assertThat(ofd.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS)))).hasSize(2);
    }

    @Test
    void shouldFailAtOnceNamingTheApiKeyWhenUnauthorizedWithoutAnExpiredSession() {
        ofd.stubFor(get(urlPathEqualTo(DOCUMENTS)).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"errorCode\": 401001, \"message\": \"Invalid api key\"}")));

        PollOutcome outcome = poll();

        assertThat(outcome.succeeded()).isFalse();
        assertThat(ofd.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS)))).hasSize(1);
        assertThat(ofd.findAll(postRequestedFor(urlPathEqualTo(AUTH)))).hasSize(1);
        assertThat(state("last_error")).contains("HUB_TEST_KONTUR_API_KEY")
                .doesNotContain(API_KEY).doesNotContain(PASSWORD).doesNotContain("SID-1");
        assertThat(jdbc.queryForObject("select message from import_run", String.class)).contains("HUB_TEST_KONTUR_API_KEY");
        HubApiClient.Response listed = HubApiClient.admin(port).get("/api/v1/sources");
        assertThat(listed.body()).doesNotContain(API_KEY).doesNotContain(PASSWORD).doesNotContain("SID-1");
    }

    @Test
    void shouldFailAtOnceNamingThePasswordWhenTheLoginIsRefused() {
        ofd.stubFor(post(urlPathEqualTo(AUTH)).willReturn(aResponse().withStatus(403)));

        PollOutcome outcome = poll();

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.message()).contains("HUB_TEST_KONTUR_PASSWORD").doesNotContain(PASSWORD);
        assertThat(ofd.findAll(postRequestedFor(urlPathEqualTo(AUTH)))).hasSize(1);
        assertThat(ofd.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS)))).isEmpty();
    }

    @Test
    void shouldRetryServerErrorAndRecoverWithinThePoll() {
        ofd.stubFor(get(urlPathEqualTo(DOCUMENTS)).inScenario("outage").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        ofd.stubFor(page(get(urlPathEqualTo(DOCUMENTS)).inScenario("outage").whenScenarioStateIs("up")
                .withQueryParam("offset", absent()), documents(OFFSET_1, receipt(39090, "2025-01-05T10:13:51", 11336, null))));
        stubPage(OFFSET_1, documents(OFFSET_1));

        PollOutcome outcome = poll();

        assertThat(outcome.succeeded()).as(outcome.message()).isTrue();
        assertThat(count("select count(*) from receipt")).isEqualTo(1);
    }

    @Test
    void shouldMarkSourceFailingAfterRetriesAndResumeFromTheStoredWatermark() {
        stubPage(null, documents(OFFSET_1, receipt(39090, "2025-01-05T10:13:51", 11336, null)));
        ofd.stubFor(get(urlPathEqualTo(DOCUMENTS)).withQueryParam("offset", equalTo(decoded(OFFSET_1)))
                .willReturn(aResponse().withStatus(503)));

        PollOutcome failed = poll();

        assertThat(failed.succeeded()).isFalse();
        assertThat(ofd.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS)).withQueryParam("offset", equalTo(decoded(OFFSET_1)))))
                .hasSize(3);
        assertThat(state("state")).isEqualTo("failing");
        assertThat(state("last_error")).contains("503");
        // the first page is stored with the watermark it reached; the next poll starts from there
        assertThat(watermark()).isEqualTo("2025-01-05T10:13:51");
        assertThat(count("select count(*) from receipt")).isEqualTo(1);

        ofd.resetAll();
        ofd.stubFor(post(urlPathEqualTo(AUTH)).willReturn(okJson("{\"Sid\": \"SID-1\"}")));
        stubPage(null, documents(OFFSET_1, receipt(39090, "2025-01-05T10:13:51", 11336, null)));
        stubPage(OFFSET_1, documents(OFFSET_1));

        assertThat(poll().succeeded()).isTrue();
        assertThat(ofd.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS))).get(0).queryParameter("dateFrom").firstValue())
                .isEqualTo("2025-01-05T09:13:51");
        assertThat(state("state")).isEqualTo("ok");
        assertThat(count("select count(*) from receipt")).isEqualTo(1);
    }

    @Test
    void shouldStoreNothingOfMalformedPageAndKeepItsRawResponse() {
        stubPage(null, documents(OFFSET_1, receipt(39090, "2025-01-05T10:13:51", 11336, null)));
        // the documented example itself is not valid JSON: an id string that never ends
        stubPage(OFFSET_1, "{\"documents\": [" + receipt(39091, "2025-01-05T11:00:00", 100, null)
                + ", {\"receipt\": {\"id\": \"00000000-0000-0000-0000-000000000000\n}}]}");

        PollOutcome outcome = poll();

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.message()).contains("documents/by-period").contains("страница 2");
        assertThat(jdbc.queryForList("select natural_key from receipt", String.class)).containsExactly(FN + ":39090");
        Integer page = jdbc.queryForObject("select page from source_raw_response", Integer.class);
        assertThat(page).isEqualTo(2);
        assertThat(watermark()).isEqualTo("2025-01-05T10:13:51");
    }

    @Test
    void shouldKeepAReceiptItCannotMapAndStoreTheOthers() {
        stubPage(null, documents(OFFSET_1, receipt(39090, "2025-01-05T10:13:51", 11336, null),
                receipt(39091, "2025-01-05T11:00:00", 100, null).replace("\"fiscalDriveNumber\": \"99990788607 \",", "")));
        stubPage(OFFSET_1, documents(OFFSET_1));

        PollOutcome outcome = poll();

        assertThat(outcome.succeeded()).as(outcome.message()).isTrue();
        assertThat(outcome.message()).contains("отклонено 1");
        assertThat(count("select count(*) from receipt")).isEqualTo(1);
        assertThat(jdbc.queryForObject("select reason from source_raw_response", String.class)).contains("fiscalDriveNumber");
    }

    @Test
    void shouldStoreTheSameFiscalReceiptOnceWhetherImportedFromAFileOrPolled() throws IOException {
        // the FNS "Проверка чеков" export of the receipt the register also sent to the OFD
        Path file = dir.resolve("checks.json");
        Files.writeString(file, """
                [{"_id": "1", "createdAt": "2025-01-06T10:00:00+03:00", "ticket": {"document": {"receipt": {
                  "dateTime": "2025-01-05T10:13:51", "operationType": 1, "totalSum": 11336, "cashTotalSum": 11336,
                  "ecashTotalSum": 0, "fiscalDriveNumber": "99990788607", "fiscalDocumentNumber": 39090,
                  "fiscalSign": 3635260533, "kktRegId": "0000000003065868", "userInn": "6699009482",
                  "buyerPhoneOrAddress": "+79160001122",
                  "items": [{"name": "Ассорти овощное", "price": 5668, "quantity": 2, "sum": 11336}]}}}}]
                """, StandardCharsets.UTF_8);
        HubApiClient.Response imported = HubApiClient.admin(port).upload("/api/v1/imports?format=receipts-json", file);
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        stubPage(null, documents(OFFSET_1, receipt(39090, "2025-01-05T10:13:51", 11336, "+7 916 000-11-22")));
        stubPage(OFFSET_1, documents(OFFSET_1));

        PollOutcome outcome = poll();

        assertThat(outcome.succeeded()).as(outcome.message()).isTrue();
        assertThat(jdbc.queryForList("select source || '|' || natural_key from receipt", String.class))
                .containsExactly("fiscal|" + FN + ":39090");
        assertThat(jdbc.queryForObject("select purchases from client_stats", Integer.class)).isEqualTo(1);
        StoreAssertions.assertStatsExact(jdbc);
    }

    /** Shift reports around three receipts (phone, "none", e-mail) on two pages, then the page that ends the period. */
    private void threePages() {
        stubPage(null, documents(OFFSET_1,
                openShift(39089, "2025-01-05T10:00:00"),
                receipt(39090, "2025-01-05T10:13:51", 11336, "+7 916 000-11-22"),
                receipt(39091, "2025-01-05T11:00:00", 10000, "none")));
        stubPage(OFFSET_1, documents(OFFSET_2,
                closeShift(39092, "2025-01-05T12:00:00"),
                receipt(39093, "2025-01-05T12:30:00", 20000, "Vera@Example.ru"),
                openShift(39094, "2025-01-05T12:45:00")));
        stubPage(OFFSET_2, documents(OFFSET_2));
    }

    private void stubPage(String offset, String body) {
        MappingBuilder request = get(urlPathEqualTo(DOCUMENTS))
                .withQueryParam("offset", offset == null ? absent() : equalTo(decoded(offset)));
        ofd.stubFor(page(request, body));
    }

    private static MappingBuilder page(MappingBuilder request, String body) {
        return request.withHeader("X-Kontur-Ofd-ApiKey", equalTo(API_KEY))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8").withBody(body));
    }

    private static String decoded(String offset) {
        return java.net.URLDecoder.decode(offset, StandardCharsets.UTF_8);
    }

    private static String documents(String nextOffset, String... documents) {
        return "{\"documents\": [" + String.join(",", documents) + "], \"paging\": {\"nextOffset\": \"" + nextOffset + "\"}}";
    }

    /** Like the documented example: kopecks, trailing spaces in the register and drive numbers; tag 1008 when given. */
    private static String receipt(long fd, String dateTime, long kopecks, String buyer) {
        return """
                {"receipt": {"receiptCode": 3, "user": "ООО Золотой пятачок", "userInn": "6699009482", "requestNumber": 1,
                  "dateTime": "%s", "shiftNumber": 367, "operationType": 1, "taxationType": 1, "operator": "Герман Илья",
                  "kktRegId": "0000000003065868 ", "fiscalDriveNumber": "99990788607 ",
                  "retailPlaceAddress": "г. Екатеринбург. ул. Малопрудная 5", %s
                  "items": [{"name": "Ассорти овощное помидоры,огурцы ст/б \\"Золотая Долина\\" 720 гр",
                             "price": %d, "quantity": 1, "sum": %d}],
                  "nds18": 1234, "totalSum": %d, "cashTotalSum": %d, "ecashTotalSum": 0,
                  "fiscalDocumentNumber": %d, "fiscalSign": 3635260533, "id": "00000000-0000-0000-0000-000000000000"}}
                """.formatted(dateTime, buyer == null ? "" : "\"buyerPhoneOrAddress\": \"" + buyer + "\",",
                kopecks, kopecks, kopecks, kopecks, fd);
    }

    private static String openShift(long fd, String dateTime) {
        return shiftReport("openShift", 2, fd, dateTime);
    }

    private static String closeShift(long fd, String dateTime) {
        return shiftReport("closeShift", 5, fd, dateTime);
    }

    private static String shiftReport(String type, int code, long fd, String dateTime) {
        return """
                {"%s": {"code": %d, "user": "", "userInn": "6699009482", "operator": "Герман Илья", "retailPlaceAddress": "",
                  "dateTime": "%s", "shiftNumber": 367, "kktRegId": "0000000003065868 ", "fiscalDriveNumber": "99990788607 ",
                  "fiscalDocumentNumber": %d, "fiscalSign": 2034496394, "id": "00000000-0000-0000-0000-000000000000"}}
                """.formatted(type, code, dateTime, fd);
    }

    private PollOutcome poll() {
        return sources.poll(ID, "test");
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
}
