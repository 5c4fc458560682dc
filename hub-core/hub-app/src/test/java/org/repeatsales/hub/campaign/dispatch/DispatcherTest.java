package org.repeatsales.hub.campaign.dispatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.campaign.MessageRenderer;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.TestPlugins;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The campaign dispatcher against a real PostgreSQL and a test connector plugin posting to WireMock:
 * what a planned run becomes (delivered once, fallback, no consent, capped, unsubscribed), how
 * outages, rate limits, pause, stop, restart and a second worker are handled.
 */
@SpringBootTest(properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false",
        "hub.campaigns.dispatch.heartbeat=200ms", "hub.campaigns.dispatch.idle-poll=50ms",
        "hub.campaigns.dispatch.batch-size=50", "hub.campaigns.dispatch.max-in-flight-per-channel=200",
        "hub.campaigns.dispatch.retry-backoff=200ms", "hub.campaigns.dispatch.max-retry-backoff=400ms",
        "hub.campaigns.dispatch.max-attempts=100", "hub.plugins.sink.telegram-rate=20"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DispatcherTest {

    static final WireMockServer SINK = new WireMockServer(options().dynamicPort());
    /** The push endpoint: a port with nothing listening until a test starts a server there. */
    static final int PUSH_PORT;

    static {
        SINK.start();
        WireMockServer probe = new WireMockServer(options().dynamicPort());
        probe.start();
        PUSH_PORT = probe.port();
        probe.stop();
    }

    @DynamicPropertySource
    static void sink(DynamicPropertyRegistry registry) {
        registry.add("hub.plugins.sink.url", SINK::baseUrl);
        registry.add("hub.plugins.sink.push-url", () -> "http://127.0.0.1:" + PUSH_PORT);
    }

    @TestConfiguration
    static class Renderer {
        @Bean
        @Primary
        MessageRenderer testRenderer() {
            return new PlainTextRenderer();
        }
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PluginRegistry registry;

    @Autowired
    CampaignDispatcher dispatcher;

    @Autowired
    MeterRegistry meters;

    @Autowired
    DeliveryQueue queue;

    final ObjectMapper json = new ObjectMapper();
    CampaignRows rows;

    @BeforeAll
    void installSink(@TempDir Path work) {
        TestPlugins.drop(SinkConnectors.build(work), registry.folder());
        await("the sink plugin starts", () -> registry.list().stream()
                .anyMatch(p -> p.id().equals("sink") && p.state() == PluginState.STARTED), Duration.ofSeconds(20));
        rows = new CampaignRows(jdbc);
    }

    @AfterAll
    void stopSink() {
        SINK.stop();
    }

    @BeforeEach
    void acceptEverything() {
        SINK.resetAll();
        for (String channel : List.of("email", "sms", "telegram")) {
            SINK.stubFor(post(urlEqualTo("/" + channel)).willReturn(aResponse().withStatus(200).withBody(channel + "-accepted")));
        }
    }

    @Test
    void shouldDeliverEachQueuedDeliveryOnceAndFinishTheRun() {
        List<Long> clients = rows.clients(120, "SMS");
        double deliveredBefore = counter("SMS", "delivered");
        long dry = rows.run(clients, CampaignRows.definition("P7D", "SMS"), true, "SMS");

        long run = rows.run(clients, "SMS");

        awaitFinished(run);
        assertThat(rows.statuses(run)).containsExactly(Map.entry("delivered", 120L));
        assertThat(received("sms")).as("one message per client").hasSize(120).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        assertThat(received("sms").keySet()).containsExactlyInAnyOrderElementsOf(
                clients.stream().map(c -> CampaignRows.address("SMS", c)).toList());
        assertThat(rows.count("""
                select count(*) from delivery where run_id = ? and provider_message_id = 'sms-accepted'
                  and sent_at is not null and channel = 'SMS' and address = 'sms-' || client_id and attempts = 1
                  and lease_owner is null""", run)).isEqualTo(120);
        assertThat(rows.statuses(dry)).as("a dry run is never dispatched").containsExactly(Map.entry("queued", 120L));
        assertThat(counter("SMS", "delivered") - deliveredBefore).isEqualTo(120);
        assertThat(meters.find("hub.campaign.queue.depth").gauge()).isNotNull();
    }

    @Test
    void shouldUseTheNextChannelWithConsentAndRecordClientsWithoutAny() {
        List<Long> emailOnly = rows.clients(10, "EMAIL");
        List<Long> withdrawnSms = rows.clients(10, "SMS", "EMAIL");
        rows.consentState(withdrawnSms, "SMS", "withdrawn");
        List<Long> none = rows.clients(5, "SMS");
        rows.consentState(none, "SMS", "withdrawn");
        List<Long> all = new ArrayList<>(emailOnly);
        all.addAll(withdrawnSms);
        all.addAll(none);

        long run = rows.run(all, "SMS", "EMAIL");

        awaitFinished(run);
        assertThat(rows.statuses(run)).containsOnly(Map.entry("delivered", 20L), Map.entry("no_consent", 5L));
        assertThat(received("sms")).isEmpty();
        assertThat(received("email")).hasSize(20);
        assertThat(rows.count("select count(*) from delivery where run_id = ? and status = 'delivered' and channel = 'EMAIL'",
                run)).isEqualTo(20);
        assertThat(rows.count("select count(*) from client_contact where client_id = any(?::bigint[])",
                (Object) none.toArray(Long[]::new))).as("nothing reserved for clients that were not contacted").isZero();
    }

    @Test
    void shouldFallBackPerClientWhenAChannelFailsPermanently() {
        List<Long> clients = rows.clients(30, "SMS", "EMAIL");
        List<Long> badNumbers = clients.subList(0, 10);
        for (long c : badNumbers) {
            SINK.stubFor(post(urlEqualTo("/sms")).withRequestBody(matchingJsonPath("$.to", equalTo(CampaignRows.address("SMS", c))))
                    .willReturn(aResponse().withStatus(400).withBody("invalid number")));
        }
        List<Long> nowhere = clients.subList(10, 12);
        for (long c : nowhere) {
            SINK.stubFor(post(urlEqualTo("/sms")).withRequestBody(matchingJsonPath("$.to", equalTo(CampaignRows.address("SMS", c))))
                    .willReturn(aResponse().withStatus(400).withBody("invalid number")));
            SINK.stubFor(post(urlEqualTo("/email")).withRequestBody(matchingJsonPath("$.to", equalTo(CampaignRows.address("EMAIL", c))))
                    .willReturn(aResponse().withStatus(550).withBody("mailbox unavailable")));
        }

        long run = rows.run(clients, "SMS", "EMAIL");

        awaitFinished(run);
        assertThat(rows.statuses(run)).containsOnly(Map.entry("delivered", 28L), Map.entry("failed", 2L));
        assertThat(rows.count("select count(*) from delivery where run_id = ? and status = 'delivered' and channel = 'EMAIL'",
                run)).isEqualTo(10);
        assertThat(received("email")).hasSize(10);
        assertThat(jdbc.queryForList("select reason from delivery where run_id = ? and status = 'failed'", String.class, run))
                .allSatisfy(r -> assertThat(r).contains("EMAIL failed: HTTP 550", "mailbox unavailable"));
        assertThat(rows.count("select count(*) from client_contact where client_id = any(?::bigint[])",
                (Object) nowhere.toArray(Long[]::new))).as("the cap of a client never reached is released").isZero();
    }

    @Test
    void shouldWithdrawConsentWhenTheProviderSaysUnsubscribedAndFallBack() {
        List<Long> clients = rows.clients(6, "TELEGRAM", "EMAIL");
        long blocked = clients.get(0);
        SINK.stubFor(post(urlEqualTo("/telegram")).withRequestBody(matchingJsonPath("$.to",
                equalTo(CampaignRows.address("TELEGRAM", blocked)))).willReturn(aResponse().withStatus(410).withBody("bot was blocked")));

        long run = rows.run(clients, "TELEGRAM", "EMAIL");

        awaitFinished(run);
        assertThat(rows.statuses(run)).containsExactly(Map.entry("delivered", 6L));
        assertThat(jdbc.queryForMap("""
                select state, source, proof from consent where client_id = ? and channel = 'TELEGRAM' order by id desc limit 1""",
                blocked)).containsEntry("state", "withdrawn").containsEntry("source", "provider")
                .containsEntry("proof", "HTTP 410 bot was blocked");
        assertThat(jdbc.queryForObject("select channel from delivery where run_id = ? and client_id = ?", String.class, run,
                blocked)).isEqualTo("EMAIL");
        assertThat(received("email")).containsOnlyKeys(CampaignRows.address("EMAIL", blocked));
    }

    @Test
    void shouldEndUnsubscribedWhenNoChannelIsLeft() {
        List<Long> clients = rows.clients(1, "SMS");
        SINK.stubFor(post(urlEqualTo("/sms")).willReturn(aResponse().withStatus(410).withBody("stop list")));

        long run = rows.run(clients, "SMS");

        awaitFinished(run);
        assertThat(rows.statuses(run)).containsExactly(Map.entry("unsubscribed", 1L));
        assertThat(jdbc.queryForObject("select state from consent where client_id = ? order by id desc limit 1", String.class,
                clients.get(0))).isEqualTo("withdrawn");
    }

    @Test
    void shouldFailDeliveriesThatCannotBeRenderedAndKeepTheOthers() {
        List<Long> clients = rows.clients(3, "SMS");
        long run = rows.run(clients, """
                {"channels": [{"channel": "SMS", "connector": "sink-sms", "template": {"text": "BROKEN"}}]}""", false, "SMS");

        awaitFinished(run);
        assertThat(rows.statuses(run)).containsExactly(Map.entry("failed", 3L));
        assertThat(jdbc.queryForList("select reason from delivery where run_id = ?", String.class, run))
                .allSatisfy(r -> assertThat(r).contains("cannot render", "{{broken}}"));
        assertThat(received("sms")).isEmpty();
    }

    @Test
    void shouldDelayTheRunThroughAnOutageAndThenComplete() throws Exception {
        List<Long> clients = rows.clients(40, "SMS");
        SINK.stubFor(post(urlEqualTo("/sms")).willReturn(aResponse().withStatus(503)));

        long run = rows.run(clients, "SMS");

        await("the gateway is retried", () -> SINK.getAllServeEvents().size() >= 80, Duration.ofSeconds(20));
        assertThat(rows.runState(run)).as("not finished while the channel is down").isEqualTo("dispatching");
        assertThat(rows.count("select count(*) from delivery where run_id = ? and status = 'delivered'", run)).isZero();
        SINK.stubFor(post(urlEqualTo("/sms")).willReturn(aResponse().withStatus(200).withBody("sms-accepted")));

        awaitFinished(run);
        assertThat(rows.statuses(run)).containsExactly(Map.entry("delivered", 40L));
        assertThat(rows.count("select min(attempts) from delivery where run_id = ?", run)).isGreaterThan(1);
        Map<String, Long> accepted = SINK.getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() == 200)
                .collect(Collectors.groupingBy(this::recipient, Collectors.counting()));
        assertThat(accepted).hasSize(40).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
    }

    @Test
    void shouldWaitOutARefusedConnectionAndThenComplete() throws Exception {
        List<Long> clients = rows.clients(10, "PUSH");

        long run = rows.run(clients, "PUSH");

        await("sends are refused and retried", () -> rows.count(
                "select count(*) from delivery where run_id = ? and attempts >= 2", run) == 10, Duration.ofSeconds(20));
        assertThat(rows.runState(run)).isEqualTo("dispatching");
        WireMockServer push = new WireMockServer(options().port(PUSH_PORT));
        // answering from its first request: a 404 before the stub would be a permanent failure
        push.stubFor(post(urlEqualTo("/push")).willReturn(aResponse().withStatus(200).withBody("push-accepted")));
        push.start();
        try {
            awaitFinished(run);
            assertThat(rows.statuses(run)).containsExactly(Map.entry("delivered", 10L));
            assertThat(push.getAllServeEvents()).hasSize(10);
        } finally {
            push.stop();
        }
    }

    @Test
    void shouldKeepSendsWithinTheConnectorsRateLimit() {
        // sink-telegram declares 20 messages a second
        List<Long> clients = rows.clients(60, "TELEGRAM");

        long run = rows.run(clients, "TELEGRAM");

        awaitFinished(run);
        List<Long> arrivals = SINK.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate().getTime()).sorted()
                .toList();
        assertThat(arrivals).hasSize(60);
        double seconds = (arrivals.get(59) - arrivals.get(0)) / 1000.0;
        System.out.printf("60 Telegram sends in %.2f s (limit 20/s)%n", seconds);
        assertThat(seconds).as("59 intervals of 50 ms at least, less scheduling jitter").isGreaterThan(2.7);
        for (int i = 0; i + 23 < arrivals.size(); i++) {
            // the pacer spaces sends exactly (PacerTest); arrivals carry the jitter of a thread waking
            // late on a loaded machine, so a window may hold a few more than 20, never a burst
            assertThat(arrivals.get(i + 23) - arrivals.get(i)).as("arrivals %d..%d", i, i + 23).isGreaterThanOrEqualTo(1000);
        }
    }

    @Test
    void shouldHoldTheFrequencyCapWhenTwoCampaignsFireAtOnceForOverlappingAudiences() {
        List<Long> clients = rows.clients(300, "SMS");
        DispatchWorker second = dispatcher.newWorker();
        second.start();
        try {
            long first = rows.run(clients.subList(0, 200), "SMS");
            long other = rows.run(clients.subList(100, 300), "SMS");

            awaitFinished(first);
            awaitFinished(other);
        } finally {
            second.stop();
        }
        assertThat(received("sms")).as("each client reached once over both campaigns").hasSize(300)
                .allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        assertThat(rows.count("""
                select count(*) from delivery where client_id = any(?::bigint[]) and status = 'capped'""",
                (Object) clients.toArray(Long[]::new))).isEqualTo(100);
        assertThat(rows.count("""
                select count(distinct client_id) from delivery where client_id = any(?::bigint[]) and status = 'delivered'""",
                (Object) clients.toArray(Long[]::new))).isEqualTo(300);
        assertThat(rows.count("""
                select count(*) from client_contact cc join delivery d on d.id = cc.delivery_id
                where cc.client_id = any(?::bigint[]) and d.status = 'delivered'""",
                (Object) clients.toArray(Long[]::new))).as("each reservation names the delivery that reached the client")
                .isEqualTo(300);
    }

    @Test
    void shouldNotCapAClientContactedLongerAgoThanTheCap() {
        List<Long> clients = rows.clients(4, "SMS");
        jdbc.update("""
                insert into client_contact (client_id, last_contact_at) select id, now() - interval '8 days'
                from unnest(?::bigint[]) id""", (Object) clients.subList(0, 2).toArray(Long[]::new));
        jdbc.update("""
                insert into client_contact (client_id, last_contact_at) select id, now() - interval '2 days'
                from unnest(?::bigint[]) id""", (Object) clients.subList(2, 4).toArray(Long[]::new));

        long run = rows.run(clients, "SMS");

        awaitFinished(run);
        assertThat(rows.statuses(run)).containsOnly(Map.entry("delivered", 2L), Map.entry("capped", 2L));
        assertThat(rows.count("select count(*) from delivery where run_id = ? and status = 'capped' and client_id = any(?::bigint[])",
                run, clients.subList(2, 4).toArray(Long[]::new))).isEqualTo(2);
    }

    @Test
    void shouldNeverSendOneDeliveryTwiceWithTwoWorkersOnOneDatabase() {
        SINK.stubFor(post(urlEqualTo("/sms")).willReturn(aResponse().withStatus(200).withBody("sms-accepted")
                .withFixedDelay(3)));
        List<Long> clients = rows.clients(1500, "SMS");
        DispatchWorker second = dispatcher.newWorker();
        second.start();
        long run;
        try {
            run = rows.run(clients, "SMS");
            awaitFinished(run);
        } finally {
            second.stop();
        }
        assertThat(rows.statuses(run)).containsExactly(Map.entry("delivered", 1500L));
        assertThat(received("sms")).hasSize(1500).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        System.out.printf("two workers: %d and %d deliveries claimed%n", second.claimed(),
                SINK.getAllServeEvents().size() - second.claimed());
        assertThat(second.claimed()).as("the second worker took part").isPositive().isLessThan(1500);
    }

    @Test
    void shouldKeepAPausedRunsDeliveriesQueuedAndSendEachOnceAfterResume() throws Exception {
        SINK.stubFor(post(urlEqualTo("/sms")).willReturn(aResponse().withStatus(200).withBody("sms-accepted").withFixedDelay(20)));
        List<Long> clients = rows.clients(400, "SMS");
        long run = rows.run(clients, "SMS");
        awaitDelivered(run, 50);

        jdbc.update("update campaign_run set state = 'paused' where id = ?", run);
        await("in-flight deliveries of the paused run end", () -> rows.count(
                "select count(*) from delivery where run_id = ? and status = 'sending'", run) == 0, Duration.ofSeconds(20));
        long delivered = rows.count("select count(*) from delivery where run_id = ? and status = 'delivered'", run);
        Thread.sleep(600);

        assertThat(rows.count("select count(*) from delivery where run_id = ? and status = 'delivered'", run))
                .as("nothing sent while paused").isEqualTo(delivered);
        assertThat(rows.statuses(run)).containsOnly(Map.entry("delivered", delivered), Map.entry("queued", 400 - delivered));
        assertThat(rows.runState(run)).isEqualTo("paused");

        jdbc.update("update campaign_run set state = 'dispatching' where id = ?", run);
        awaitFinished(run);
        assertThat(rows.statuses(run)).containsExactly(Map.entry("delivered", 400L));
        assertThat(received("sms")).hasSize(400).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
    }

    @Test
    void shouldFinishInFlightDeliveriesOfAStoppedRunAndNeverMarkItFinished() throws Exception {
        SINK.stubFor(post(urlEqualTo("/sms")).willReturn(aResponse().withStatus(200).withBody("sms-accepted").withFixedDelay(20)));
        List<Long> clients = rows.clients(400, "SMS");
        long run = rows.run(clients, "SMS");
        awaitDelivered(run, 50);

        // what stopping a run does (campaign planning's side): one transaction
        jdbc.execute("begin; update campaign_run set state = 'stopped' where id = " + run
                + "; update delivery set status = 'cancelled' where run_id = " + run + " and status = 'queued'; commit;");
        await("in-flight deliveries end", () -> rows.count(
                "select count(*) from delivery where run_id = ? and status = 'sending'", run) == 0, Duration.ofSeconds(20));
        Thread.sleep(500);

        Map<String, Long> statuses = rows.statuses(run);
        assertThat(statuses).containsOnlyKeys("delivered", "cancelled");
        assertThat(rows.runState(run)).isEqualTo("stopped");
        Map<String, Long> received = received("sms");
        assertThat(received).hasSize(statuses.get("delivered").intValue()).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        assertThat(jdbc.queryForList("select 'sms-' || client_id from delivery where run_id = ? and status = 'cancelled'",
                String.class, run)).doesNotContainAnyElementsOf(received.keySet());
    }

    @Test
    void shouldNeverResendADeliveredRowAcrossADispatcherRestart() throws Exception {
        SINK.stubFor(post(urlEqualTo("/sms")).willReturn(aResponse().withStatus(200).withBody("sms-accepted").withFixedDelay(10)));
        List<Long> clients = rows.clients(400, "SMS");
        long run = rows.run(clients, "SMS");
        awaitDelivered(run, 50);

        dispatcher.stop();
        try {
            assertThat(rows.count("select count(*) from delivery where run_id = ? and status = 'sending'", run))
                    .as("a stopped dispatcher holds nothing").isZero();
            assertThat(rows.runState(run)).isEqualTo("dispatching");
            assertThat(rows.count("select count(*) from dispatcher_worker")).isZero();
        } finally {
            assertThat(dispatcher.start()).isTrue();
        }

        awaitFinished(run);
        assertThat(rows.statuses(run)).containsExactly(Map.entry("delivered", 400L));
        assertThat(received("sms")).hasSize(400).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
    }

    @Test
    void shouldRequeueTheClaimsOfAWorkerWhoseHeartbeatStoppedAndHaveAnotherWorkerSendThem() {
        List<Long> clients = rows.clients(100, "SMS");
        double requeuedBefore = counter("none", "requeued");
        dispatcher.stop();
        long run;
        List<DeliveryQueue.Claimed> held;
        try {
            run = rows.run(clients, "SMS");
            // a worker registers, claims through the same statement as every worker, then its process
            // dies before it sent anything: its row stops beating and its claims stay 'sending'
            queue.register("worker-that-died");
            held = queue.claim("worker-that-died", 30, List.of());
            assertThat(held).hasSize(30);
        } finally {
            assertThat(dispatcher.start()).isTrue();
        }

        awaitFinished(run);
        assertThat(rows.statuses(run)).containsExactly(Map.entry("delivered", 100L));
        assertThat(received("sms")).as("every client once, the dead worker's too").hasSize(100)
                .allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        assertThat(rows.count("""
                select count(*) from delivery where id = any(?::bigint[]) and status = 'delivered' and attempts = 1
                  and lease_owner is null""", (Object) held.stream().map(DeliveryQueue.Claimed::id).toArray(Long[]::new)))
                .as("the dead worker's claims were sent by the live worker, once").isEqualTo(30);
        assertThat(rows.count("select count(*) from dispatcher_worker where id = 'worker-that-died'")).isZero();
        assertThat(counter("none", "requeued") - requeuedBefore).isEqualTo(30);
    }

    @Test
    void shouldReplaceThisProcesssWorkerOnceOthersDeclaredItDeadWithDuplicatesOnlyFromItsSendsInFlight() {
        SINK.stubFor(post(urlEqualTo("/sms")).willReturn(aResponse().withStatus(200).withBody("sms-accepted").withFixedDelay(50)));
        List<Long> clients = rows.clients(1000, "SMS");
        long run = rows.run(clients, "SMS");
        awaitDelivered(run, 50);
        String stalled = dispatcher.workerId();

        // the worker's heartbeat falls behind (a long pause of its JVM, a slow store): another worker's
        // reaper, run here as each heartbeat runs it, declares it dead and queues its claims again
        int requeued = 0;
        for (int tries = 0; tries < 20 && rows.count("select count(*) from dispatcher_worker where id = ?", stalled) > 0;
                tries++) {
            // the worker may beat between the two statements: then it was not late, and we try again
            jdbc.update("update dispatcher_worker set heartbeat_at = now() - interval '1 hour' where id = ?", stalled);
            requeued += queue.reapDeadWorkers(Duration.ofMinutes(1)).getOrDefault(stalled, 0);
        }
        assertThat(requeued).as("the stalled worker held deliveries when it was declared dead").isPositive();
        await("the dispatcher replaces its worker", () -> dispatcher.workerId() != null
                && !dispatcher.workerId().equals(stalled), Duration.ofSeconds(10));

        awaitFinished(run);
        assertThat(rows.statuses(run)).containsExactly(Map.entry("delivered", 1000L));
        Map<String, Long> received = received("sms");
        long duplicates = received.values().stream().mapToLong(Long::longValue).sum() - received.size();
        System.out.printf("worker declared dead with %d deliveries in flight: %d sent twice%n", requeued, duplicates);
        assertThat(received).as("every client reached").hasSize(1000);
        assertThat(duplicates).as("only deliveries the stalled worker was sending can go twice").isLessThanOrEqualTo(requeued);
        assertThat(rows.count("select count(*) from dispatcher_worker where id = ?", stalled)).isZero();
    }

    // ---- helpers ----

    private static com.github.tomakehurst.wiremock.matching.StringValuePattern equalTo(String value) {
        return com.github.tomakehurst.wiremock.client.WireMock.equalTo(value);
    }

    private double counter(String channel, String outcome) {
        var c = meters.find(DispatchMetrics.DELIVERIES).tag("channel", channel).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    /** Messages that reached the sink on one channel, per recipient address. */
    private Map<String, Long> received(String channel) {
        return SINK.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals("/" + channel) && e.getResponse().getStatus() == 200)
                .collect(Collectors.groupingBy(this::recipient, HashMap::new, Collectors.counting()));
    }

    private String recipient(ServeEvent e) {
        try {
            return json.readTree(e.getRequest().getBodyAsString()).get("to").asText();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private void awaitFinished(long run) {
        await("run " + run + " finishes", () -> rows.runState(run).equals("finished"), Duration.ofSeconds(60));
    }

    private void awaitDelivered(long run, long n) {
        await(n + " deliveries of run " + run, () -> rows.count(
                "select count(*) from delivery where run_id = ? and status = 'delivered'", run) >= n, Duration.ofSeconds(30));
    }

    private void await(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting until " + what + "; deliveries: " + jdbc.queryForList(
                        "select run_id, status, count(*) from delivery group by run_id, status order by 1, 2"));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
