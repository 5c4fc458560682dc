package org.repeatsales.hub.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import java.util.UUID;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.api.channel.Readiness;
import org.repeatsales.hub.audit.AuditLog;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Lets an admin check a connector's settings by sending one message. */
@RestController
@Tag(name = "channels", description = "Channel connectors")
class ChannelController {

    private static final Logger log = LoggerFactory.getLogger(ChannelController.class);

    private final PluginRegistry plugins;
    private final AuditLog audit;

    ChannelController(PluginRegistry plugins, AuditLog audit) {
        this.plugins = plugins;
        this.audit = audit;
    }

    record TestRequest(String address, String subject, String text, String html) {
    }

    /**
     * @param outcome delivered, retry-later, failed, unsubscribed or not-ready
     * @param detail the provider's message id or the reason
     * @param rawAnswer what the provider answered, for a failure
     */
    record TestResult(String outcome, String detail, String rawAnswer) {
    }

    @Operation(summary = "Send one test message through a started connector to the given address")
    @PostMapping("/api/v1/channels/{id}/test")
    ResponseEntity<TestResult> test(@PathVariable String id, @RequestBody TestRequest request) {
        if (request.address() == null || request.address().isBlank()) {
            throw new IllegalArgumentException("address is required");
        }
        String correlationId = "test-" + UUID.randomUUID();
        TestResult result = plugins.withConnector(id, connector -> {
            Readiness readiness = connector.readiness();
            if (!readiness.isReady()) {
                return new TestResult("not-ready", readiness.reason(), null);
            }
            String text = request.text() == null ? "Проверка канала: если вы это читаете, настройки верны." : request.text();
            OutboundMessage message = new OutboundMessage(request.address(),
                    request.subject() == null ? "Проверка канала" : request.subject(), request.html(), text, Map.of(),
                    correlationId);
            return describe(connector.send(message));
        });
        // the address stays out of the log: the correlation id ties it to the connector's own lines
        log.info("Test send {} through connector {}: {}", correlationId, id, result.outcome());
        // the address is a contact: the audit row names the correlation id instead
        audit.record("channel.test", "channel:" + id, correlationId + ", " + result.outcome());
        return ResponseEntity.status(result.outcome().equals("not-ready") ? HttpStatus.CONFLICT : HttpStatus.OK).body(result);
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
