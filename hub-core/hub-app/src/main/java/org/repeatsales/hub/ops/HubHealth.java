package org.repeatsales.hub.ops;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.repeatsales.hub.api.channel.Readiness;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.PluginView;
import org.repeatsales.hub.sources.SourceStatus;
import org.repeatsales.hub.sources.SourceStatuses;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health of what the hub depends on besides its database: live sources, channel connectors and
 * plugins. A failing source, a connector that is not ready or a failed plugin makes its component
 * {@link #DEGRADED}, not DOWN: the hub still imports files, serves the console and the other
 * channels, and a probe that restarts the hub would not bring 1C or an SMTP server back. DEGRADED
 * answers HTTP 200 and ranks between DOWN and UP (application.yml), so the overall status shows it;
 * only the database going away makes the hub DOWN (503).
 */
@Configuration(proxyBeanMethods = false)
class HubHealth {

    static final Status DEGRADED = new Status("DEGRADED");

    @Bean
    HealthIndicator sourcesHealthIndicator(SourceStatuses sources) {
        return () -> {
            List<SourceStatus> all = sources.all();
            Map<String, Object> details = new LinkedHashMap<>();
            boolean failing = false;
            OffsetDateTime now = OffsetDateTime.now();
            for (SourceStatus s : all) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("kind", s.kind());
                one.put("state", s.state());
                one.put("lastSuccessfulPoll", s.lastSuccessfulPoll());
                if (s.lastSuccessfulPoll() != null) {
                    one.put("lagSeconds", Duration.between(s.lastSuccessfulPoll(), now).toSeconds());
                }
                one.put("consecutiveFailures", s.consecutiveFailures());
                if (s.lastError() != null) {
                    one.put("lastError", s.lastError());
                }
                details.put(s.id(), one);
                failing |= "failing".equals(s.state());
            }
            return Health.status(failing ? DEGRADED : Status.UP).withDetails(details).build();
        };
    }

    @Bean
    HealthIndicator channelsHealthIndicator(PluginRegistry plugins) {
        return () -> {
            Map<String, Object> details = new LinkedHashMap<>();
            boolean notReady = false;
            for (String id : plugins.connectorIds()) {
                Readiness readiness;
                try {
                    readiness = plugins.withConnector(id, c -> c.readiness());
                } catch (RuntimeException e) {
                    // unloaded between listing and asking, or the connector threw: not ready either way
                    readiness = Readiness.notReady("readiness check failed: " + e.getMessage());
                }
                details.put(id, readiness.isReady() ? Map.of("ready", true) : Map.of("ready", false, "reason", String.valueOf(readiness.reason())));
                notReady |= !readiness.isReady();
            }
            return Health.status(notReady ? DEGRADED : Status.UP).withDetails(details).build();
        };
    }

    @Bean
    HealthIndicator pluginsHealthIndicator(PluginRegistry plugins) {
        return () -> {
            Map<String, Object> details = new LinkedHashMap<>();
            boolean failed = false;
            for (PluginView p : plugins.list()) {
                details.put(p.id(), p.state() == PluginState.FAILED
                        ? Map.of("state", p.state().name(), "reason", String.valueOf(p.reason()))
                        : Map.of("state", p.state().name()));
                failed |= p.state() == PluginState.FAILED;
            }
            return Health.status(failed ? DEGRADED : Status.UP).withDetails(details).build();
        };
    }
}
