package org.repeatsales.hub.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.repeatsales.hub.api.channel.RateLimit;
import org.repeatsales.hub.audit.AuditLog;
import org.repeatsales.hub.plugin.ConnectorView;
import org.repeatsales.hub.plugin.Connectors;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Lists the channel connectors with their readiness and lets an admin check one by sending a message. */
@RestController
@Tag(name = "channels", description = "Channel connectors")
class ChannelController {

    private final PluginRegistry plugins;
    private final Connectors connectors;
    private final AuditLog audit;

    ChannelController(PluginRegistry plugins, Connectors connectors, AuditLog audit) {
        this.plugins = plugins;
        this.connectors = connectors;
        this.audit = audit;
    }

    record TestRequest(String address, String subject, String text, String html) {
    }

    /**
     * @param id the connector id (campaign steps and the test send name it); null for a plugin that
     *     failed or is disabled and never started in this process (its connectors' ids are unknown)
     * @param plugin the plugin that offers it
     * @param channel EMAIL, TELEGRAM, SMS or PUSH; null when unknown (as the id)
     * @param state ready, not-ready (settings), failed or disabled (its plugin)
     * @param reason why it cannot send (names the setting to fix, never its value; or the plugin's failure)
     * @param rateLimit sends over all addresses, null when unlimited or its plugin is not started
     * @param perAddressRateLimit sends to one address, null when unlimited or its plugin is not started
     * @param receivesCommands whether clients' /start and /stop are read through it
     */
    record ChannelView(String id, String plugin, String channel, String state, String reason, Rate rateLimit,
            Rate perAddressRateLimit, boolean receivesCommands) {
    }

    /** At most {@code permits} sends per {@code perSeconds}. */
    record Rate(int permits, double perSeconds) {
        static Rate of(RateLimit limit) {
            return limit == null || limit.unlimited() ? null : new Rate(limit.permits(), limit.per().toMillis() / 1000.0);
        }
    }

    @Operation(summary = "Connectors with their state (ready, not-ready, or their plugin failed or disabled) and the"
            + " reason, channel and rate limits (no settings' values)")
    @GetMapping("/api/v1/channels")
    List<ChannelView> list() {
        return plugins.connectors().stream().map(ChannelController::view).toList();
    }

    private static ChannelView view(ConnectorView c) {
        return new ChannelView(c.id(), c.plugin(), c.channel() == null ? null : c.channel().name(), c.state(), c.reason(),
                Rate.of(c.rateLimit()), Rate.of(c.perAddressRateLimit()), c.receivesCommands());
    }

    @Operation(summary = "Send one test message through a started connector to the given address")
    @PostMapping("/api/v1/channels/{id}/test")
    ResponseEntity<Connectors.TestResult> test(@PathVariable String id, @RequestBody TestRequest request) {
        Connectors.TestResult result = connectors.testSend(id, request.address(), request.subject(), request.text(), request.html());
        // the address is a contact: the audit row names the connector and the outcome only
        audit.record("channel.test", "channel:" + id, result.outcome());
        return ResponseEntity.status(result.notReady() ? HttpStatus.CONFLICT : HttpStatus.OK).body(result);
    }
}
