package org.repeatsales.hub.sources;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.StoreAssertions;
import org.repeatsales.hub.bench.OneCODataSimulator;
import org.repeatsales.hub.routes.onec.OneCFields;
import org.repeatsales.hub.routes.onec.OneCSettings;
import org.repeatsales.hub.routes.onec.OneCSource;
import org.repeatsales.hub.routes.sources.Backoff;
import org.repeatsales.hub.routes.sources.PollOutcome;
import org.repeatsales.hub.routes.sources.SourceHttp;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A 1C base that hangs: it accepts the connection and never answers, or answers a page and then
 * stalls. The poll gives up on each request after its timeout, retries with backoff, then fails
 * with the source marked failing and a message naming the timeout; nothing of the stalled page is
 * stored, and the next poll starts again from the watermark the last stored page left.
 */
@SpringBootTest(properties = "hub.inbox.enabled=false")
class OneCSourceHangTest {

    private static final String ID = "onec-hang";
    private static final String DOCUMENTS = "/buh/odata/standard.odata/" + encode("Document_РеализацияТоваровУслуг");
    private static final String COUNTERPARTIES = "/buh/odata/standard.odata/" + encode("Catalog_Контрагенты");
    private static final String CLIENT = "b7569bcd-f670-11ea-8591-000c29b45b09";
    private static final String ITEM = "2d4fe75f-48a4-11ec-ad72-000c29b45b09";
    /** Far longer than the source's timeout: the stalled answer never arrives in time. */
    private static final int STALL_MS = 5_000;

    @Autowired
    StoreBackedSources store;

    @Autowired
    JdbcTemplate jdbc;

    private WireMockServer onec;

    @BeforeEach
    void start() {
        StoreAssertions.emptyStore(jdbc);
        jdbc.update("delete from source_state where source_id = ?", ID);
        onec = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(20));
        onec.start();
        onec.stubFor(get(urlPathEqualTo(COUNTERPARTIES)).willReturn(okJson("{\"value\": ["
                + OneCODataSimulator.counterparty(CLIENT, "Орлова Вера", "+7 916 000-11-22", null) + "]}")));
    }

    @AfterEach
    void stop() {
        onec.stop();
    }

    @Test
    void shouldTimeOutRetryAndFailNamingTheTimeoutWhenThePeerNeverAnswers() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // read nothing, answer nothing
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            }, "silent-1c");
            acceptor.setDaemon(true);
            acceptor.start();

            long started = System.nanoTime();
            PollOutcome outcome = source(silent.getLocalPort()).poll("test");
            long tookMs = (System.nanoTime() - started) / 1_000_000;

            assertThat(outcome.succeeded()).isFalse();
            assertThat(outcome.message()).contains("нет ответа за 0.4 с (таймаут запроса)").contains("после 3 попыток")
                    .contains("Document_РеализацияТоваровУслуг, page 1");
            // three attempts of 0.4 s each and two backoffs: it neither hung nor gave up at once
            assertThat(tookMs).isBetween(1_200L, 10_000L);
            assertThat(accepted).hasSizeGreaterThanOrEqualTo(1);
            assertThat(state("state")).isEqualTo("failing");
            assertThat(state("last_error")).contains("таймаут запроса");
            assertThat(state("watermark")).isNull();
            assertThat(storedKeys()).isEmpty();
            assertThat(jdbc.queryForObject("select status from import_run where id = ?", String.class, outcome.runId()))
                    .isEqualTo("failed");
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void shouldStoreThePagesBeforeAStallAndResumeFromTheirWatermarkAfterTheTimeout() {
        stubPage(0, List.of(doc(1, "2025-01-05T10:00:00"), doc(2, "2025-01-05T11:00:00")), 0);
        // page 2 (documents 3 and 4) never answers in time, however often it is asked for
        stubPage(2, List.of(doc(3, "2025-01-05T12:00:00"), doc(4, "2025-01-05T13:00:00")), STALL_MS);

        PollOutcome failed = source(onec.port()).poll("test");

        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.message()).contains("page 2").contains("нет ответа за 0.4 с (таймаут запроса)");
        assertThat(onec.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS)).withQueryParam("$skip", equalTo("2")))).hasSize(3);
        assertThat(state("state")).isEqualTo("failing");
        assertThat(jdbc.queryForObject("select consecutive_failures from source_state where source_id = ?", Integer.class, ID))
                .isEqualTo(1);
        // page 1 is stored with its watermark; nothing of the stalled page
        assertThat(storedKeys()).containsExactlyInAnyOrder(key(1), key(2));
        assertThat(state("watermark")).isEqualTo("2025-01-05T11:00");
        StoreAssertions.assertRunsAddUp(jdbc);

        // 1C answers again: the next poll starts one overlap window before the stored watermark
        onec.resetRequests();
        stubPage(2, List.of(doc(3, "2025-01-05T12:00:00"), doc(4, "2025-01-05T13:00:00")), 0);
        stubPage(4, List.of(), 0);

        PollOutcome next = source(onec.port()).poll("test");

        assertThat(next.succeeded()).as(next.message()).isTrue();
        assertThat(onec.findAll(getRequestedFor(urlPathEqualTo(DOCUMENTS))).get(0).queryParameter("$filter").firstValue())
                .isEqualTo("Date ge datetime'2025-01-04T11:00:00'");
        assertThat(storedKeys()).containsExactlyInAnyOrder(key(1), key(2), key(3), key(4));
        assertThat(state("state")).isEqualTo("ok");
        assertThat(state("watermark")).isEqualTo("2025-01-05T13:00");
        StoreAssertions.assertStatsExact(jdbc);
        StoreAssertions.assertRunsAddUp(jdbc);
    }

    /** Pages of two documents, each its own transaction; a request times out after 0.4 s and is tried three times. */
    private OneCSource source(int port) {
        OneCSettings settings = new OneCSettings(ID, "http://localhost:" + port + "/buh", "odata", "HUB_TEST_1C_PASSWORD",
                "Document_РеализацияТоваровУслуг", "Catalog_Контрагенты", OneCFields.defaults(), 2, Duration.ofDays(1),
                LocalDateTime.parse("2025-01-01T00:00:00"), false, ZoneId.of("Europe/Moscow"), null, false, false, 40, 2, 4);
        SourceHttp http = new SourceHttp(Duration.ofSeconds(2), Duration.ofMillis(400), 2,
                new Backoff(Duration.ofMillis(100), Duration.ofMillis(200)));
        return new OneCSource(settings, () -> "secret", http, store);
    }

    private void stubPage(int skip, List<String> docs, int delayMs) {
        onec.stubFor(get(urlPathEqualTo(DOCUMENTS)).withQueryParam("$skip", equalTo(String.valueOf(skip)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json;charset=utf-8")
                        .withFixedDelay(delayMs).withBody("{\"value\": [" + String.join(",", docs) + "]}")));
    }

    private static String doc(int n, String date) {
        return OneCODataSimulator.document(key(n), "0000-00000" + n, date, CLIENT, "500",
                List.of(new OneCODataSimulator.Line(ITEM, "1", "500", "500")), List.of());
    }

    private static String key(int n) {
        return String.format("%08x-6332-11ec-ad72-000c29b45b09", n);
    }

    private List<String> storedKeys() {
        return new ArrayList<>(jdbc.queryForList("select natural_key from receipt where source = ?", String.class, ID));
    }

    private String state(String column) {
        return jdbc.queryForObject("select " + column + " from source_state where source_id = ?", String.class, ID);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
