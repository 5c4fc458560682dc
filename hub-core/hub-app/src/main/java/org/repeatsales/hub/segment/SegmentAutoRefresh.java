package org.repeatsales.hub.segment;

import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.repeatsales.hub.config.HubProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

/**
 * Keeps segments current: refreshes each segment that was never tried, or whose last attempt is
 * older than the latest finished import, or older than the latest slot of the refresh schedule
 * ({@code hub.segments.refresh-cron}, nightly at 03:00 in the business's zone by default), since
 * date-relative cells change with time even without new sales. It watches import runs instead of
 * being called by the import pipeline, so files from the inbox, the API and the launcher are all
 * covered.
 *
 * <p>The schedule keeps no state of its own: the last attempt of each segment is its latest
 * {@code segment_refresh} row, so a slot missed while the hub was down is caught up once at the
 * next check, and a restart does not refresh again what was already refreshed. A failed attempt
 * counts as an attempt: a broken strategy is retried after the next import or the next slot, not
 * every minute.
 */
@Component
class SegmentAutoRefresh {

    private static final Logger log = LoggerFactory.getLogger(SegmentAutoRefresh.class);

    private final DSLContext db;
    private final SegmentRefresher refresher;
    private final ZoneId zone;
    private final CronExpression schedule;
    private final Clock clock;
    private final boolean enabled;
    private final long checkMillis;
    private ScheduledExecutorService timer;

    @Autowired
    SegmentAutoRefresh(DSLContext db, SegmentRefresher refresher, HubProperties hub) {
        this(db, refresher, hub.timezone(), hub.segments().refreshCron(), Clock.systemUTC(), hub.segments().autoRefresh(),
                hub.segments().checkMillis());
    }

    /**
     * @param cron Spring's six-field cron (second first) read in {@code zone}; blank for no schedule
     *     (refresh after imports only)
     * @throws IllegalArgumentException naming {@code hub.segments.refresh-cron} when it is no cron
     */
    SegmentAutoRefresh(DSLContext db, SegmentRefresher refresher, ZoneId zone, String cron, Clock clock, boolean enabled,
                       long checkMillis) {
        this.db = db;
        this.refresher = refresher;
        this.zone = zone;
        this.clock = clock;
        this.enabled = enabled;
        this.checkMillis = checkMillis;
        try {
            this.schedule = cron == null || cron.isBlank() ? null : CronExpression.parse(cron.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("hub.segments.refresh-cron: '" + cron + "' is not a cron expression "
                    + "(six fields, seconds first, e.g. '0 0 3 * * *'): " + e.getMessage(), e);
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (!enabled) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "segment-refresh");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::refreshDue, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    void refreshDue() {
        try {
            List<Long> due = due();
            if (!due.isEmpty()) {
                // one read of the store for all of them; a failed one is recorded with its reason
                // and the others still refresh
                refresher.refreshAll(due, clock.instant());
            }
        } catch (RuntimeException e) {
            log.error("Checking segments for refresh failed", e);
        }
    }

    /** The segments to refresh now, in id order. */
    List<Long> due() {
        Instant now = clock.instant();
        OffsetDateTime lastImport = db.fetchOne("select max(finished_at) as finished from import_run where status = 'succeeded'")
                .get("finished", OffsetDateTime.class);
        List<Long> due = new ArrayList<>();
        for (org.jooq.Record s : db.fetch("""
                select s.id, (select max(started_at) from segment_refresh r where r.segment_id = s.id) as tried
                from segment s order by s.id
                """)) {
            OffsetDateTime last = s.get("tried", OffsetDateTime.class);
            Instant tried = last == null ? null : last.toInstant();
            if (tried == null
                    || lastImport != null && lastImport.toInstant().isAfter(tried)
                    || slotPassed(tried, now)) {
                due.add(s.get("id", Long.class));
            }
        }
        return due;
    }

    /** Whether a slot of the schedule lies after {@code tried} and not after {@code now}. */
    private boolean slotPassed(Instant tried, Instant now) {
        if (schedule == null) {
            return false;
        }
        ZonedDateTime next = schedule.next(tried.atZone(zone));
        return next != null && !next.toInstant().isAfter(now);
    }
}
