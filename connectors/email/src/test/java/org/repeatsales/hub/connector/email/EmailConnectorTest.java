package org.repeatsales.hub.connector.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.repeatsales.hub.api.PluginContext;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;

/** The connector against a real SMTP server (GreenMail) in the test JVM, on a free port. */
class EmailConnectorTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    @RegisterExtension
    static final GreenMailExtension greenMail = new GreenMailExtension(patientStart(ServerSetupTest.SMTP.dynamicPort()))
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("hub", "s3cret"))
            .withPerMethodLifecycle(true);

    private EmailConnector connector;

    @AfterEach
    void close() {
        if (connector != null) {
            connector.close();
        }
    }

    private EmailConnector connector(Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(Map.of(
                "host", "127.0.0.1",
                "port", Integer.toString(greenMail.getSmtp().getPort()),
                "security", "plain",
                "from", "shop@example.org"));
        config.putAll(overrides);
        config.values().removeIf(String::isEmpty);
        connector = new EmailConnector(new PluginContext("email", config, Clock.fixed(NOW, ZoneOffset.UTC),
                System.getLogger("test.email")), name -> name.equals("SMTP_PASSWORD") ? "s3cret" : null);
        return connector;
    }

    private static OutboundMessage message(String to, String correlationId) {
        return new OutboundMessage(to, "Скидка 10% для постоянных клиентов",
                "<p>Здравствуйте, <b>Анна</b>!</p>", "Здравствуйте, Анна!", Map.of(), correlationId)
                .withUnsubscribe("https://hub.example/u/token-1");
    }

    @Test
    void shouldSendHtmlWithPlainTextAlternativeAndUnsubscribeHeaders() throws Exception {
        DeliveryOutcome outcome = connector(Map.of()).send(message("anna@example.org", "d-1"));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(1);
        MimeMessage m = received[0];
        assertThat(m.getSubject()).isEqualTo("Скидка 10% для постоянных клиентов");
        assertThat(m.getHeader("List-Unsubscribe", null)).isEqualTo("<https://hub.example/u/token-1>");
        assertThat(m.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
        assertThat(m.getMessageID()).isEqualTo(((DeliveryOutcome.Delivered) outcome).providerMessageId());
        Map<String, String> parts = new HashMap<>();
        collect(m, parts);
        assertThat(parts.get("text/plain")).isEqualTo("Здравствуйте, Анна!");
        assertThat(parts.get("text/html")).isEqualTo("<p>Здравствуйте, <b>Анна</b>!</p>");
        assertThat(m.getContentType()).startsWith("multipart/");
    }

    @Test
    void shouldReuseOneConnectionForBulkSends() throws Exception {
        EmailConnector c = connector(Map.of("user", "hub", "password-env", "SMTP_PASSWORD"));
        assertThat(c.send(message("client0@example.org", "d-0"))).isInstanceOf(DeliveryOutcome.Delivered.class);
        Object first = transportOf(c);
        for (int i = 1; i < 20; i++) {
            assertThat(c.send(message("client" + i + "@example.org", "d-" + i))).isInstanceOf(DeliveryOutcome.Delivered.class);
        }

        assertThat(greenMail.getReceivedMessages()).hasSize(20);
        // the same authenticated transport carried all twenty: one connection, one login
        assertThat(transportOf(c)).isNotNull().isSameAs(first);
    }

    private static Object transportOf(EmailConnector c) throws Exception {
        var field = EmailConnector.class.getDeclaredField("transport");
        field.setAccessible(true);
        return field.get(c);
    }

    @Test
    void shouldReportNotReadyWithoutHostOrFrom() {
        assertThat(connector(Map.of("host", "")).readiness().reason()).isEqualTo("hub.plugins.email.host is not set");
        assertThat(connector(Map.of("from", "")).readiness().reason()).isEqualTo("hub.plugins.email.from is not set");
        assertThat(connector(Map.of()).readiness().isReady()).isTrue();
        assertThat(connector(Map.of()).channel()).isEqualTo(Channel.EMAIL);
    }

    @Test
    void shouldReportNotReadyWhenPasswordVariableIsMissing() {
        EmailConnector c = connector(Map.of("user", "hub", "password-env", "NO_SUCH_VARIABLE"));

        assertThat(c.readiness().reason()).contains("NO_SUCH_VARIABLE").doesNotContain("s3cret");
        assertThat(c.send(message("anna@example.org", "d-1"))).isInstanceOf(DeliveryOutcome.Failed.class);
    }

    @Test
    void shouldRetryLaterWhenServerIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }

        DeliveryOutcome outcome = connector(Map.of("port", Integer.toString(closedPort))).send(message("anna@example.org", "d-1"));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).after()).isEqualTo(NOW.plusSeconds(300));
    }

    @Test
    void shouldFailWithRawAnswerOnWrongPassword() {
        EmailConnector c = new EmailConnector(new PluginContext("email", Map.of(
                "host", "127.0.0.1", "port", Integer.toString(greenMail.getSmtp().getPort()), "security", "plain",
                "from", "shop@example.org", "user", "hub", "password-env", "SMTP_PASSWORD"),
                Clock.fixed(NOW, ZoneOffset.UTC), System.getLogger("test.email")), name -> "wrong");
        connector = c;

        DeliveryOutcome outcome = c.send(message("anna@example.org", "d-1"));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Failed.class);
        DeliveryOutcome.Failed failed = (DeliveryOutcome.Failed) outcome;
        assertThat(failed.rawAnswer()).isNotBlank().doesNotContain("wrong");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    private static void collect(Part part, Map<String, String> into) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) part.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart p = mp.getBodyPart(i);
                collect(p, into);
            }
        } else {
            String type = part.getContentType().toLowerCase().split(";")[0].trim();
            into.put(type, part.getContent().toString().trim());
        }
    }

    /** GreenMail gives up starting after 2 s by default, which a loaded build machine overruns. */
    private static com.icegreen.greenmail.util.ServerSetup patientStart(com.icegreen.greenmail.util.ServerSetup setup) {
        setup.setServerStartupTimeout(30_000);
        return setup;
    }
}
