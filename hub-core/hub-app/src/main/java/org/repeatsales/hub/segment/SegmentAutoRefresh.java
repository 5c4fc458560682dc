package org.repeatsales.hub.segment;

import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.repeatsales.hub.config.HubProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps segments current: refreshes each segment that was never tried, or whose last attempt is
 * older than the latest finished import, or was made on an earlier day in the business's zone. It
 * watches import runs instead of being called by the import pipeline, so files from the inbox, the
 * API and the launcher are all covered. A failed attempt counts as an attempt: a broken strategy is
 * retried after the next import or the next day, not every minute.
 */
@Component
class SegmentAutoRefresh {

    private static final Logger log = LoggerFactory.getLogger(SegmentAutoRefresh.class);

    private final DSLContext db;
    private final SegmentRefresher refresher;
    private final HubProperties hub;
    private ScheduledExecutorService timer;

    SegmentAutoRefresh(DSLContext db, SegmentRefresher refresher, HubProperties hub) {
        this.db = db;
        this.refresher = refresher;
        this.hub = hub;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (!hub.segments().autoRefresh()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "segment-refresh");
            t.setDaemon(true);
            return t;
        });
        long every = hub.segments().checkMillis();
        timer.scheduleWithFixedDelay(this::refreshDue, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    void refreshDue() {
        try {
            for (long id : due()) {
                try {
                    refresher.refresh(id, null);
                } catch (RefreshFailedException e) {
                    // recorded with its reason; the other segments still refresh
                }
            }
        } catch (RuntimeException e) {
            log.error("Checking segments for refresh failed", e);
        }
    }

    List<Long> due() {
        String zone = hub.timezone().getId();
        return db.fetch("""
                select s.id
                from segment s
                left join lateral (select max(started_at) as tried from segment_refresh r where r.segment_id = s.id) a on true
                where a.tried is null
                   or exists (select 1 from import_run i where i.status = 'succeeded' and i.finished_at > a.tried)
                   or (a.tried at time zone ?)::date < (now() at time zone ?)::date
                order by s.id
                """, zone, zone).getValues(0, Long.class);
    }
}
