package org.repeatsales.hub.campaign.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.ChannelConnector;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.api.channel.Readiness;
import org.repeatsales.hub.campaign.ChannelStep;
import org.repeatsales.hub.campaign.MessageRenderer;
import org.repeatsales.hub.campaign.dispatch.DeliveryQueue.Claimed;
import org.repeatsales.hub.campaign.dispatch.DeliveryQueue.Outcome;
import org.repeatsales.hub.consent.ConsentService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dispatcher worker: a row in {@code dispatcher_worker} kept alive by a heartbeat, a claimer
 * that takes due deliveries under the worker's lease, a preparer that re-checks consent, reserves
 * the frequency cap and renders a batch, one lane of send threads per channel (paced per connector),
 * and a writer that puts outcomes back in batches. A worker is started once and stopped once; the
 * dispatcher makes a new one (with a new id) to start again.
 */
public final class DispatchWorker {

    private static final Logger log = LoggerFactory.getLogger(DispatchWorker.class);

    private final String id;
    private final DispatchProperties settings;
    private final DeliveryQueue queue;
    private final ConsentService consents;
    private final ConnectorAccess connectors;
    private final MessageRenderer renderer;
    private final DispatchMetrics metrics;
    private final RunPlans plans;
    private final Map<String, Pacer> pacers;

    private final Map<Channel, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<Channel, ThreadPoolExecutor> lanes = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final ThreadPoolExecutor preparers;
    private final ScheduledExecutorService heartbeat;
    private final Thread claimer;
    private final Thread writer;
    private volatile boolean claiming;
    private volatile boolean writing;
    /** The claims of this worker went to others (its beats were missed): it stops. */
    private volatile boolean lost;
    private final java.util.concurrent.atomic.AtomicLong claimed = new java.util.concurrent.atomic.AtomicLong();
    /** Nanoseconds spent in each stage, for the stop line (and the benchmark's reading of it). */
    private final java.util.concurrent.atomic.AtomicLong claimNanos = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong prepareNanos = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong writeNanos = new java.util.concurrent.atomic.AtomicLong();

    DispatchWorker(String id, DispatchProperties settings, DeliveryQueue queue, ConsentService consents,
            ConnectorAccess connectors, MessageRenderer renderer, DispatchMetrics metrics, RunPlans plans,
            Map<String, Pacer> pacers) {
        this.id = id;
        this.settings = settings;
        this.queue = queue;
        this.consents = consents;
        this.connectors = connectors;
        this.renderer = renderer;
        this.metrics = metrics;
        this.plans = plans;
        this.pacers = pacers;
        this.preparers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(2),
                named("dispatch-prepare-" + id), new ThreadPoolExecutor.CallerRunsPolicy());
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(named("dispatch-heartbeat-" + id));
        this.claimer = new Thread(this::claimLoop, "dispatch-claim-" + id);
        this.writer = new Thread(this::writeLoop, "dispatch-write-" + id);
    }

    public String id() {
        return id;
    }

    void start() {
        queue.register(id);
        claiming = true;
        writing = true;
        long beat = settings.heartbeat().toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, beat, beat, TimeUnit.MILLISECONDS);
        writer.start();
        claimer.start();
        log.info("Dispatcher worker {} started (batch {}, {} send threads per channel)", id, settings.batchSize(),
                settings.sendThreads());
    }

    /**
     * Stops claiming, gives deliveries not yet handed to a connector back to the queue, waits for
     * sends in progress (up to the stop timeout), writes every outcome and unregisters.
     */
    void stop() {
        claiming = false;
        claimer.interrupt();
        join(claimer);
        preparers.shutdown();
        await(preparers, settings.stopTimeout());
        for (ThreadPoolExecutor lane : lanes.values()) {
            // sends not begun go back; sends in progress are not interrupted (an interrupted request
            // may have reached the provider, and its retry would be a duplicate)
            List<Runnable> waiting = new ArrayList<>();
            lane.getQueue().drainTo(waiting);
            lane.shutdown();
            for (Runnable pending : waiting) {
                if (pending instanceof Send send) {
                    giveBack(send.attempt().delivery());
                }
            }
        }
        for (ThreadPoolExecutor lane : lanes.values()) {
            await(lane, settings.stopTimeout());
        }
        writing = false;
        join(writer);
        heartbeat.shutdownNow();
        try {
            queue.unregister(id);
            // anything still held (a send that outlived the timeout) goes back now, not after the dead-worker wait
            queue.reapDeadWorkers(settings.deadAfter()).forEach((owner, n) ->
                    log.warn("Worker {} stopped with {} deliveries still sending: back in the queue, possibly sent twice", owner, n));
        } catch (RuntimeException e) {
            log.warn("Worker {} could not unregister: {}; its claims return to the queue once it counts as dead", id,
                    e.getMessage());
        }
        log.info("Dispatcher worker {} stopped after claiming {} deliveries (claims {} s, consent/cap/render {} s, writes {} s)",
                id, claimed.get(), claimNanos.get() / 1_000_000_000.0, prepareNanos.get() / 1_000_000_000.0,
                writeNanos.get() / 1_000_000_000.0);
    }

    boolean lost() {
        return lost;
    }

    /** Deliveries this worker has claimed since it started. */
    long claimed() {
        return claimed.get();
    }

    // ---- heartbeat: keeps this worker's leases, takes dead workers' claims back, finishes runs ----

    private void beat() {
        try {
            if (!queue.beat(id)) {
                if (!lost) {
                    lost = true;
                    claiming = false;
                    log.error("Worker {} was declared dead by another worker (missed heartbeats); it stops claiming,"
                            + " its deliveries in flight may be sent twice", id);
                }
                return;
            }
            queue.reapDeadWorkers(settings.deadAfter()).forEach((owner, n) -> {
                log.warn("Worker {} stopped beating with {} deliveries sending: back in the queue, possibly sent twice",
                        owner, n);
                for (int i = 0; i < n; i++) {
                    metrics.count("none", "requeued");
                }
            });
            for (long run : queue.finishRuns()) {
                log.info("Campaign run {} finished: no delivery left queued or sending", run);
                plans.forget(run);
            }
            metrics.queueDepth(queue.queueDepth());
        } catch (RuntimeException e) {
            log.warn("Heartbeat of worker {} failed: {}", id, e.getMessage());
        }
    }

    // ---- claimer ----

    private void claimLoop() {
        try {
            // plugins are loaded when the hub is ready, about when this starts: give them a beat
            Thread.sleep(Math.min(settings.heartbeat().toMillis(), 1000));
            while (claiming) {
                List<Channel> full = new ArrayList<>();
                inFlight.forEach((channel, n) -> {
                    if (n.get() > settings.maxInFlightPerChannel() - settings.batchSize()) {
                        full.add(channel);
                    }
                });
                List<Claimed> batch;
                try {
                    long t0 = System.nanoTime();
                    batch = queue.claim(id, settings.batchSize(), full);
                    claimNanos.addAndGet(System.nanoTime() - t0);
                } catch (RuntimeException e) {
                    log.warn("Worker {}: claiming failed: {}", id, e.getMessage());
                    Thread.sleep(settings.idlePoll().toMillis());
                    continue;
                }
                if (batch.isEmpty()) {
                    Thread.sleep(full.isEmpty() ? settings.idlePoll().toMillis() : 10);
                    continue;
                }
                for (Claimed d : batch) {
                    inFlightOf(d).incrementAndGet();
                }
                metrics.inFlight(batch.size());
                claimed.addAndGet(batch.size());
                preparers.execute(() -> prepare(batch));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private AtomicInteger inFlightOf(Claimed d) {
        return inFlight.computeIfAbsent(laneOf(d), c -> new AtomicInteger());
    }

    /** The channel a delivery was counted under while in flight: its next channel when claimed. */
    private static Channel laneOf(Claimed d) {
        return d.channels().isEmpty() ? Channel.EMAIL : d.channels().get(0);
    }

    // ---- preparing a batch: consent, cap, rendering ----

    /** One delivery about to be sent on one channel. */
    record Attempt(Claimed delivery, Channel channel, String address, ChannelStep step, List<Channel> remaining, RunPlan plan) {
    }

    private void prepare(List<Claimed> batch) {
        long t0 = System.nanoTime();
        try {
            prepareOrFail(batch);
            prepareNanos.addAndGet(System.nanoTime() - t0);
        } catch (RuntimeException e) {
            log.warn("Worker {}: preparing {} deliveries failed, they go back to the queue: {}", id, batch.size(),
                    e.getMessage());
            for (Claimed d : batch) {
                giveBack(d);
            }
        }
    }

    private void prepareOrFail(List<Claimed> batch) {
        Map<Long, RunPlan> runs = new HashMap<>();
        List<Claimed> sendable = new ArrayList<>();
        for (Claimed d : batch) {
            RunPlan plan = runs.computeIfAbsent(d.runId(), run -> plans.get(run).orElse(null));
            if (plan == null) {
                finish(d, "failed", d.channels(), null, null, d.attempts(), d.channelAttempts(), null,
                        "the run's definition cannot be read: " + plans.problem(d.runId()), false, "none", "failed");
            } else {
                sendable.add(d);
            }
        }
        Map<Long, Map<Channel, String>> reachable = consents.reachable(sendable.stream().map(Claimed::clientId).toList());
        Map<Long, Attempt> attempts = new LinkedHashMap<>();
        Set<Long> clients = new HashSet<>();
        for (Claimed d : sendable) {
            RunPlan plan = runs.get(d.runId());
            Map<Channel, String> addresses = reachable.getOrDefault(d.clientId(), Map.of());
            Attempt attempt = null;
            for (int i = 0; i < d.channels().size() && attempt == null; i++) {
                Channel channel = d.channels().get(i);
                ChannelStep step = plan.steps().get(channel);
                if (step != null && addresses.containsKey(channel)) {
                    attempt = new Attempt(d, channel, addresses.get(channel), step,
                            List.copyOf(d.channels().subList(i + 1, d.channels().size())), plan);
                }
            }
            if (attempt == null) {
                finish(d, "no_consent", List.of(), null, null, d.attempts(), d.channelAttempts(), null,
                        "no consent or address at send time on " + d.channels(), false, "none", "no-consent");
            } else if (!clients.add(d.clientId())) {
                // a second delivery to one client in one batch waits for the first one's cap decision
                giveBack(d, Instant.now().plusSeconds(1));
            } else {
                attempts.put(d.id(), attempt);
            }
        }
        reserve(attempts, runs);
        render(attempts, runs);
    }

    private void reserve(Map<Long, Attempt> attempts, Map<Long, RunPlan> runs) {
        Map<Duration, Map<Long, Long>> byCap = new HashMap<>();
        for (Attempt a : attempts.values()) {
            byCap.computeIfAbsent(runs.get(a.delivery().runId()).frequencyCap(), c -> new HashMap<>())
                    .put(a.delivery().clientId(), a.delivery().id());
        }
        Set<Long> reserved = new HashSet<>();
        for (Map.Entry<Duration, Map<Long, Long>> e : byCap.entrySet()) {
            reserved.addAll(queue.reserveCap(e.getValue(), e.getKey()));
        }
        attempts.values().removeIf(a -> {
            if (reserved.contains(a.delivery().clientId())) {
                return false;
            }
            finish(a.delivery(), "capped", List.of(), a.channel(), null, a.delivery().attempts(),
                    a.delivery().channelAttempts(), null,
                    "contacted within the frequency cap by another delivery", false, a.channel().name(), "capped");
            return true;
        });
    }

    private void render(Map<Long, Attempt> attempts, Map<Long, RunPlan> runs) {
        Map<Long, Map<Channel, List<Attempt>>> groups = new LinkedHashMap<>();
        for (Attempt a : attempts.values()) {
            groups.computeIfAbsent(a.delivery().runId(), r -> new EnumMap<>(Channel.class))
                    .computeIfAbsent(a.channel(), c -> new ArrayList<>()).add(a);
        }
        for (Map.Entry<Long, Map<Channel, List<Attempt>>> run : groups.entrySet()) {
            RunPlan plan = runs.get(run.getKey());
            for (List<Attempt> group : run.getValue().values()) {
                ChannelStep step = group.get(0).step();
                Map<Long, MessageRenderer.Result> results;
                try {
                    results = renderer.render(new MessageRenderer.Batch(plan.runId(), step, plan.variables()),
                            group.stream().map(a -> new MessageRenderer.Recipient(a.delivery().id(), a.delivery().clientId(),
                                    a.channel(), a.address())).toList());
                } catch (RuntimeException e) {
                    log.warn("Run {}: rendering {} messages for {} failed: {}", plan.runId(), group.size(), step.channel(),
                            e.getMessage());
                    results = Map.of();
                    for (Attempt a : group) {
                        settle(a, new DeliveryOutcome.Failed("rendering failed: " + e.getMessage(), null));
                    }
                    continue;
                }
                for (Attempt a : group) {
                    MessageRenderer.Result result = results.get(a.delivery().id());
                    if (result instanceof MessageRenderer.Result.Rendered rendered) {
                        sendLane(a.channel()).execute(new Send(a, rendered.message()));
                    } else {
                        String reason = result instanceof MessageRenderer.Result.Unrenderable u ? u.reason()
                                : "the renderer gave no message";
                        settle(a, new DeliveryOutcome.Failed("cannot render: " + reason, null));
                    }
                }
            }
        }
    }

    private ThreadPoolExecutor sendLane(Channel channel) {
        return lanes.computeIfAbsent(channel, c -> {
            ThreadPoolExecutor lane = new ThreadPoolExecutor(settings.sendThreads(), settings.sendThreads(), 30,
                    TimeUnit.SECONDS, new LinkedBlockingQueue<>(), named("dispatch-send-" + c.name().toLowerCase() + "-" + id));
            lane.allowCoreThreadTimeOut(true);
            return lane;
        });
    }

    // ---- sending ----

    /** A send waiting in (or running on) its channel's lane. */
    private final class Send implements Runnable {
        private final Attempt attempt;
        private final OutboundMessage message;

        Send(Attempt attempt, OutboundMessage message) {
            this.attempt = attempt;
            this.message = message;
        }

        Attempt attempt() {
            return attempt;
        }

        @Override
        public void run() {
            String connector = attempt.step().connector();
            DeliveryOutcome outcome;
            try {
                pacer(connector).await(attempt.address());
                outcome = connectors.withConnector(connector, c -> {
                    Readiness readiness = c.readiness();
                    if (!readiness.isReady()) {
                        return new DeliveryOutcome.RetryLater(Instant.now(), "connector " + connector + " is not ready: "
                                + readiness.reason());
                    }
                    try {
                        return c.send(message);
                    } catch (RuntimeException e) {
                        return new DeliveryOutcome.Failed("connector " + connector + " threw " + e, null);
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                giveBack(attempt.delivery());
                return;
            } catch (NoSuchElementException e) {
                outcome = new DeliveryOutcome.RetryLater(Instant.now(), e.getMessage());
            } catch (RuntimeException e) {
                outcome = new DeliveryOutcome.RetryLater(Instant.now(), "connector " + connector + ": " + e.getMessage());
            }
            settle(attempt, outcome);
        }
    }

    private Pacer pacer(String connectorId) {
        Pacer pacer = pacers.get(connectorId);
        if (pacer == null) {
            // read the limits outside the pacer's wait: sleeping must not hold the plugin's lock
            pacer = connectors.withConnector(connectorId, (ChannelConnector c) ->
                    new Pacer(c.rateLimit(), c.perAddressRateLimit(), System::nanoTime));
            Pacer known = pacers.putIfAbsent(connectorId, pacer);
            pacer = known == null ? pacer : known;
        }
        return pacer;
    }

    // ---- outcomes ----

    private void settle(Attempt a, DeliveryOutcome outcome) {
        Claimed d = a.delivery();
        int attempts = d.attempts() + 1;
        int onChannel = d.channelAttempts() + 1;
        String channel = a.channel().name();
        if (outcome instanceof DeliveryOutcome.Delivered delivered) {
            finish(d, "delivered", a.remaining(), a.channel(), a.address(), attempts, onChannel,
                    delivered.providerMessageId(), null, true, channel, "delivered");
        } else if (outcome instanceof DeliveryOutcome.RetryLater retry) {
            Instant now = Instant.now();
            boolean tooOld = a.plan().since().plus(settings.maxAge()).isBefore(now);
            if (onChannel >= settings.maxAttempts() || tooOld) {
                // a channel that never stops refusing is given up like one that failed for good: the
                // client may still be reachable on the next channel of the order
                fallBack(a, attempts, onChannel, "failed", channel + " gave up after " + onChannel + " attempts"
                        + (tooOld ? " (the run is older than " + settings.maxAge() + ")" : "") + ": " + retry.reason(),
                        "gave-up");
            } else {
                List<Channel> again = new ArrayList<>();
                again.add(a.channel());
                again.addAll(a.remaining());
                Instant backoff = now.plus(backoff(onChannel));
                Instant notBefore = retry.after().isAfter(backoff) ? retry.after() : backoff;
                outcome(new Outcome(d, "queued", again, a.channel(), a.address(), notBefore, attempts, onChannel, null,
                        "retry later: " + retry.reason(), null, false, true), channel, "retry-later");
            }
        } else if (outcome instanceof DeliveryOutcome.Failed failed) {
            fallBack(a, attempts, onChannel, "failed", channel + " failed: " + failed.reason()
                    + (failed.rawAnswer() == null ? "" : " (" + failed.rawAnswer() + ")"), "failed");
        } else if (outcome instanceof DeliveryOutcome.Unsubscribed unsubscribed) {
            try {
                consents.withdraw(d.clientId(), a.channel(), "provider", unsubscribed.reason());
            } catch (RuntimeException e) {
                log.warn("Delivery {}: withdrawing consent on {} failed: {}", d.id(), channel, e.getMessage());
            }
            fallBack(a, attempts, onChannel, "unsubscribed", channel + " unsubscribed: " + unsubscribed.reason(),
                    "unsubscribed");
        }
    }

    /**
     * The next channel of the order, due now with a fresh budget of attempts and the reason this
     * channel was left kept; or, when none is left, the end of the delivery with {@code status}.
     */
    private void fallBack(Attempt a, int attempts, int onChannel, String status, String reason, String outcome) {
        if (a.remaining().isEmpty()) {
            finish(a.delivery(), status, List.of(), a.channel(), a.address(), attempts, onChannel, null, reason, false,
                    a.channel().name(), outcome);
        } else {
            outcome(new Outcome(a.delivery(), "queued", a.remaining(), a.channel(), a.address(), Instant.now(), attempts,
                    0, null, reason, reason, false, true), a.channel().name(), outcome);
            metrics.count(a.channel().name(), "fallback");
        }
    }

    private Duration backoff(int attempts) {
        Duration base = settings.retryBackoff().multipliedBy(1L << Math.min(attempts - 1, 20));
        if (base.compareTo(settings.maxRetryBackoff()) > 0) {
            base = settings.maxRetryBackoff();
        }
        // jitter, so deliveries refused together do not all come back in the same second
        return Duration.ofMillis((long) (base.toMillis() * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
    }

    private void finish(Claimed d, String status, List<Channel> channels, Channel channel, String address, int attempts,
            int channelAttempts, String messageId, String reason, boolean sent, String metricChannel, String metricOutcome) {
        outcome(new Outcome(d, status, channels, channel, address, null, attempts, channelAttempts, messageId, reason,
                null, sent, !"delivered".equals(status)), metricChannel, metricOutcome);
    }

    /** Back to the queue as it was: nothing was sent (not counted as an attempt). */
    private void giveBack(Claimed d) {
        giveBack(d, null);
    }

    private void giveBack(Claimed d, Instant notBefore) {
        outcomes.add(new Outcome(d, "queued", d.channels(), null, null, notBefore, d.attempts(), d.channelAttempts(), null,
                null, null, false, true));
    }

    private void outcome(Outcome outcome, String channel, String name) {
        metrics.count(channel, name);
        outcomes.add(outcome);
    }

    // ---- writer ----

    private void writeLoop() {
        List<Outcome> pending = new ArrayList<>();
        while (true) {
            try {
                if (pending.isEmpty()) {
                    Outcome first = outcomes.poll(50, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (!writing) {
                            return;
                        }
                        continue;
                    }
                    pending.add(first);
                    outcomes.drainTo(pending, settings.batchSize() * 4 - 1);
                }
                long t0 = System.nanoTime();
                queue.write(pending);
                writeNanos.addAndGet(System.nanoTime() - t0);
                for (Outcome o : pending) {
                    inFlightOf(o.delivery()).decrementAndGet();
                }
                metrics.inFlight(-pending.size());
                pending.clear();
            } catch (InterruptedException e) {
                if (!writing) {
                    return;
                }
            } catch (RuntimeException e) {
                // the store is unreachable: keep the outcomes and try again; the rows stay under our lease
                log.warn("Worker {}: writing {} outcomes failed, retrying: {}", id, pending.size(), e.getMessage());
                if (!writing && lost) {
                    return;
                }
                sleep(settings.idlePoll());
            }
        }
    }

    // ---- helpers ----

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(ThreadPoolExecutor pool, Duration timeout) {
        try {
            if (!pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
