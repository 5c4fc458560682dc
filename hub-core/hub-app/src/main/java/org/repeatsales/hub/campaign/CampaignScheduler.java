package org.repeatsales.hub.campaign;

import static org.repeatsales.hub.store.jooq.Tables.CAMPAIGN;

import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.repeatsales.hub.config.HubProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Fires due campaigns, with all its state in PostgreSQL ({@code campaign.next_fire_at}) so it
 * survives restarts and several hubs may share one database. Every few seconds it claims the active
 * campaigns whose slot has come ({@code FOR UPDATE SKIP LOCKED}: each is claimed by one hub), inserts
 * the run for that slot (unique per campaign and slot: a slot fires at most once whatever happens),
 * and moves the campaign to its next slot counted from now, so slots missed while no hub was running
 * fire once when one comes back, not once each. Then it plans the runs waiting to be planned.
 */
@Component
public class CampaignScheduler {

    private static final Logger log = LoggerFactory.getLogger(CampaignScheduler.class);
    private static final int CLAIM = 100;

    private final DSLContext db;
    private final CampaignService campaigns;
    private final RunPlanner planner;
    private final HubProperties.Campaigns settings;
    private final ZoneId zone;
    private final Clock clock;
    private ScheduledExecutorService timer;

    @Autowired
    CampaignScheduler(DSLContext db, CampaignService campaigns, RunPlanner planner, HubProperties hub) {
        this(db, campaigns, planner, hub, Clock.systemUTC());
    }

    CampaignScheduler(DSLContext db, CampaignService campaigns, RunPlanner planner, HubProperties hub, Clock clock) {
        this.db = db;
        this.campaigns = campaigns;
        this.planner = planner;
        this.settings = hub.campaigns();
        this.zone = hub.timezone();
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (!settings.scheduler()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "campaign-scheduler");
            t.setDaemon(true);
            return t;
        });
        long every = settings.pollMillis();
        timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    void tick() {
        try {
            fireDue();
            planner.planPending();
        } catch (RuntimeException e) {
            log.error("Firing due campaigns failed; trying again at the next poll", e);
        }
    }

    /**
     * Claims the due active campaigns and inserts a run for each one's slot.
     *
     * @return the ids of the runs this call inserted (in state planning)
     */
    public List<Long> fireDue() {
        Instant now = clock.instant();
        return db.transactionResult(tx -> {
            DSLContext t = DSL.using(tx);
            List<Long> fired = new ArrayList<>();
            for (Record c : t.select(CAMPAIGN.ID, CAMPAIGN.DEFINITION, CAMPAIGN.NEXT_FIRE_AT).from(CAMPAIGN)
                    .where(CAMPAIGN.STATE.eq(CampaignService.ACTIVE))
                    .and(CAMPAIGN.NEXT_FIRE_AT.le(CampaignService.offset(now)))
                    .orderBy(CAMPAIGN.NEXT_FIRE_AT).limit(CLAIM)
                    .forUpdate().skipLocked().fetch()) {
                long id = c.get(CAMPAIGN.ID);
                Instant slot = c.get(CAMPAIGN.NEXT_FIRE_AT).toInstant();
                CampaignDefinition d;
                Instant next;
                try {
                    d = CampaignDefinition.parse(c.get(CAMPAIGN.DEFINITION).data());
                    next = Schedules.next(d.schedule(), now, zone, settings.triggerCron());
                } catch (RuntimeException e) {
                    // a definition that no longer reads must not block the others: unscheduled, kept
                    log.error("Campaign {} cannot be scheduled and is left without a next slot", id, e);
                    t.update(CAMPAIGN).setNull(CAMPAIGN.NEXT_FIRE_AT).where(CAMPAIGN.ID.eq(id)).execute();
                    continue;
                }
                Long runId = campaigns.insertRunIfNew(t, id, slot, d);
                t.update(CAMPAIGN).set(CAMPAIGN.NEXT_FIRE_AT, CampaignService.offset(next)).where(CAMPAIGN.ID.eq(id)).execute();
                if (runId != null) {
                    fired.add(runId);
                    log.info("Campaign {} fired for slot {}: run {}; next slot {}", id, slot, runId, next);
                }
            }
            return fired;
        });
    }
}
