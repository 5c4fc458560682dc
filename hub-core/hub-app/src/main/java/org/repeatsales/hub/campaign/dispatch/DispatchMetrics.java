package org.repeatsales.hub.campaign.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * What the dispatcher tells the metrics endpoint: {@code hub.campaign.deliveries} counted by channel
 * and outcome (delivered, retry-later, gave-up, failed, fallback, unsubscribed, capped, no-consent, requeued
 * after a dead worker), {@code hub.campaign.queue.depth} (queued deliveries, refreshed every
 * heartbeat) and {@code hub.campaign.in.flight} (claimed by this process, not yet written back).
 */
@Component
class DispatchMetrics {

    static final String DELIVERIES = "hub.campaign.deliveries";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicLong queueDepth = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();

    DispatchMetrics(ObjectProvider<MeterRegistry> registry) {
        this.registry = registry.getIfAvailable(SimpleMeterRegistry::new);
        Gauge.builder("hub.campaign.queue.depth", queueDepth, AtomicLong::get)
                .description("Campaign deliveries waiting in the queue").register(this.registry);
        Gauge.builder("hub.campaign.in.flight", inFlight, AtomicLong::get)
                .description("Campaign deliveries claimed by this process and not yet written back").register(this.registry);
    }

    void count(String channel, String outcome) {
        counters.computeIfAbsent(channel + '/' + outcome, k -> Counter.builder(DELIVERIES)
                .description("Campaign deliveries by channel and outcome")
                .tag("channel", channel).tag("outcome", outcome)
                .register(registry)).increment();
    }

    void queueDepth(long depth) {
        queueDepth.set(depth);
    }

    void inFlight(long delta) {
        inFlight.addAndGet(delta);
    }
}
