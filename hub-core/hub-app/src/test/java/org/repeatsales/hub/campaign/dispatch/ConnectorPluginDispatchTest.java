package org.repeatsales.hub.campaign.dispatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.consent.ConsentService;
import org.repeatsales.hub.consent.UnsubscribeLinks;
import org.repeatsales.hub.plugin.ConnectorView;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.TestPlugins;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dispatcher end to end through the bundled connector plugins, as an operator installs them:
 * the e-mail plugin's zip sending to a GreenMail SMTP server, the SMS plugin's zip speaking SMS.ru
 * to a WireMock gateway, the hub's own Mustache renderer with signed unsubscribe links. Runs are
 * written as planning leaves them (CampaignRows); what arrives is read back from the servers.
 * A channel is given up after three attempts here, so the give-up path takes seconds.
 */
@SpringBootTest(properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false",
        "hub.campaigns.dispatch.heartbeat=200ms", "hub.campaigns.dispatch.idle-poll=50ms",
        "hub.campaigns.dispatch.batch-size=50", "hub.campaigns.dispatch.max-in-flight-per-channel=200",
        "hub.campaigns.dispatch.retry-backoff=1s", "hub.campaigns.dispatch.max-retry-backoff=4s",
        "hub.campaigns.dispatch.max-attempts=3",
        "hub.plugins.email.host=127.0.0.1", "hub.plugins.email.security=plain", "hub.plugins.email.from=shop@example.org",
        "hub.plugins.sms.dialect=smsru", "hub.plugins.sms.api-id-env=HUB_TEST_SMSRU_API_ID",
        "hub.plugins.sms.sender=Shop", "hub.plugins.sms.retry-after-seconds=1",
        "hub.channels.public-url=https://hub.example"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectorPluginDispatchTest {

    private static final GreenMail SMTP;
    private static final WireMockServer GATEWAY = new WireMockServer(options().dynamicPort());
    private static final String SUBJECT = "Скидка 10% к Новому году";

    static {
        ServerSetup smtp = ServerSetupTest.SMTP.dynamicPort();
        // GreenMail gives a server 2 s to start by default: too little on a loaded 2-core machine
        smtp.setServerStartupTimeout(30_000);
        SMTP = new GreenMail(smtp);
        // started before the context so their ports can be settings
        SMTP.start();
        GATEWAY.start();
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("hub.plugins.email.port", () -> SMTP.getSmtp().getPort());
        registry.add("hub.plugins.sms.base-url", GATEWAY::baseUrl);
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PluginRegistry registry;

    @Autowired
    UnsubscribeLinks links;

    @Autowired
    ConsentService consents;

    @Autowired
    MeterRegistry meters;

    CampaignRows rows;

    @BeforeAll
    void installConnectors() {
        TestPlugins.drop(TestPlugins.connectorZip("email"), registry.folder());
        TestPlugins.drop(TestPlugins.connectorZip("sms"), registry.folder());
        await("the e-mail and SMS connectors are ready", () -> registry.connectors().stream()
                .filter(ConnectorView::ready).map(ConnectorView::id).toList().containsAll(List.of("email", "sms")),
                Duration.ofSeconds(30));
        rows = new CampaignRows(jdbc);
    }

    @AfterAll
    void stopServers() {
        SMTP.stop();
        GATEWAY.stop();
    }

    @BeforeEach
    void gatewayAcceptsEveryNumber() throws Exception {
        SMTP.purgeEmailFromAllMailboxes();
        GATEWAY.resetAll();
        // SMS.ru answers per number; one number is sent per request, so one answer fits them all
        GATEWAY.stubFor(post(urlEqualTo("/sms/send")).willReturn(aResponse().withStatus(200).withBody("""
                {"status": "OK", "status_code": 100, "sms": {"79990000000": {"status": "OK", "status_code": 100,
                 "sms_id": "202612-1000001"}}, "balance": 4122.56}""")));
    }

    @Test
    void shouldEmailEachTargetedClientOnceWithACyrillicSubjectAndTheirOwnSignedUnsubscribeLink() throws Exception {
        List<Long> clients = clients(5, "EMAIL");

        long run = rows.run(clients, definition("EMAIL"), false, "EMAIL");

        awaitFinished(run);
        assertThat(rows.statuses(run)).containsExactly(Map.entry("delivered", 5L));
        MimeMessage[] arrived = SMTP.getReceivedMessages();
        assertThat(arrived).hasSize(5);
        Map<String, MimeMessage> byRecipient = new HashMap<>();
        for (MimeMessage m : arrived) {
            assertThat(byRecipient.put(m.getAllRecipients()[0].toString(), m)).as("one message per client").isNull();
        }
        for (long client : clients) {
            MimeMessage m = byRecipient.get(email(client));
            assertThat(m).as("message to client %d", client).isNotNull();
            assertThat(m.getSubject()).isEqualTo(SUBJECT);
            String link = links.url(client, Channel.EMAIL);
            assertThat(link).startsWith("https://hub.example/u/" + client + ".EMAIL.");
            assertThat(m.getHeader("List-Unsubscribe", null)).isEqualTo("<" + link + ">");
            assertThat(m.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
            assertThat(jdbc.queryForObject("select provider_message_id from delivery where run_id = ? and client_id = ?",
                    String.class, run, client)).isEqualTo(m.getMessageID());
        }
        assertThat(GATEWAY.getAllServeEvents()).isEmpty();
    }

    @Test
    void shouldTextThroughTheSmsPluginAndEmailTheClientsWhoseNumbersTheGatewayRefusesForGood() throws Exception {
        List<Long> clients = clients(6, "SMS", "EMAIL");
        List<Long> refused = clients.subList(0, 2);
        for (long client : refused) {
            // SMS.ru 207: it does not send to this number (permanent for this channel, consent stays)
            GATEWAY.stubFor(post(urlEqualTo("/sms/send")).withFormParam("to", equalTo(digits(client)))
                    .willReturn(aResponse().withStatus(200).withBody("""
                            {"status": "OK", "status_code": 100, "sms": {"%s": {"status": "ERROR", "status_code": 207,
                             "status_text": "На этот номер нельзя отправлять сообщения"}}, "balance": 4122.56}"""
                            .formatted(digits(client)))));
        }

        long run = rows.run(clients, definition("SMS", "EMAIL"), false, "SMS", "EMAIL");

        awaitFinished(run);
        assertThat(rows.statuses(run)).containsExactly(Map.entry("delivered", 6L));
        Map<String, Long> texted = texted();
        assertThat(texted).as("one SMS request per client").hasSize(6).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        assertThat(GATEWAY.getAllServeEvents()).allSatisfy(e -> {
            Map<String, String> form = form(e);
            assertThat(form).containsEntry("api_id", "hub-test-api-id").containsEntry("from", "Shop");
            assertThat(form.get("msg")).contains("Скидка 10% по коду NY10");
        });
        assertThat(recipients()).as("e-mail went to exactly the refused numbers' clients")
                .containsExactlyInAnyOrderElementsOf(refused.stream().map(ConnectorPluginDispatchTest::email).toList());
        for (long client : refused) {
            assertThat(jdbc.queryForMap("""
                    select channel, fallback_reason, attempts, channel_attempts from delivery where run_id = ? and client_id = ?""",
                    run, client)).containsEntry("channel", "EMAIL").containsEntry("attempts", 2)
                    .containsEntry("channel_attempts", 1)
                    .hasEntrySatisfying("fallback_reason", r -> assertThat((String) r).startsWith("SMS failed: SMS.ru 207"));
            assertThat(consents.maySend(client, Channel.SMS)).as("a refused number keeps its consent").isTrue();
        }
        assertThat(rows.count("""
                select count(*) from delivery where run_id = ? and channel = 'SMS' and status = 'delivered'
                  and provider_message_id = '202612-1000001' and fallback_reason is null""", run)).isEqualTo(4);
    }

    @Test
    void shouldGiveUpAGatewayThatKeepsAskingToRetryAndEmailTheClientInsteadUnderOneCapReservation() throws Exception {
        List<Long> clients = clients(2, "SMS", "EMAIL");
        GATEWAY.stubFor(post(urlEqualTo("/sms/send")).willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));
        double gaveUpBefore = counter("SMS", "gave-up");

        long run = rows.run(clients, definition("SMS", "EMAIL"), false, "SMS", "EMAIL");

        awaitFinished(run);
        assertThat(rows.statuses(run)).containsExactly(Map.entry("delivered", 2L));
        assertThat(texted()).as("three attempts per number, then the channel was given up")
                .containsOnly(Map.entry(digits(clients.get(0)), 3L), Map.entry(digits(clients.get(1)), 3L));
        assertThat(recipients()).containsExactlyInAnyOrder(email(clients.get(0)), email(clients.get(1)));
        for (long client : clients) {
            assertThat(jdbc.queryForMap("""
                    select channel, status, attempts, channel_attempts, fallback_reason, reason from delivery
                    where run_id = ? and client_id = ?""", run, client))
                    .containsEntry("channel", "EMAIL").containsEntry("attempts", 4).containsEntry("channel_attempts", 1)
                    .containsEntry("fallback_reason", "SMS gave up after 3 attempts: SMS.ru answered HTTP 503")
                    .containsEntry("reason", null);
        }
        assertThat(counter("SMS", "gave-up") - gaveUpBefore).isEqualTo(2);
        assertThat(jdbc.queryForList("""
                select cc.client_id from client_contact cc join delivery d on d.id = cc.delivery_id
                where d.run_id = ? and d.status = 'delivered' and cc.previous_delivery_id is null""", Long.class, run))
                .as("one reservation per client, naming the delivery that reached it")
                .containsExactlyInAnyOrderElementsOf(clients);

        long again = rows.run(clients, definition("SMS", "EMAIL"), false, "SMS", "EMAIL");
        awaitFinished(again);
        assertThat(rows.statuses(again)).as("the message on the second channel counts for the cap")
                .containsExactly(Map.entry("capped", 2L));
    }

    @Test
    void shouldFailWithTheLastAnswerWhenTheOnlyChannelIsGivenUpAfterWaitsThatGrow() {
        List<Long> clients = clients(1, "SMS");
        long client = clients.get(0);
        GATEWAY.stubFor(post(urlEqualTo("/sms/send")).willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));

        long run = rows.run(clients, definition("SMS"), false, "SMS");

        awaitFinished(run);
        assertThat(jdbc.queryForMap("select status, attempts, channel_attempts, channel, reason, sent_at from delivery"
                + " where run_id = ?", run))
                .containsEntry("status", "failed").containsEntry("attempts", 3).containsEntry("channel_attempts", 3)
                .containsEntry("channel", "SMS").containsEntry("sent_at", null)
                .containsEntry("reason", "SMS gave up after 3 attempts: SMS.ru answered HTTP 503");
        List<Long> at = GATEWAY.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate().getTime()).sorted()
                .toList();
        assertThat(at).hasSize(3);
        long first = at.get(1) - at.get(0);
        long second = at.get(2) - at.get(1);
        System.out.printf("SMS gateway retried after %d ms and %d ms%n", first, second);
        // backoff 1 s then 2 s, each within 20% jitter, never sooner than the 1 s the connector asked for
        assertThat(first).isGreaterThanOrEqualTo(1000);
        assertThat(second).as("the second wait is at least the doubled backoff less its jitter").isGreaterThanOrEqualTo(1600);
        assertThat(rows.count("select count(*) from client_contact where client_id = ?", client))
                .as("the cap of a client never reached is released").isZero();
    }

    // ---- helpers ----

    private List<Long> clients(int n, String... channels) {
        List<Long> ids = rows.clients(n);
        for (String channel : channels) {
            rows.consent(ids, channel, channel.equals("EMAIL") ? ConnectorPluginDispatchTest::email
                    : c -> "+7 (999) " + digits(c).substring(4));
        }
        return ids;
    }

    private static String email(long client) {
        return "client" + client + "@example.org";
    }

    /** The number as the SMS connector sends it: digits only. */
    private static String digits(long client) {
        return "7999" + String.format("%07d", client);
    }

    private static String definition(String... channels) {
        List<String> steps = new ArrayList<>();
        for (String channel : channels) {
            steps.add(channel.equals("EMAIL") ? """
                    {"channel": "EMAIL", "connector": "email", "template": {"subject": "%s",
                     "text": "{{greeting}} Скидка 10%% по коду {{promoCode}}. Отписаться: {{unsubscribeUrl}}",
                     "html": "<p>{{greeting}} Скидка 10%% по коду <b>{{promoCode}}</b>.</p><p><a href=\\"{{unsubscribeUrl}}\\">Отписаться</a></p>"}}"""
                    .formatted(SUBJECT) : """
                    {"channel": "SMS", "connector": "sms", "template": {"text": "{{greeting}} Скидка 10%% по коду {{promoCode}}"}}"""
                    .formatted());
        }
        return """
                {"channels": [%s], "variables": {"promoCode": "NY10"}, "policy": {"frequencyCap": "P7D"}}"""
                .formatted(String.join(", ", steps));
    }

    /** Requests that reached the SMS gateway, per number. */
    private Map<String, Long> texted() {
        return GATEWAY.getAllServeEvents().stream().collect(Collectors.groupingBy(e -> form(e).get("to"), Collectors.counting()));
    }

    private static Map<String, String> form(ServeEvent e) {
        return Arrays.stream(e.getRequest().getBodyAsString().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p -> p.length < 2 ? "" : URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    /** Recipients of the e-mails that reached the SMTP server, one entry per message. */
    private static List<String> recipients() throws MessagingException {
        List<String> to = new ArrayList<>();
        for (MimeMessage m : SMTP.getReceivedMessages()) {
            to.add(m.getAllRecipients()[0].toString());
        }
        return to;
    }

    private double counter(String channel, String outcome) {
        var c = meters.find(DispatchMetrics.DELIVERIES).tag("channel", channel).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    private void awaitFinished(long run) {
        await("run " + run + " finishes", () -> rows.runState(run).equals("finished"), Duration.ofSeconds(60));
    }

    private void await(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting until " + what + "; connectors: " + registry.connectors()
                        + "; plugins: " + registry.list());
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
