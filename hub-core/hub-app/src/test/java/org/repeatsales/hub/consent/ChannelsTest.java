package org.repeatsales.hub.consent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

    private static final GreenMail SMTP = new GreenMail(patientStart(ServerSetupTest.SMTP.dynamicPort()));

    static {
        // started before the context so its port can be a setting
        SMTP.start();
    }

    @DynamicPropertySource
    static void smtpPort(DynamicPropertyRegistry registry) {
        registry.add("hub.plugins.email.port", () -> SMTP.getSmtp().getPort());
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

    /** GreenMail gives up starting after 2 s by default, which a loaded build machine overruns. */
    private static com.icegreen.greenmail.util.ServerSetup patientStart(com.icegreen.greenmail.util.ServerSetup setup) {
        setup.setServerStartupTimeout(30_000);
        return setup;
    }
}
