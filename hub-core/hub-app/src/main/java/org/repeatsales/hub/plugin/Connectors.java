package org.repeatsales.hub.plugin;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.api.channel.Readiness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** The channel connectors of the started plugins: whether each is ready, and one test message through it. */
@Service
public class Connectors {

    private static final Logger log = LoggerFactory.getLogger(Connectors.class);

    static final String TEST_SUBJECT = "Проверка канала";
    static final String TEST_TEXT = "Проверка канала: если вы это читаете, настройки верны.";

    private final PluginRegistry plugins;

    Connectors(PluginRegistry plugins) {
        this.plugins = plugins;
    }

    /**
     * A connector as an admin sees it; {@code reason} says what to fix when it cannot send. A
     * connector of a failed or disabled plugin has {@code id} and {@code channel} only when its
     * plugin started earlier in this process.
     *
     * @param state ready, not-ready, failed or disabled ({@link ConnectorView#state()})
     */
    public record Status(String id, String plugin, String channel, String state, boolean ready, String reason) {
    }

    /**
     * @param outcome delivered, retry-later, failed, unsubscribed or not-ready
     * @param detail the provider's message id or the reason
     * @param rawAnswer what the provider answered, for a failure
     */
    public record TestResult(String outcome, String detail, String rawAnswer) {

        public boolean notReady() {
            return "not-ready".equals(outcome);
        }
    }

    public List<Status> list() {
        return plugins.connectors().stream().map(c -> new Status(c.id(), c.plugin(),
                c.channel() == null ? null : c.channel().name(), c.state(), c.ready(), c.reason())).toList();
    }

    /** Sends one message through a started connector; missing subject and text get a standard check text. */
    public TestResult testSend(String id, String address, String subject, String text, String html) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("address is required");
        }
        String correlationId = "test-" + UUID.randomUUID();
        TestResult result = plugins.withConnector(id, connector -> {
            Readiness readiness = connector.readiness();
            if (!readiness.isReady()) {
                return new TestResult("not-ready", readiness.reason(), null);
            }
            OutboundMessage message = new OutboundMessage(address.trim(), blank(subject) ? TEST_SUBJECT : subject,
                    blank(html) ? null : html, blank(text) ? TEST_TEXT : text, Map.of(), correlationId);
            return describe(connector.send(message));
        });
        // the address stays out of the log: the correlation id ties it to the connector's own lines
        log.info("Test send {} through connector {}: {}", correlationId, id, result.outcome());
        return result;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static TestResult describe(DeliveryOutcome outcome) {
        if (outcome instanceof DeliveryOutcome.Delivered d) {
            return new TestResult("delivered", d.providerMessageId(), null);
        }
        if (outcome instanceof DeliveryOutcome.RetryLater r) {
            return new TestResult("retry-later", r.reason() + " (after " + r.after() + ")", null);
        }
        if (outcome instanceof DeliveryOutcome.Failed f) {
            return new TestResult("failed", f.reason(), f.rawAnswer());
        }
        DeliveryOutcome.Unsubscribed u = (DeliveryOutcome.Unsubscribed) outcome;
        return new TestResult("unsubscribed", u.reason(), null);
    }
}
