package org.repeatsales.hub.campaign.dispatch;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.repeatsales.hub.campaign.MessageRenderer;
import org.repeatsales.hub.consent.ConsentService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The campaign dispatcher of this hub process: runs one {@link DispatchWorker} from the moment the
 * hub is ready until it shuts down, and replaces it when other workers declared it dead (its beats
 * stopped reaching the store). Every hub on the database does the same; they share the queue
 * through leases, so a second hub adds throughput rather than duplicates.
 */
@Service
public class CampaignDispatcher {

    private static final Logger log = LoggerFactory.getLogger(CampaignDispatcher.class);

    private final DispatchProperties settings;
    private final DeliveryQueue queue;
    private final ConsentService consents;
    private final ConnectorAccess connectors;
    private final ObjectProvider<MessageRenderer> renderers;
    private final DispatchMetrics metrics;
    private final RunPlans plans;
    /** One pacer per connector for the whole process, whichever run or worker sends. */
    private final Map<String, Pacer> pacers = new ConcurrentHashMap<>();
    private DispatchWorker worker;
    private ScheduledExecutorService watchdog;

    CampaignDispatcher(DispatchProperties settings, DeliveryQueue queue, ConsentService consents,
            ConnectorAccess connectors, ObjectProvider<MessageRenderer> renderers, DispatchMetrics metrics, RunPlans plans) {
        this.settings = settings;
        this.queue = queue;
        this.consents = consents;
        this.connectors = connectors;
        this.renderers = renderers;
        this.metrics = metrics;
        this.plans = plans;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        if (!settings.enabled()) {
            log.info("Campaign dispatch is disabled in this process (hub.campaigns.dispatch.enabled=false)");
            return;
        }
        start();
    }

    @EventListener(ContextClosedEvent.class)
    void onClose() {
        stop();
    }

    /**
     * Starts dispatching with a new worker, unless already running.
     *
     * @return false when there is nothing to render messages with yet (no MessageRenderer bean)
     */
    public synchronized boolean start() {
        if (worker != null) {
            return true;
        }
        DispatchWorker w = newWorker();
        if (w == null) {
            return false;
        }
        w.start();
        worker = w;
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dispatch-watchdog");
            t.setDaemon(true);
            return t;
        });
        long beat = settings.heartbeat().toMillis();
        watchdog.scheduleWithFixedDelay(this::replaceIfLost, beat, beat, TimeUnit.MILLISECONDS);
        return true;
    }

    /** Stops the current worker: claims nothing more, finishes or gives back what it holds. */
    public synchronized void stop() {
        if (watchdog != null) {
            watchdog.shutdownNow();
            watchdog = null;
        }
        if (worker != null) {
            worker.stop();
            worker = null;
        }
    }

    /** The id of the running worker, or null. */
    public synchronized String workerId() {
        return worker == null ? null : worker.id();
    }

    /**
     * A worker of its own, not started: a second dispatcher in the same process (tests and the
     * benchmark run two workers on one database this way). Null without a MessageRenderer.
     */
    DispatchWorker newWorker() {
        MessageRenderer renderer = renderers.getIfAvailable();
        if (renderer == null) {
            log.warn("No MessageRenderer is installed: campaign deliveries are not dispatched by this hub until one is");
            return null;
        }
        return new DispatchWorker(newWorkerId(), settings, queue, consents, connectors, renderer, metrics, plans, pacers);
    }

    /**
     * Starts {@code n} workers of their own beside the process's one (the benchmark measures one or
     * more workers on one database this way).
     *
     * @return how to stop each
     */
    public java.util.List<Runnable> startWorkers(int n) {
        java.util.List<Runnable> stops = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            DispatchWorker w = newWorker();
            if (w == null) {
                throw new IllegalStateException("No MessageRenderer is installed");
            }
            w.start();
            stops.add(w::stop);
        }
        return stops;
    }

    private synchronized void replaceIfLost() {
        if (worker != null && worker.lost()) {
            log.warn("Replacing dispatcher worker {}, which lost its claims", worker.id());
            worker.stop();
            DispatchWorker w = newWorker();
            w.start();
            worker = w;
        }
    }

    private static String newWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
