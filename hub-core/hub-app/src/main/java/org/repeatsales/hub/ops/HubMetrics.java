package org.repeatsales.hub.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.repeatsales.hub.routes.sources.PolledSource;
import org.repeatsales.hub.sources.LiveSources;
import org.repeatsales.hub.sources.SourceStatus;
import org.repeatsales.hub.sources.SourceStatuses;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The hub's own metrics, named here in one place (Prometheus names in brackets):
 * <ul>
 * <li>{@code hub.import.rows} [hub_import_rows_total] rows of finished imports by {@code source}
 *     (api, console, inbox, demo or a live source id) and {@code outcome} (inserted, updated,
 *     unchanged, rejected);</li>
 * <li>{@code hub.import.runs} [hub_import_runs_total] finished imports by {@code source} and
 *     {@code status} (succeeded, failed);</li>
 * <li>{@code hub.source.lag} [hub_source_lag_seconds] seconds since the last successful poll of
 *     each live source ({@code source}); NaN before its first;</li>
 * <li>{@code hub.segment.refresh} [hub_segment_refresh_seconds_*] refresh durations by
 *     {@code strategy} and {@code outcome} (succeeded, failed).</li>
 * </ul>
 * Deliveries are counted by the dispatcher under {@code hub.delivery.*}.
 */
@Component
public class HubMetrics {

    private final MeterRegistry registry;

    HubMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts a finished import run; called once per run, when its status is final. */
    public void importFinished(String source, String status, long inserted, long updated, long unchanged, long rejected) {
        rows(source, "inserted", inserted);
        rows(source, "updated", updated);
        rows(source, "unchanged", unchanged);
        rows(source, "rejected", rejected);
        Counter.builder("hub.import.runs").description("Finished import runs")
                .tag("source", source).tag("status", status).register(registry).increment();
    }

    public void segmentRefreshed(String strategy, boolean succeeded, Duration took) {
        Timer.builder("hub.segment.refresh").description("Segment refresh durations")
                .tag("strategy", strategy).tag("outcome", succeeded ? "succeeded" : "failed")
                .register(registry).record(took);
    }

    /** One lag gauge per configured live source, read from its state row at each scrape. */
    @EventListener(ApplicationReadyEvent.class)
    void registerSourceLag(ApplicationReadyEvent ready) {
        ObjectProvider<LiveSources> live = ready.getApplicationContext().getBeanProvider(LiveSources.class);
        ObjectProvider<SourceStatuses> statuses = ready.getApplicationContext().getBeanProvider(SourceStatuses.class);
        LiveSources sources = live.getIfAvailable();
        SourceStatuses states = statuses.getIfAvailable();
        if (sources == null || states == null) {
            return;
        }
        for (PolledSource source : sources.all()) {
            String id = source.id();
            Gauge.builder("hub.source.lag", states, s -> lagSeconds(s, id))
                    .description("Seconds since the last successful poll of a live source")
                    .baseUnit("seconds")
                    .tag("source", id)
                    .register(registry);
        }
    }

    private void rows(String source, String outcome, long count) {
        if (count > 0) {
            Counter.builder("hub.import.rows").description("Rows of finished imports")
                    .tag("source", source).tag("outcome", outcome).register(registry).increment(count);
        }
    }

    private static double lagSeconds(SourceStatuses states, String id) {
        Optional<OffsetDateTime> last = states.all().stream().filter(s -> s.id().equals(id)).findFirst()
                .map(SourceStatus::lastSuccessfulPoll);
        return last.map(at -> (double) Duration.between(at, OffsetDateTime.now()).toMillis() / 1000).orElse(Double.NaN);
    }
}
