package org.repeatsales.hub.connector.telegram;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.text.MessageFormat;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.repeatsales.hub.api.PluginContext;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.ClientCommand;
import org.repeatsales.hub.api.channel.ClientCommands;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.api.channel.RateLimit;

/** The connector against a WireMock Bot API on a free port. */
class TelegramConnectorTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final String TOKEN = "123456:AAH-test-token";
    private static final String SEND = "/bot" + TOKEN + "/sendMessage";
    private static final String OK = """
            {"ok":true,"result":{"message_id":%d,"chat":{"id":1,"type":"private"},"date":1764000000,"text":"x"}}""";

    @RegisterExtension
    static final WireMockExtension botApi = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().containerThreads(20)).build();

    private final List<String> logged = new CopyOnWriteArrayList<>();

    private TelegramConnector connector(Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(Map.of(
                "base-url", botApi.baseUrl(),
                "token-env", "TELEGRAM_BOT_TOKEN",
                "bot-username", "ShopBot"));
        config.putAll(overrides);
        config.values().removeIf(String::isEmpty);
        return new TelegramConnector(new PluginContext("telegram", config, Clock.fixed(NOW, ZoneOffset.UTC),
                new CapturingLogger(logged)), name -> name.equals("TELEGRAM_BOT_TOKEN") ? TOKEN : null);
    }

    private static OutboundMessage message(String chat, String text) {
        // the correlation id is the hub's delivery id, never the chat id
        return new OutboundMessage(chat, null, null, text, Map.of(), "delivery-" + Integer.toHexString(chat.hashCode()));
    }

    private static void stubOk() {
        botApi.stubFor(post(urlEqualTo(SEND)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OK.formatted(4711))));
    }

    @Test
    void shouldSendTextToTheChatAndKeepTheMessageId() {
        stubOk();
        DeliveryOutcome outcome = connector(Map.of()).send(message("123456789", "Скидка 10% для постоянных клиентов"));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered("4711"));
        botApi.verify(postRequestedFor(urlEqualTo(SEND)).withRequestBody(
                equalToJson("{\"chat_id\":123456789,\"text\":\"Скидка 10% для постоянных клиентов\"}")));
    }

    @Test
    void shouldDeclareChannelLimitsAndReadiness() {
        TelegramConnector connector = connector(Map.of("rate-per-second", "25"));
        assertThat(connector.channel()).isEqualTo(Channel.TELEGRAM);
        assertThat(connector.readiness().isReady()).isTrue();
        assertThat(connector.rateLimit()).isEqualTo(RateLimit.perSecond(25));
        assertThat(connector.perAddressRateLimit()).isEqualTo(RateLimit.perSecond(1));
        assertThat(connector.contentLimits().maxTextChars()).isEqualTo(4096);
        assertThat(connector.startLink("abc")).contains("https://t.me/ShopBot?start=abc");
        assertThat(connector.receivesCommands()).isTrue();
    }

    @Test
    void shouldNotBeReadyWithoutToken() {
        TelegramConnector connector = connector(Map.of("token-env", "NO_SUCH_VARIABLE"));
        assertThat(connector.readiness().isReady()).isFalse();
        assertThat(connector.readiness().reason()).contains("NO_SUCH_VARIABLE");
        assertThat(connector(Map.of("token-env", "")).readiness().reason()).contains("token-env");
    }

    @Test
    void shouldStayUnderTheGlobalRateInABurst() throws Exception {
        stubOk();
        TelegramConnector connector = connector(Map.of("rate-per-second", "30"));
        // several hub threads at once, as the dispatcher calls it: the pacing must hold across them
        ExecutorService threads = Executors.newFixedThreadPool(6);
        List<Future<DeliveryOutcome>> sends = new ArrayList<>();
        long started = System.nanoTime();
        for (int chat = 1; chat <= 60; chat++) {
            String address = Integer.toString(1000 + chat);
            sends.add(threads.submit(() -> connector.send(message(address, "Hi"))));
        }
        for (Future<DeliveryOutcome> send : sends) {
            assertThat(send.get()).isInstanceOf(DeliveryOutcome.Delivered.class);
        }
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        threads.shutdown();

        // 60 messages at 30/s: the 60th cannot leave before ~2 s
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(1900);
        List<Long> arrivals = botApi.getAllServeEvents().stream()
                .map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
        // the rate the stub saw over the whole burst stays under the limit (59 gaps of >= 1/30 s)...
        assertThat(arrivals.get(arrivals.size() - 1) - arrivals.get(0)).isGreaterThanOrEqualTo(59 * 1000 / 30 - 100);
        // ...and no one-second window of arrivals exceeds it by more than scheduling jitter on a busy
        // 2-core machine can bunch up (departures are paced exactly; arrivals are what the stub clocks)
        assertThat(maxInAnySecond(botApi.getAllServeEvents())).isLessThanOrEqualTo(33);
    }

    @Test
    void shouldSendToOneChatAtMostOnceASecond() {
        stubOk();
        TelegramConnector connector = connector(Map.of());
        long started = System.nanoTime();
        connector.send(message("555", "first"));
        connector.send(message("555", "second"));
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void shouldWaitOutRetryAfterInsteadOfHammering() {
        botApi.stubFor(post(urlEqualTo(SEND)).inScenario("flood").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json").withBody("""
                        {"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}"""))
                .willSetStateTo("calm"));
        botApi.stubFor(post(urlEqualTo(SEND)).inScenario("flood").whenScenarioStateIs("calm")
                .willReturn(aResponse().withStatus(200).withBody(OK.formatted(7))));
        TelegramConnector connector = connector(Map.of());

        DeliveryOutcome first = connector.send(message("1001", "Hi"));
        long afterFirst = System.nanoTime();
        // the hub (or another thread) tries again at once, to another chat: the pause is bot-wide
        DeliveryOutcome second = connector.send(message("1002", "Hi"));
        long waitedMillis = (System.nanoTime() - afterFirst) / 1_000_000;

        assertThat(first).isEqualTo(new DeliveryOutcome.RetryLater(NOW.plusSeconds(1),
                "Telegram flood control: 429 Too Many Requests: retry after 1"));
        assertThat(second).isEqualTo(new DeliveryOutcome.Delivered("7"));
        assertThat(waitedMillis).isGreaterThanOrEqualTo(900);
        assertThat(botApi.getAllServeEvents()).hasSize(2);
    }

    @Test
    void shouldAnswerRetryLaterWithoutARequestWhileALongPauseRuns() {
        botApi.stubFor(post(urlEqualTo(SEND)).willReturn(aResponse().withStatus(429).withBody("""
                {"ok":false,"error_code":429,"description":"Too Many Requests: retry after 30","parameters":{"retry_after":30}}""")));
        TelegramConnector connector = connector(Map.of());

        connector.send(message("1001", "Hi"));
        DeliveryOutcome second = connector.send(message("1002", "Hi"));

        // sitting out 30 s would block a hub thread; the hub retries at the instant given
        assertThat(second).isInstanceOfSatisfying(DeliveryOutcome.RetryLater.class,
                later -> assertThat(later.after()).isAfter(NOW.plusSeconds(25)));
        assertThat(botApi.getAllServeEvents()).hasSize(1);
    }

    @Test
    void shouldTreatBlockedBotAsUnsubscribed() {
        botApi.stubFor(post(urlEqualTo(SEND)).willReturn(aResponse().withStatus(403).withBody("""
                {"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}""")));
        assertThat(connector(Map.of()).send(message("1001", "Hi"))).isInstanceOf(DeliveryOutcome.Unsubscribed.class);
    }

    @Test
    void shouldRetryLaterOnServerError() {
        botApi.stubFor(post(urlEqualTo(SEND)).willReturn(aResponse().withStatus(502).withBody("<html>Bad Gateway</html>")));
        assertThat(connector(Map.of("retry-after-seconds", "60")).send(message("1001", "Hi")))
                .isEqualTo(new DeliveryOutcome.RetryLater(NOW.plusSeconds(60), "Bot API answered 502"));
    }

    @Test
    void shouldRetryLaterWhenTheBotApiIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        DeliveryOutcome outcome = connector(Map.of("base-url", "http://127.0.0.1:" + closedPort, "timeout-millis", "1000"))
                .send(message("1001", "Hi"));
        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.RetryLater.class,
                later -> assertThat(later.reason()).doesNotContain(TOKEN));
    }

    @Test
    void shouldFailRatherThanRiskADuplicateWhenTheAnswerNeverCame() {
        // the request reached Telegram; it may have delivered the message (ChannelConnector's idempotency rule)
        botApi.stubFor(post(urlEqualTo(SEND)).willReturn(aResponse().withStatus(200).withBody(OK.formatted(1))
                .withFixedDelay(1500)));
        assertThat(connector(Map.of("timeout-millis", "300")).send(message("1001", "Hi")))
                .isInstanceOf(DeliveryOutcome.Failed.class);
    }

    @Test
    void shouldFailRatherThanRiskADuplicateWhenTheConnectionDropsMidRequest() {
        botApi.stubFor(post(urlEqualTo(SEND)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        assertThat(connector(Map.of()).send(message("1001", "Hi"))).isInstanceOfSatisfying(DeliveryOutcome.Failed.class,
                failed -> assertThat(failed.reason()).doesNotContain(TOKEN));
    }

    @Test
    void shouldRefuseTextOverTheLimitWithoutARequest() {
        assertThat(connector(Map.of()).send(message("1001", "я".repeat(4097)))).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(botApi.getAllServeEvents()).isEmpty();
    }

    @Test
    void shouldNeverLogTheTokenOrTheText() {
        stubOk();
        TelegramConnector connector = connector(Map.of());
        connector.send(message("123456789", "Персональная скидка"));
        botApi.stubFor(post(urlEqualTo(SEND)).willReturn(aResponse().withStatus(429).withBody("""
                {"ok":false,"error_code":429,"parameters":{"retry_after":30}}""")));
        connector.send(message("987654321", "Персональная скидка"));

        assertThat(logged).isNotEmpty().noneMatch(line -> line.contains(TOKEN) || line.contains("AAH-test")
                || line.contains("Персональная") || line.contains("123456789"));
    }

    private static final String GET_UPDATES = "/bot" + TOKEN + "/getUpdates";
    /** A getUpdates answer as the Bot API sends it: /start with a token, a plain text, /stop, a group. */
    private static final String UPDATES = """
            {"ok":true,"result":[
             {"update_id":512000101,"message":{"message_id":11,"from":{"id":7001,"is_bot":false,"first_name":"Анна",
              "language_code":"ru"},"chat":{"id":7001,"first_name":"Анна","type":"private"},"date":1764000000,
              "text":"/start tok_en-123","entities":[{"offset":0,"length":6,"type":"bot_command"}]}},
             {"update_id":512000102,"message":{"message_id":12,"from":{"id":7002,"is_bot":false,"first_name":"Борис"},
              "chat":{"id":7002,"first_name":"Борис","type":"private"},"date":1764000001,"text":"Здравствуйте"}},
             {"update_id":512000103,"message":{"message_id":13,"from":{"id":7003,"is_bot":false,"first_name":"Вера"},
              "chat":{"id":7003,"first_name":"Вера","type":"private"},"date":1764000002,"text":"/stop",
              "entities":[{"offset":0,"length":5,"type":"bot_command"}]}},
             {"update_id":512000104,"message":{"message_id":14,"from":{"id":7004,"is_bot":false,"first_name":"Глеб"},
              "chat":{"id":-100200300,"title":"Клуб","type":"supergroup"},"date":1764000003,"text":"/start tok_en-999"}}
            ]}""";

    @Test
    void shouldReadStartAndStopCommandsAndTheLastUpdateId() throws IOException {
        botApi.stubFor(post(urlEqualTo(GET_UPDATES)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(UPDATES)));

        ClientCommands read = connector(Map.of()).receive(512000100, Duration.ofSeconds(3));

        assertThat(read.lastPosition()).isEqualTo(512000104);
        assertThat(read.commands()).containsExactly(
                new ClientCommand(512000101, "7001", ClientCommand.Kind.START, "tok_en-123"),
                new ClientCommand(512000103, "7003", ClientCommand.Kind.STOP, null));
        // offset = position + 1 confirms everything up to the stored position, and only messages are asked for
        botApi.verify(postRequestedFor(urlEqualTo(GET_UPDATES)).withRequestBody(
                equalToJson("{\"offset\":512000101,\"timeout\":3,\"allowed_updates\":[\"message\"]}")));
    }

    @Test
    void shouldAskWithoutOffsetTheFirstTimeAndKeepThePositionWhenNothingCame() throws IOException {
        botApi.stubFor(post(urlEqualTo(GET_UPDATES)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"result\":[]}")));

        assertThat(connector(Map.of()).receive(0, Duration.ZERO)).isEqualTo(ClientCommands.none(0));

        botApi.verify(postRequestedFor(urlEqualTo(GET_UPDATES)).withRequestBody(
                equalToJson("{\"timeout\":0,\"allowed_updates\":[\"message\"]}")));
    }

    @Test
    void shouldReportAnActiveWebhookWithoutTheToken() {
        botApi.stubFor(post(urlEqualTo(GET_UPDATES)).willReturn(aResponse().withStatus(409).withBody("""
                {"ok":false,"error_code":409,"description":"Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}""")));

        Assertions.assertThatThrownBy(() -> connector(Map.of()).receive(5, Duration.ZERO))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("409").hasMessageContaining("webhook is active")
                .message().doesNotContain(TOKEN);
    }

    @Test
    void shouldAskGetMeOnceForTheUsernameWhenNotConfigured() {
        botApi.stubFor(post(urlEqualTo("/bot" + TOKEN + "/getMe")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"ok":true,"result":{"id":123456,"is_bot":true,"first_name":"Магазин","username":"corner_shop_bot",
                         "can_join_groups":true,"can_read_all_group_messages":false,"supports_inline_queries":false}}""")));
        TelegramConnector connector = connector(Map.of("bot-username", ""));

        assertThat(connector.startLink("t1")).contains("https://t.me/corner_shop_bot?start=t1");
        assertThat(connector.startLink("t2")).contains("https://t.me/corner_shop_bot?start=t2");
        botApi.verify(exactly(1), postRequestedFor(urlEqualTo("/bot" + TOKEN + "/getMe")));
    }

    @Test
    void shouldGiveNoLinkWhileGetMeFails() {
        botApi.stubFor(post(urlEqualTo("/bot" + TOKEN + "/getMe")).willReturn(aResponse().withStatus(401)
                .withBody("{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}")));

        assertThat(connector(Map.of("bot-username", "")).startLink("t1")).isEmpty();
        assertThat(logged).anyMatch(line -> line.contains("getMe") && line.contains("401")).noneMatch(l -> l.contains(TOKEN));
    }

    /** The most requests WireMock logged within any window of one second. */
    private static int maxInAnySecond(List<ServeEvent> events) {
        List<Long> times = events.stream().map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
        int max = 0;
        for (int i = 0; i < times.size(); i++) {
            int j = i;
            while (j < times.size() && times.get(j) < times.get(i) + 1000) {
                j++;
            }
            max = Math.max(max, j - i);
        }
        return max;
    }

    /** Keeps every message at every level, formatted, so tests can look for what must never appear. */
    private record CapturingLogger(List<String> lines) implements System.Logger {
        @Override
        public String getName() {
            return "test.telegram";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + (params == null ? format : MessageFormat.format(format, params)));
        }
    }

}
