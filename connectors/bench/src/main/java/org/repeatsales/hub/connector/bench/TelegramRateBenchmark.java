package org.repeatsales.hub.connector.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.repeatsales.hub.api.PluginContext;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.api.channel.RateLimit;
import org.repeatsales.hub.connector.telegram.TelegramConnector;

/**
 * The Telegram rate benchmark: a WireMock Bot API enforcing a flood limit ({@link FloodControl}),
 * and sender threads pushing messages to distinct chats through the Telegram connector for a fixed
 * time, each send taken from a token bucket set to the connector's declared {@code rateLimit()}
 * (what the hub's dispatcher is to do). Prints the achieved rate against the limit and the 429
 * answers provoked. {@code bin/hub bench-telegram [--seconds N] [--limit N] [--threads N]}.
 */
public final class TelegramRateBenchmark {

    /** bin/hub sets it: the connector reads its bot token from the variable its settings name. */
    static final String TOKEN_ENV = "HUB_BENCH_TELEGRAM_TOKEN";

    private TelegramRateBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchOptions.parse(args, Map.of("--seconds", "60", "--limit", "30",
                "--threads", "16", "--margin-millis", ""));
        int seconds = Integer.parseInt(options.get("--seconds"));
        int limit = Integer.parseInt(options.get("--limit"));
        // blocking sends: enough threads that answer latency on a busy machine never limits the rate
        int threads = Integer.parseInt(options.get("--threads"));
        String margin = options.get("--margin-millis");
        if (System.getenv(TOKEN_ENV) == null) {
            System.err.println("Run it through bin/hub bench-telegram, or set " + TOKEN_ENV + " to any bot token (e.g. 1:bench)");
            System.exit(2);
        }
        FloodControl flood = new FloodControl(limit, System::nanoTime);
        WireMockServer botApi = new WireMockServer(wireMockConfig().dynamicPort().extensions(flood)
                .disableRequestJournal());
        botApi.start();
        botApi.stubFor(post(urlPathMatching("/bot[^/]+/sendMessage")).willReturn(aResponse()
                .withTransformers(FloodControl.NAME)));
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "token-env", TOKEN_ENV,
                "base-url", botApi.baseUrl(),
                "rate-per-second", Integer.toString(limit)));
        if (!margin.isEmpty()) {
            settings.put("pacing-margin-millis", margin);
        }
        TelegramConnector connector = new TelegramConnector(new PluginContext("telegram", settings, Clock.systemUTC(),
                BenchOptions.quietLogger("telegram")));
        String loadBefore = BenchOptions.loadAverage();
        if (!connector.readiness().isReady()) {
            throw new IllegalStateException("connector not ready: " + connector.readiness().reason());
        }
        RateLimit declared = connector.rateLimit();
        Pacer hubPacing = new Pacer(declared);

        AtomicInteger delivered = new AtomicInteger();
        AtomicInteger retryLater = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicLong chats = new AtomicLong(100_000_000L);
        AtomicLong lastDone = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread sender = new Thread(() -> {
                while (true) {
                    long at = hubPacing.reserve();
                    if (at >= deadline) {
                        return;
                    }
                    sleepUntil(at);
                    // one message per chat, as in a campaign: the per-chat limit of 1/s never binds
                    String chat = Long.toString(chats.incrementAndGet());
                    DeliveryOutcome outcome = connector.send(new OutboundMessage(chat, null, null,
                            "Анна, для вас скидка 10% на кофе до воскресенья", Map.of(), "bench-" + chat));
                    if (outcome instanceof DeliveryOutcome.Delivered) {
                        delivered.incrementAndGet();
                    } else if (outcome instanceof DeliveryOutcome.RetryLater) {
                        retryLater.incrementAndGet();
                    } else {
                        other.incrementAndGet();
                    }
                    lastDone.accumulateAndGet(System.nanoTime(), Math::max);
                }
            }, "sender-" + t);
            senders.add(sender);
            sender.start();
        }
        for (Thread sender : senders) {
            sender.join();
        }
        double elapsed = (Math.max(deadline, lastDone.get()) - start) / 1e9;
        connector.close();
        botApi.stop();

        double rate = delivered.get() / elapsed;
        double share = rate / limit;
        System.out.printf(Locale.ROOT, "Telegram rate benchmark: %d s against a WireMock Bot API answering 429 when more than "
                + "%d requests arrive within 1 s%n", seconds, limit);
        System.out.printf(Locale.ROOT, "pacing: %d sender threads, each send taken from a token bucket at the connector's "
                + "rateLimit() (%d per %s), then the connector's own pacer (pacing-margin-millis %s)%n", threads,
                declared.permits(), declared.per(), margin.isEmpty() ? "default" : margin);
        System.out.printf(Locale.ROOT, "machine load average (1 min) before / after: %s / %s%n%n", loadBefore,
                BenchOptions.loadAverage());
        System.out.printf(Locale.ROOT, "%-34s %10d%n", "requests arrived at the Bot API", flood.arrived());
        System.out.printf(Locale.ROOT, "%-34s %10d%n", "delivered", delivered.get());
        System.out.printf(Locale.ROOT, "%-34s %10d%n", "retry-later answers", retryLater.get());
        System.out.printf(Locale.ROOT, "%-34s %10d%n", "failed or unsubscribed", other.get());
        System.out.printf(Locale.ROOT, "%-34s %10.2f%n", "seconds", elapsed);
        System.out.printf(Locale.ROOT, "%-34s %10.2f /s%n", "achieved rate", rate);
        System.out.printf(Locale.ROOT, "%-34s %10d%n", "most arrivals within any 1 s", flood.densestSecond());
        System.out.printf(Locale.ROOT, "%-34s %10d%n%n", "429 answers provoked", flood.refused());
        System.out.printf(Locale.ROOT, "target: achieved rate >= 95%% of the limit -> %.1f%% (%s); 429 answers 0 -> %d (%s)%n",
                share * 100, share >= 0.95 ? "met" : "NOT met", flood.refused(), flood.refused() == 0 ? "met" : "NOT met");
    }

    private static void sleepUntil(long nanos) {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * A token bucket of one token refilled at the declared rate: hands out evenly spaced send
     * times, which is how the hub's dispatcher paces a connector by its {@link RateLimit} (the
     * dispatcher itself is not on main yet).
     */
    static final class Pacer {
        private final long interval;
        private long next = System.nanoTime();

        Pacer(RateLimit limit) {
            this.interval = limit.per().toNanos() / limit.permits();
        }

        synchronized long reserve() {
            long at = Math.max(System.nanoTime(), next);
            next = at + interval;
            return at;
        }
    }
}
