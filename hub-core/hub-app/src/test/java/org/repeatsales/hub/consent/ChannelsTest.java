package org.repeatsales.hub.consent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.TestPlugins;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Consent, the signed unsubscribe link and the test send, with the e-mail connector's plugin zip
 * (built by connectors/email) dropped into the plugin folder and a GreenMail SMTP server.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false",
                "hub.plugins.email.host=127.0.0.1", "hub.plugins.email.security=plain",
                "hub.plugins.email.from=shop@example.org", "hub.channels.public-url=https://hub.example"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelsTest {

    private static final GreenMail SMTP = new GreenMail(patient(ServerSetupTest.SMTP.dynamicPort()));

    static {
        // started before the context so its port can be a setting
        SMTP.start();
    }

    @DynamicPropertySource
    static void smtpPort(DynamicPropertyRegistry registry) {
        registry.add("hub.plugins.email.port", () -> SMTP.getSmtp().getPort());
        registry.add("hub.plugins.spare-channel.token", () -> "spare-secret-token");
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    UnsubscribeLinks links;

    @Autowired
    ConsentService consents;

    @Autowired
    PluginRegistry registry;

    HubApiClient admin;
    HubApiClient anonymous;

    @BeforeAll
    void setUp() throws IOException {
        admin = HubApiClient.admin(port);
        anonymous = HubApiClient.anonymous(port);
        TestPlugins.drop(emailConnectorZip(), registry.folder());
        awaitStarted("email");
    }

    @AfterAll
    void stopSmtp() {
        SMTP.stop();
    }

    private static Path emailConnectorZip() throws IOException {
        Path dist = Path.of("../../connectors/target/dist");
        try (DirectoryStream<Path> zips = Files.newDirectoryStream(dist, "email-*.zip")) {
            for (Path zip : zips) {
                return zip;
            }
        }
        throw new AssertionError("No e-mail connector zip in " + dist.toAbsolutePath() + ": build connectors/email first");
    }

    private long client(String name, String email) {
        return jdbc.queryForObject("insert into client (name, email) values (?, ?) returning id", Long.class, name, email);
    }

    private void give(long clientId) {
        HubApiClient.Response r = admin.postJson("/api/v1/clients/" + clientId + "/consents", """
                {"channel": "EMAIL", "state": "given", "address": "Anna@Example.org", "source": "shop-form", "proof": "form 17"}""");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    @Test
    void shouldRecordConsentWithAddressAndHistory() {
        long anna = client("Анна", "anna@example.org");

        give(anna);

        assertThat(consents.maySend(anna, Channel.EMAIL)).isTrue();
        assertThat(consents.maySend(anna, Channel.SMS)).isFalse();
        assertThat(jdbc.queryForObject("select address from client_address where client_id = ? and channel = 'EMAIL'",
                String.class, anna)).isEqualTo("anna@example.org");
        assertThat(jdbc.queryForObject("select source || '/' || proof from consent where client_id = ?", String.class, anna))
                .isEqualTo("shop-form/form 17");
    }

    @Test
    void shouldRejectConsentForUnknownClientOrState() {
        assertThat(admin.postJson("/api/v1/clients/999999/consents",
                "{\"channel\": \"EMAIL\", \"state\": \"given\", \"source\": \"api\"}").status()).isEqualTo(404);
        long boris = client("Борис", "boris@example.org");
        assertThat(admin.postJson("/api/v1/clients/" + boris + "/consents",
                "{\"channel\": \"EMAIL\", \"state\": \"maybe\", \"source\": \"api\"}").status()).isEqualTo(400);
        assertThat(anonymous.postJson("/api/v1/clients/" + boris + "/consents",
                "{\"channel\": \"EMAIL\", \"state\": \"given\", \"source\": \"api\"}").status()).isEqualTo(401);
    }

    @Test
    void shouldShowRussianConfirmationWithoutUnsubscribingOnGet() {
        long vera = client("Вера", "vera@example.org");
        give(vera);

        HubApiClient.Response page = anonymous.get("/u/" + links.token(vera, Channel.EMAIL));

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Отписаться от рассылки?", "по электронной почте", "method=\"post\"");
        assertThat(consents.maySend(vera, Channel.EMAIL)).isTrue();
    }

    @Test
    void shouldWithdrawConsentOnOneClickPost() {
        long gleb = client("Глеб", "gleb@example.org");
        give(gleb);
        assertThat(links.url(gleb, Channel.EMAIL)).startsWith("https://hub.example/u/" + gleb + ".EMAIL.");

        HubApiClient.Response r = anonymous.postRaw("/u/" + links.token(gleb, Channel.EMAIL),
                "List-Unsubscribe=One-Click".getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("Вы отписались");
        assertThat(consents.maySend(gleb, Channel.EMAIL)).isFalse();
        assertThat(consents.current(gleb, Channel.EMAIL)).contains("withdrawn");
        // the history keeps the consent and its withdrawal; a second click adds nothing
        anonymous.postRaw("/u/" + links.token(gleb, Channel.EMAIL), new byte[0], "application/x-www-form-urlencoded");
        assertThat(jdbc.queryForList("select state from consent where client_id = ? order by id", String.class, gleb))
                .containsExactly("given", "withdrawn");
    }

    @Test
    void shouldRefuseForgedTokenAndTokenOfAnotherClient() {
        long dina = client("Дина", "dina@example.org");
        long efim = client("Ефим", "efim@example.org");
        give(dina);
        give(efim);
        String dinaToken = links.token(dina, Channel.EMAIL);
        String signature = dinaToken.substring(dinaToken.lastIndexOf('.') + 1);

        List<String> refused = List.of(
                efim + ".EMAIL." + signature,                          // Dina's signature on Efim's id
                dina + ".SMS." + signature,                            // another channel
                efim + ".EMAIL.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // made up
                "not-a-token");
        for (String token : refused) {
            assertThat(anonymous.postRaw("/u/" + token, new byte[0], "application/x-www-form-urlencoded").status())
                    .as(token).isEqualTo(404);
            assertThat(anonymous.get("/u/" + token).status()).as(token).isEqualTo(404);
        }

        assertThat(consents.maySend(efim, Channel.EMAIL)).isTrue();
        assertThat(consents.maySend(dina, Channel.EMAIL)).isTrue();
    }

    @Test
    void shouldDeliverTestSendThroughEmailConnector() throws Exception {
        HubApiClient.Response r = admin.postJson("/api/v1/channels/email/test",
                "{\"address\": \"admin@example.org\", \"subject\": \"Проверка связи\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode result = r.json();
        assertThat(result.get("outcome").asText()).isEqualTo("delivered");
        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).anySatisfy(m -> {
            assertThat(m.getSubject()).isEqualTo("Проверка связи");
            assertThat(m.getAllRecipients()[0].toString()).isEqualTo("admin@example.org");
            assertThat(m.getMessageID()).isEqualTo(result.get("detail").asText());
        });
    }

    @Test
    void shouldAnswerNotFoundForUnknownConnectorAndRequireLogin() {
        assertThat(admin.postJson("/api/v1/channels/telegram/test", "{\"address\": \"1\"}").status()).isEqualTo(404);
        assertThat(anonymous.postJson("/api/v1/channels/email/test", "{\"address\": \"a@example.org\"}").status()).isEqualTo(401);
    }

    @Test
    void shouldListTheConnectorsOfFailedAndDisabledPluginsWithStateAndReason(@TempDir Path work) throws Exception {
        TestPlugins.drop(channelPlugin(work, "spare-channel", "0.3.0", "Ready"), registry.folder());
        awaitStarted("spare-channel");
        assertThat(admin.post("/api/v1/plugins/spare-channel/disable").status()).isEqualTo(200);
        TestPlugins.drop(channelPlugin(work, "broken-channel", "0.3.0",
                "throw new IllegalStateException(\"cannot open the gateway session\")"), registry.folder());
        TestPlugins.drop(channelPlugin(work, "future-channel", "9.0.0", "Ready"), registry.folder());
        awaitState("broken-channel", PluginState.FAILED);
        awaitState("future-channel", PluginState.FAILED);

        HubApiClient.Response r = admin.get("/api/v1/channels");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(connector(r.json(), "email").get("state").asText()).isEqualTo("ready");
        JsonNode spare = connector(r.json(), "spare-channel-sms");
        assertThat(spare.get("plugin").asText()).isEqualTo("spare-channel");
        assertThat(spare.get("channel").asText()).as("known from when it was started").isEqualTo("SMS");
        assertThat(spare.get("state").asText()).isEqualTo("disabled");
        assertThat(spare.get("reason").asText()).contains("plugin spare-channel is disabled");
        assertThat(spare.get("rateLimit").isNull()).isTrue();
        JsonNode broken = ofPlugin(r.json(), "broken-channel");
        assertThat(broken.get("id").isNull()).as("its connectors never started: their ids are unknown").isTrue();
        assertThat(broken.get("state").asText()).isEqualTo("failed");
        assertThat(broken.get("reason").asText()).contains("plugin broken-channel failed", "cannot open the gateway session");
        JsonNode future = ofPlugin(r.json(), "future-channel");
        assertThat(future.get("state").asText()).isEqualTo("failed");
        assertThat(future.get("reason").asText()).contains("Requires hub-api 9.0.0");
        assertThat(r.body()).as("no setting's value").doesNotContain("spare-secret-token");
        assertThat(admin.postJson("/api/v1/channels/spare-channel-sms/test", "{\"address\": \"79990000001\"}").status())
                .as("a disabled plugin's connector does not send").isEqualTo(404);

        String page = consolePage("/channels");
        assertThat(page).contains("data-connector=\"spare-channel-sms\"", "data-state=\"disabled\"",
                "плагин отключён", "data-plugin=\"broken-channel\"", "data-state=\"failed\"", "плагин не загрузился",
                "коннекторы плагина broken-channel", "cannot open the gateway session");
    }

    /**
     * A connector plugin {@code <id>} with one SMS connector {@code <id>-sms}; {@code constructorBody}
     * is its constructor's code ("Ready" for none), {@code requires} the hub-api it asks for.
     */
    private static Path channelPlugin(Path work, String id, String requires, String constructorBody) {
        String pkg = "test." + id.replace("-", "");
        return TestPlugins.build(work, id, requires, java.util.Map.of(pkg + ".Connector", """
                package %s;

                import org.pf4j.Extension;
                import org.repeatsales.hub.api.PluginContext;
                import org.repeatsales.hub.api.channel.*;

                @Extension
                public class Connector implements ChannelConnector {
                    public Connector(PluginContext context) { %s }
                    public String id() { return "%s-sms"; }
                    public Channel channel() { return Channel.SMS; }
                    public Readiness readiness() { return Readiness.ready(); }
                    public ContentLimits contentLimits() { return new ContentLimits(0, 402, false, 4096); }
                    public DeliveryOutcome send(OutboundMessage m) { return new DeliveryOutcome.Delivered("1"); }
                }
                """.formatted(pkg, constructorBody.equals("Ready") ? "" : constructorBody + ";", id)));
    }

    private static JsonNode connector(JsonNode list, String id) {
        for (JsonNode c : list) {
            if (id.equals(c.path("id").asText(null))) {
                return c;
            }
        }
        throw new AssertionError("No connector " + id + " in " + list);
    }

    private static JsonNode ofPlugin(JsonNode list, String plugin) {
        for (JsonNode c : list) {
            if (plugin.equals(c.path("plugin").asText(null))) {
                return c;
            }
        }
        throw new AssertionError("No connector of plugin " + plugin + " in " + list);
    }

    /** A console page as the admin sees it after logging in through the form. */
    private String consolePage(String path) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        String base = "http://localhost:" + port;
        String loginPage = browser.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(loginPage);
        assertThat(csrf.find()).as("the login form carries a CSRF token").isTrue();
        String form = "username=admin&password=test-admin-password&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        browser.send(HttpRequest.newBuilder(URI.create(base + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        return page.body();
    }

    private void awaitState(String id, PluginState state) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (registry.list().stream().noneMatch(p -> p.id().equals(id) && p.state() == state)) {
            assertThat(System.currentTimeMillis()).as("plugin %s %s: %s", id, state, registry.list()).isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private void awaitStarted(String id) {
        awaitState(id, PluginState.STARTED);
    }

    /** GreenMail gives a server 2 s to start by default: too little on a loaded 2-core CI machine. */
    private static ServerSetup patient(ServerSetup setup) {
        setup.setServerStartupTimeout(30_000);
        return setup;
    }
}
