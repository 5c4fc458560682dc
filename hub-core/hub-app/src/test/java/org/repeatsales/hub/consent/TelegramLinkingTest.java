package org.repeatsales.hub.consent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.PluginView;
import org.repeatsales.hub.plugin.TestPlugins;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Linking a Telegram chat to a client and {@code /stop}, with connectors/telegram's plugin zip in the
 * plugin folder and WireMock playing the Bot API ({@code getUpdates} answers shaped like Telegram's);
 * and the channel list, beside connectors/sms's zip left without settings.
 * The intake's own thread is off: each test polls once itself, so it knows what was read.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false",
                "hub.channels.intake.enabled=false", "hub.plugins.telegram.token-env=HUB_TEST_TELEGRAM_TOKEN",
                "hub.plugins.telegram.bot-username=ShopBot"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TelegramLinkingTest {

    /** The value surefire puts into HUB_TEST_TELEGRAM_TOKEN (hub-app's pom). */
    private static final String BOT = "/bot123456:hub-test-token";
    private static final WireMockServer botApi = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        botApi.start();
    }

    @DynamicPropertySource
    static void botApiUrl(DynamicPropertyRegistry registry) {
        registry.add("hub.plugins.telegram.base-url", botApi::baseUrl);
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ConsentService consents;
    @Autowired
    TelegramLinks links;
    @Autowired
    CommandIntake intake;
    @Autowired
    PluginRegistry registry;
    @Autowired
    DSLContext db;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    ChannelsProperties channels;

    HubApiClient admin;
    int polls;

    @BeforeAll
    void dropConnector() throws IOException {
        admin = HubApiClient.admin(port);
        TestPlugins.drop(connectorZip("telegram"), registry.folder());
        TestPlugins.drop(connectorZip("sms"), registry.folder());
        awaitStarted("telegram");
        awaitStarted("sms");
    }

    @AfterAll
    void stopBotApi() {
        botApi.stop();
    }

    @BeforeEach
    void botAnswersSends() {
        botApi.resetAll();
        botApi.stubFor(post(urlEqualTo(BOT + "/sendMessage")).willReturn(okJson("""
                {"ok":true,"result":{"message_id":900,"chat":{"id":1,"type":"private"},"date":1764000000,"text":"x"}}""")));
    }

    private static Path connectorZip(String id) throws IOException {
        Path dist = Path.of("../../connectors/target/dist");
        try (DirectoryStream<Path> zips = Files.newDirectoryStream(dist, id + "-*.zip")) {
            for (Path zip : zips) {
                return zip;
            }
        }
        throw new AssertionError("No " + id + " connector zip in " + dist.toAbsolutePath() + ": build connectors/" + id + " first");
    }

    private long client(String name) {
        return jdbc.queryForObject("insert into client (name) values (?) returning id", Long.class, name);
    }

    private String link(long clientId) {
        HubApiClient.Response r = admin.post("/api/v1/clients/" + clientId + "/telegram-link");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("url").asText();
    }

    private static String token(String link) {
        return link.substring(link.indexOf("?start=") + "?start=".length());
    }

    /** The Bot API's answer to getUpdates holding one private-chat message. */
    private static String update(long updateId, long chat, String text) {
        return """
                {"ok":true,"result":[{"update_id":%d,"message":{"message_id":%d,
                 "from":{"id":%d,"is_bot":false,"first_name":"Клиент","language_code":"ru"},
                 "chat":{"id":%d,"first_name":"Клиент","type":"private"},"date":1764000000,"text":"%s",
                 "entities":[{"offset":0,"length":%d,"type":"bot_command"}]}}]}"""
                .formatted(updateId, updateId % 1000, chat, chat, text, text.indexOf(' ') < 0 ? text.length() : text.indexOf(' '));
    }

    /** The Bot API answers {@code getUpdates} once with {@code answer}, then with nothing. */
    private void nextUpdates(String answer) {
        botApi.stubFor(post(urlEqualTo(BOT + "/getUpdates")).atPriority(5).willReturn(okJson("{\"ok\":true,\"result\":[]}")));
        botApi.stubFor(post(urlEqualTo(BOT + "/getUpdates")).atPriority(1)
                .inScenario("updates " + ++polls).whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willSetStateTo("read").willReturn(okJson(answer)));
    }

    private void poll(String answer) {
        nextUpdates(answer);
        intake.pollOnce(Duration.ZERO);
    }

    private List<String> repliesTo(long chat) {
        return botApi.findAll(postRequestedFor(urlEqualTo(BOT + "/sendMessage"))
                        .withRequestBody(matchingJsonPath("$.chat_id", com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                                Long.toString(chat)))))
                .stream().map(LoggedRequest::getBodyAsString).toList();
    }

    private List<String> telegramAddresses(long clientId) {
        return jdbc.queryForList("select address from client_address where client_id = ? and channel = 'TELEGRAM'", String.class,
                clientId);
    }

    @Test
    void shouldListConnectorsWithReadinessAndRateLimitsButNoSecret() {
        HubApiClient.Response r = admin.get("/api/v1/channels");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode telegram = find(r.json(), "telegram");
        assertThat(telegram.get("channel").asText()).isEqualTo("TELEGRAM");
        assertThat(telegram.get("plugin").asText()).isEqualTo("telegram");
        assertThat(telegram.get("state").asText()).isEqualTo("ready");
        assertThat(telegram.get("reason").isNull()).isTrue();
        assertThat(telegram.get("rateLimit").get("permits").asInt()).isEqualTo(30);
        assertThat(telegram.get("rateLimit").get("perSeconds").asDouble()).isEqualTo(1.0);
        assertThat(telegram.get("perAddressRateLimit").get("permits").asInt()).isEqualTo(1);
        assertThat(telegram.get("receivesCommands").asBoolean()).isTrue();
        JsonNode sms = find(r.json(), "sms");
        assertThat(sms.get("channel").asText()).isEqualTo("SMS");
        assertThat(sms.get("state").asText()).isEqualTo("not-ready");
        assertThat(sms.get("reason").asText()).contains("hub.plugins.sms.dialect");
        assertThat(r.body()).doesNotContain("hub-test-token").doesNotContain("123456:");
        // marketers and analysts do not see connector settings
        assertThat(HubApiClient.anonymous(port).get("/api/v1/channels").status()).isEqualTo(401);
    }

    private static JsonNode find(JsonNode list, String id) {
        for (JsonNode c : list) {
            if (c.get("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("No connector " + id + " in " + list);
    }

    @Test
    void shouldAnswerNotFoundForAnUnknownClientAndConflictWithoutATelegramConnector() {
        assertThat(admin.post("/api/v1/clients/999999/telegram-link").status()).isEqualTo(404);
        long oleg = client("Олег");
        registry.disable("telegram");
        try {
            HubApiClient.Response r = admin.post("/api/v1/clients/" + oleg + "/telegram-link");
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().get("message").asText()).contains("No ready Telegram connector");
            assertThat(links.linkFor(oleg)).isEmpty();
            assertThat(jdbc.queryForObject("select count(*) from telegram_start_token where client_id = ?", Long.class, oleg)).isZero();
        } finally {
            registry.enable("telegram");
        }
        awaitStarted("telegram");
    }

    @Test
    void shouldHandOutOneDeepLinkPerClientUntilItIsUsed() {
        long anna = client("Анна");

        String first = link(anna);
        String again = link(anna);

        assertThat(first).matches("https://t\\.me/ShopBot\\?start=[A-Za-z0-9_-]{32}");
        assertThat(again).isEqualTo(first);
        assertThat(links.linkFor(anna)).contains(first);
        assertThat(link(client("Борис"))).isNotEqualTo(first);
        // the store keeps a digest and a nonce, never the token itself
        Map<String, Object> row = jdbc.queryForMap("select * from telegram_start_token where client_id = ?", anna);
        assertThat(row.values()).noneMatch(v -> v != null && v.toString().contains(token(first)));
        assertThat(row.get("token_hash")).isEqualTo(TelegramLinks.hash(token(first)));
    }

    @Test
    void shouldLinkTheChatWithConsentThenWithdrawItOnStopBeforeTheNextMessage() {
        long vera = client("Вера");
        String token = token(link(vera));

        poll(update(1001, 7001, "/start " + token));

        assertThat(consents.maySend(vera, Channel.TELEGRAM)).isTrue();
        assertThat(jdbc.queryForMap("select address, verified from client_address where client_id = ? and channel = 'TELEGRAM'", vera))
                .containsEntry("address", "7001").containsEntry("verified", true);
        assertThat(jdbc.queryForObject("select source || ' / ' || proof from consent where client_id = ?", String.class, vera))
                .isEqualTo("telegram-start / telegram update 1001");
        assertThat(repliesTo(7001)).singleElement().asString().contains(CommandIntake.LINKED.substring(0, 20));

        poll(update(1002, 7001, "/stop"));

        // what the dispatcher asks before every message: after /stop the answer is no
        assertThat(consents.maySend(vera, Channel.TELEGRAM)).isFalse();
        assertThat(jdbc.queryForList("select state || ' ' || source || ' ' || proof from consent where client_id = ? order by id",
                String.class, vera)).containsExactly("given telegram-start telegram update 1001",
                "withdrawn telegram-stop telegram update 1002");
        assertThat(repliesTo(7001)).hasSize(2).last().asString().contains("Вы отписались");
    }

    @Test
    void shouldUseATokenOnlyOnce() {
        long gleb = client("Глеб");
        String token = token(link(gleb));
        poll(update(2001, 7101, "/start " + token));

        poll(update(2002, 7102, "/start " + token));

        assertThat(telegramAddresses(gleb)).containsExactly("7101");
        assertThat(jdbc.queryForObject("select count(*) from client_address where address = '7102'", Long.class)).isZero();
        assertThat(repliesTo(7102)).singleElement().asString().contains("уже использована");
        // a used link is not handed out again
        assertThat(token(link(gleb))).isNotEqualTo(token);
    }

    @Test
    void shouldNotLinkAChatWithAMadeUpOrEditedToken() {
        long dina = client("Дина");
        String token = token(link(dina));
        String edited = token.substring(0, 31) + (token.charAt(31) == 'A' ? 'B' : 'A');

        poll(update(3001, 7201, "/start " + edited));
        poll(update(3002, 7201, "/start AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));

        assertThat(telegramAddresses(dina)).isEmpty();
        assertThat(consents.current(dina, Channel.TELEGRAM)).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from client_address where address = '7201'", Long.class)).isZero();
        assertThat(repliesTo(7201)).hasSize(2).allSatisfy(reply -> assertThat(reply).contains("не распознана"));
        // Dina's own token still works afterwards
        poll(update(3003, 7202, "/start " + token));
        assertThat(telegramAddresses(dina)).containsExactly("7202");
    }

    @Test
    void shouldLinkAChatOnlyToTheClientTheTokenWasIssuedForAndMoveItFromAnother() {
        long efim = client("Ефим");
        long zoya = client("Зоя");
        poll(update(4001, 7301, "/start " + token(link(efim))));

        // the same chat opens Zoya's link: the chat is Zoya's now, and Efim no longer gets messages there
        poll(update(4002, 7301, "/start " + token(link(zoya))));

        assertThat(telegramAddresses(zoya)).containsExactly("7301");
        assertThat(telegramAddresses(efim)).isEmpty();
        assertThat(consents.maySend(zoya, Channel.TELEGRAM)).isTrue();
        assertThat(consents.maySend(efim, Channel.TELEGRAM)).isFalse();
    }

    @Test
    void shouldNotLinkWithAnExpiredToken() {
        long ivan = client("Иван");
        String token = token(link(ivan));
        jdbc.update("update telegram_start_token set expires_at = now() - interval '1 minute' where client_id = ?", ivan);

        poll(update(5001, 7401, "/start " + token));

        assertThat(telegramAddresses(ivan)).isEmpty();
        assertThat(repliesTo(7401)).singleElement().asString().contains("истёк");
        // an expired link is not handed out again either
        assertThat(token(link(ivan))).isNotEqualTo(token);
    }

    @Test
    void shouldAskAfterTheStoredUpdateAfterARestartSoNothingIsAppliedTwice() {
        long kira = client("Кира");
        poll(update(6001, 7501, "/start " + token(link(kira))));
        long stored = jdbc.queryForObject("select last_position from channel_intake where connector_id = 'telegram'", Long.class);
        assertThat(stored).isGreaterThanOrEqualTo(6001);

        // a new intake, as after a restart: Telegram still has update 6001 for anyone asking without the offset
        botApi.resetRequests();
        botApi.stubFor(post(urlEqualTo(BOT + "/getUpdates")).atPriority(5)
                .willReturn(okJson(update(6001, 7501, "/start " + "x".repeat(32)))));
        botApi.stubFor(post(urlEqualTo(BOT + "/getUpdates")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.offset", com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                        Long.toString(stored + 1))))
                .willReturn(okJson("{\"ok\":true,\"result\":[]}")));
        CommandIntake restarted = new CommandIntake(registry, links, db, tx, channels);

        assertThat(restarted.pollOnce(Duration.ZERO)).isZero();

        botApi.verify(postRequestedFor(urlEqualTo(BOT + "/getUpdates"))
                .withRequestBody(equalToJson("{\"offset\":" + (stored + 1) + ",\"timeout\":0,\"allowed_updates\":[\"message\"]}")));
        assertThat(jdbc.queryForObject("select count(*) from consent where client_id = ?", Long.class, kira)).isEqualTo(1);
        assertThat(repliesTo(7501)).isEmpty();
    }

    @Test
    void shouldLinkByItselfWhileTheIntakeThreadRuns() throws InterruptedException {
        long mila = client("Мила");
        nextUpdates(update(storedPosition() + 1, 7701, "/start " + token(link(mila))));
        CommandIntake running = new CommandIntake(registry, links, db, tx, new ChannelsProperties(channels.publicUrl(), "",
                channels.telegramLinkTtl(), new ChannelsProperties.Intake(true, Duration.ofSeconds(1), Duration.ofSeconds(1))));

        running.start();
        try {
            long deadline = System.currentTimeMillis() + 20_000;
            while (!consents.maySend(mila, Channel.TELEGRAM) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
        } finally {
            running.stop();
        }

        assertThat(consents.maySend(mila, Channel.TELEGRAM)).isTrue();
        assertThat(telegramAddresses(mila)).containsExactly("7701");
    }

    @Test
    void shouldKeepThePositionWhenApplyingFailsSoTelegramSendsTheUpdatesAgain() {
        long lev = client("Лев");
        String token = token(link(lev));
        long before = storedPosition();
        botApi.stubFor(post(urlEqualTo(BOT + "/getUpdates")).willReturn(aResponse().withStatus(502)
                .withBody("<html><body>502 Bad Gateway</body></html>")));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> intake.pollOnce(Duration.ZERO))
                .hasMessageContaining("502").hasMessageNotContaining("hub-test-token");

        assertThat(storedPosition()).isEqualTo(before);
        poll(update(before + 1, 7601, "/start " + token));
        assertThat(telegramAddresses(lev)).containsExactly("7601");
    }

    private long storedPosition() {
        List<Long> stored = jdbc.queryForList("select last_position from channel_intake where connector_id = 'telegram'", Long.class);
        return stored.isEmpty() ? 0 : stored.get(0);
    }

    private void awaitStarted(String id) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            List<PluginView> plugins = registry.list();
            if (plugins.stream().anyMatch(p -> p.id().equals(id) && p.state() == PluginState.STARTED)) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("Plugin " + id + " not started: " + plugins);
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
