package org.repeatsales.hub.connector.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.repeatsales.hub.api.PluginContext;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;

/** SMTP over TLS from the first byte (SMTPS) against GreenMail's self-signed certificate. */
class EmailConnectorTlsTest {

    @RegisterExtension
    static final GreenMailExtension greenMail = new GreenMailExtension(patientStart(ServerSetupTest.SMTPS.dynamicPort()));

    private EmailConnector connector(Map<String, String> extra) {
        Map<String, String> config = new java.util.HashMap<>(Map.of("host", "localhost",
                "port", Integer.toString(greenMail.getSmtps().getPort()), "security", "ssl", "from", "shop@example.org"));
        config.putAll(extra);
        return new EmailConnector(new PluginContext("email", config, Clock.systemUTC(), System.getLogger("test.email")),
                name -> null);
    }

    @Test
    void shouldSendOverSslToTrustedHost() throws Exception {
        try (EmailConnector c = connector(Map.of("ssl-trust", "localhost"))) {
            DeliveryOutcome outcome = c.send(new OutboundMessage("anna@example.org", "Тема", null, "Текст", Map.of(), "d-1"));

            assertThat(outcome).as(outcome.toString()).isInstanceOf(DeliveryOutcome.Delivered.class);
        }
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(greenMail.getReceivedMessages()[0].getSubject()).isEqualTo("Тема");
    }

    @Test
    void shouldRefuseUntrustedCertificateWithoutSending() {
        try (EmailConnector c = connector(Map.of())) {
            DeliveryOutcome outcome = c.send(new OutboundMessage("anna@example.org", "Тема", null, "Текст", Map.of(), "d-2"));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.Failed.class);
            assertThat(((DeliveryOutcome.Failed) outcome).reason()).contains("TLS");
        }
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    /** GreenMail gives up starting after 2 s by default, which a loaded build machine overruns. */
    private static com.icegreen.greenmail.util.ServerSetup patientStart(com.icegreen.greenmail.util.ServerSetup setup) {
        setup.setServerStartupTimeout(30_000);
        return setup;
    }
}
