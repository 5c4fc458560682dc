package org.repeatsales.hub.campaign;

import static org.repeatsales.hub.store.jooq.Tables.CAMPAIGN;
import static org.repeatsales.hub.store.jooq.Tables.CAMPAIGN_RUN;
import static org.repeatsales.hub.store.jooq.Tables.DELIVERY;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.repeatsales.hub.campaign.TemplateValidator.Problem;
import org.repeatsales.hub.config.HubProperties;
import org.springframework.stereotype.Service;

/**
 * Campaigns and their runs: definitions checked on save, the campaign's state (draft, active,
 * paused, stopped), manual and dry runs, and pausing, resuming and stopping a run.
 */
@Service
public class CampaignService {

    public static final String DRAFT = "draft";
    public static final String ACTIVE = "active";
    public static final String PAUSED = "paused";
    public static final String STOPPED = "stopped";

    private static final Set<String> UNFINISHED_RUN = Set.of("planning", "dispatching", "paused");

    private final DSLContext db;
    private final CampaignValidator validator;
    private final RunPlanner planner;
    private final ZoneId zone;
    private final String triggerCron;
    private final ContactPolicy defaults;
    private final Clock clock = Clock.systemUTC();

    CampaignService(DSLContext db, CampaignValidator validator, RunPlanner planner, HubProperties hub) {
        this.db = db;
        this.validator = validator;
        this.planner = planner;
        this.zone = hub.timezone();
        this.triggerCron = hub.campaigns().triggerCron();
        this.defaults = hub.campaigns().policy();
    }

    public List<CampaignViews.Campaign> list() {
        return db.selectFrom(CAMPAIGN).orderBy(CAMPAIGN.ID).fetch(CampaignService::campaign);
    }

    public CampaignViews.Campaign get(long id) {
        return db.selectFrom(CAMPAIGN).where(CAMPAIGN.ID.eq(id)).fetchOptional(CampaignService::campaign)
                .orElseThrow(() -> new NoSuchElementException("No campaign " + id));
    }

    /** The stored definition of a campaign. */
    public CampaignDefinition definition(long id) {
        return CampaignDefinition.parse(get(id).definition().toString());
    }

    /**
     * Saves a new campaign as a draft.
     *
     * @throws CampaignRejectedException naming every bad field
     */
    public CampaignViews.Campaign create(JsonNode json, String user) {
        Instant now = clock.instant();
        CampaignDefinition d = validator.validate(json, now);
        return insertDraft(d, user);
    }

    /**
     * Saves a shipped example as a draft: checked like any definition, except that its channels need
     * not be configured yet (the demo has none); activation checks them.
     */
    public CampaignViews.Campaign createExample(JsonNode json, Instant now) {
        CampaignDefinition d = CampaignValidator.read(json);
        List<Problem> problems = validator.problems(d, now).stream()
                .filter(p -> !p.field().matches("channels\\[\\d+]\\.connector")).toList();
        if (!problems.isEmpty()) {
            throw new CampaignRejectedException(problems);
        }
        return insertDraft(d, "examples");
    }

    private CampaignViews.Campaign insertDraft(CampaignDefinition definition, String user) {
        CampaignDefinition d = definition.withName(definition.name().trim());
        uniqueName(d.name(), null);
        long id = db.insertInto(CAMPAIGN, CAMPAIGN.NAME, CAMPAIGN.STATE, CAMPAIGN.DEFINITION, CAMPAIGN.SCHEDULE_KIND,
                        CAMPAIGN.CREATED_BY)
                .values(d.name(), DRAFT, JSONB.valueOf(d.toJson()), d.schedule().kind(), user)
                .returning(CAMPAIGN.ID).fetchOne().getId();
        return get(id);
    }

    /**
     * Replaces a campaign's definition (not of a stopped one). An active campaign's next slot is
     * computed again from the new schedule.
     */
    public CampaignViews.Campaign update(long id, JsonNode json) {
        CampaignViews.Campaign current = get(id);
        if (STOPPED.equals(current.state())) {
            throw new CampaignStateException("Campaign " + id + " is stopped; create a new one instead of editing it");
        }
        Instant now = clock.instant();
        CampaignDefinition d = validator.validate(json, now);
        d = d.withName(d.name().trim());
        uniqueName(d.name(), id);
        Instant next = ACTIVE.equals(current.state()) ? Schedules.next(d.schedule(), now, zone, triggerCron) : null;
        db.update(CAMPAIGN).set(CAMPAIGN.NAME, d.name()).set(CAMPAIGN.DEFINITION, JSONB.valueOf(d.toJson()))
                .set(CAMPAIGN.SCHEDULE_KIND, d.schedule().kind()).set(CAMPAIGN.NEXT_FIRE_AT, offset(next))
                .set(CAMPAIGN.UPDATED_AT, OffsetDateTime.now(clock))
                .where(CAMPAIGN.ID.eq(id)).execute();
        return get(id);
    }

    private void uniqueName(String name, Long except) {
        var same = CAMPAIGN.NAME.eq(name);
        if (except != null) {
            same = same.and(CAMPAIGN.ID.ne(except));
        }
        if (db.fetchExists(CAMPAIGN, same)) {
            throw new CampaignRejectedException(List.of(new Problem("name",
                    "кампания «" + name + "» уже есть / a campaign with this name exists")));
        }
    }

    /** Deletes a campaign that never ran; one with runs keeps its history and can only be stopped. */
    public void delete(long id) {
        get(id);
        if (db.fetchExists(CAMPAIGN_RUN, CAMPAIGN_RUN.CAMPAIGN_ID.eq(id).and(CAMPAIGN_RUN.DRY_RUN.isFalse()))) {
            throw new CampaignStateException("Campaign " + id + " has runs; stop it instead of deleting, its reports stay");
        }
        db.deleteFrom(CAMPAIGN).where(CAMPAIGN.ID.eq(id)).execute();
    }

    /**
     * Draft to active: checked again (a channel may have gone away since it was saved) and its next
     * slot scheduled.
     */
    public CampaignViews.Campaign activate(long id) {
        return start(id, DRAFT, "activated");
    }

    /** Paused to active; slots passed while paused are not fired, the next one from now is. */
    public CampaignViews.Campaign resume(long id) {
        return start(id, PAUSED, "resumed");
    }

    private CampaignViews.Campaign start(long id, String from, String verb) {
        CampaignViews.Campaign current = get(id);
        if (!from.equals(current.state())) {
            throw new CampaignStateException("Campaign " + id + " is " + current.state() + "; only a " + from
                    + " campaign can be " + verb);
        }
        Instant now = clock.instant();
        CampaignDefinition d = validator.validate(current.definition(), now);
        Instant next = Schedules.next(d.schedule(), now, zone, triggerCron);
        int changed = db.update(CAMPAIGN).set(CAMPAIGN.STATE, ACTIVE).set(CAMPAIGN.NEXT_FIRE_AT, offset(next))
                .set(CAMPAIGN.UPDATED_AT, OffsetDateTime.now(clock))
                .where(CAMPAIGN.ID.eq(id).and(CAMPAIGN.STATE.eq(from))).execute();
        if (changed == 0) {
            throw new CampaignStateException("Campaign " + id + " changed state meanwhile; try again");
        }
        return get(id);
    }

    /** Active to paused: the scheduler fires nothing for it; runs already fired go on. */
    public CampaignViews.Campaign pause(long id) {
        CampaignViews.Campaign current = get(id);
        int changed = db.update(CAMPAIGN).set(CAMPAIGN.STATE, PAUSED).set(CAMPAIGN.UPDATED_AT, OffsetDateTime.now(clock))
                .where(CAMPAIGN.ID.eq(id).and(CAMPAIGN.STATE.eq(ACTIVE))).execute();
        if (changed == 0) {
            throw new CampaignStateException("Campaign " + id + " is " + current.state() + "; only an active campaign can be paused");
        }
        return get(id);
    }

    /**
     * Stops the campaign for good, and its runs that have not finished: their queued deliveries are
     * cancelled in the same transaction.
     */
    public CampaignViews.Campaign stop(long id) {
        CampaignViews.Campaign current = get(id);
        if (STOPPED.equals(current.state())) {
            throw new CampaignStateException("Campaign " + id + " is already stopped");
        }
        db.transaction(tx -> {
            DSLContext t = DSL.using(tx);
            t.update(CAMPAIGN).set(CAMPAIGN.STATE, STOPPED).setNull(CAMPAIGN.NEXT_FIRE_AT)
                    .set(CAMPAIGN.UPDATED_AT, OffsetDateTime.now(clock)).where(CAMPAIGN.ID.eq(id)).execute();
            for (Long runId : t.select(CAMPAIGN_RUN.ID).from(CAMPAIGN_RUN)
                    .where(CAMPAIGN_RUN.CAMPAIGN_ID.eq(id).and(CAMPAIGN_RUN.STATE.in(UNFINISHED_RUN))).fetch(CAMPAIGN_RUN.ID)) {
                stopRun(t, runId);
            }
        });
        return get(id);
    }

    /**
     * Fires a run now and plans it before answering.
     *
     * @param dryRun plan and count only: the rows are written, the dispatcher never sends them
     * @throws CampaignStateException when a real run is asked of a campaign that is not active
     */
    public CampaignViews.Run run(long id, boolean dryRun) {
        CampaignViews.Campaign current = get(id);
        if (!dryRun && !ACTIVE.equals(current.state())) {
            throw new CampaignStateException("Campaign " + id + " is " + current.state()
                    + "; activate it first (a dry run works in any state)");
        }
        if (STOPPED.equals(current.state())) {
            throw new CampaignStateException("Campaign " + id + " is stopped");
        }
        CampaignDefinition d = CampaignDefinition.parse(current.definition().toString());
        Instant slot = clock.instant().truncatedTo(ChronoUnit.MICROS);
        long runId = insertRun(db, id, slot, dryRun, d);
        planner.plan(runId, false);
        return run(runId);
    }

    /**
     * Inserts a run in state planning for a slot, unless the campaign already has one for it.
     *
     * @return the run's id, or null when the slot was already fired
     */
    Long insertRunIfNew(DSLContext t, long campaignId, Instant slot, CampaignDefinition d) {
        Record r = t.insertInto(CAMPAIGN_RUN, CAMPAIGN_RUN.CAMPAIGN_ID, CAMPAIGN_RUN.SLOT, CAMPAIGN_RUN.DRY_RUN, CAMPAIGN_RUN.STATE,
                        CAMPAIGN_RUN.DEFINITION)
                .values(campaignId, offset(slot), false, "planning", JSONB.valueOf(d.withFullPolicy(defaults).toJson()))
                .onConflict(CAMPAIGN_RUN.CAMPAIGN_ID, CAMPAIGN_RUN.SLOT).doNothing()
                .returning(CAMPAIGN_RUN.ID).fetchOne();
        return r == null ? null : r.get(CAMPAIGN_RUN.ID);
    }

    private long insertRun(DSLContext t, long campaignId, Instant slot, boolean dryRun, CampaignDefinition d) {
        return t.insertInto(CAMPAIGN_RUN, CAMPAIGN_RUN.CAMPAIGN_ID, CAMPAIGN_RUN.SLOT, CAMPAIGN_RUN.DRY_RUN, CAMPAIGN_RUN.STATE,
                        CAMPAIGN_RUN.DEFINITION)
                .values(campaignId, offset(slot), dryRun, "planning", JSONB.valueOf(d.withFullPolicy(defaults).toJson()))
                .returning(CAMPAIGN_RUN.ID).fetchOne().getId();
    }

    public List<CampaignViews.Run> runs(long campaignId, int limit) {
        get(campaignId);
        return db.selectFrom(CAMPAIGN_RUN).where(CAMPAIGN_RUN.CAMPAIGN_ID.eq(campaignId)).orderBy(CAMPAIGN_RUN.ID.desc())
                .limit(limit).fetch(CampaignService::run);
    }

    public CampaignViews.Run run(long runId) {
        return db.selectFrom(CAMPAIGN_RUN).where(CAMPAIGN_RUN.ID.eq(runId)).fetchOptional(CampaignService::run)
                .orElseThrow(() -> new NoSuchElementException("No campaign run " + runId));
    }

    /** Dispatching to paused: the dispatcher skips its deliveries, which stay queued. */
    public CampaignViews.Run pauseRun(long runId) {
        return moveRun(runId, "dispatching", "paused");
    }

    /** Paused to dispatching. */
    public CampaignViews.Run resumeRun(long runId) {
        return moveRun(runId, "paused", "dispatching");
    }

    private CampaignViews.Run moveRun(long runId, String from, String to) {
        CampaignViews.Run current = run(runId);
        int changed = db.update(CAMPAIGN_RUN).set(CAMPAIGN_RUN.STATE, to)
                .where(CAMPAIGN_RUN.ID.eq(runId).and(CAMPAIGN_RUN.STATE.eq(from)).and(CAMPAIGN_RUN.DRY_RUN.isFalse())).execute();
        if (changed == 0) {
            throw new CampaignStateException("Run " + runId + " is " + current.state() + (current.dryRun() ? " (a dry run)" : "")
                    + "; only a " + from + " run can become " + to);
        }
        return run(runId);
    }

    /**
     * Stops a run that has not finished: the run becomes stopped and its queued deliveries
     * cancelled, in one transaction; deliveries already being sent end as the dispatcher finds them.
     */
    public CampaignViews.Run stopRun(long runId) {
        CampaignViews.Run current = run(runId);
        boolean stopped = db.transactionResult(tx -> stopRun(DSL.using(tx), runId));
        if (!stopped) {
            throw new CampaignStateException("Run " + runId + " is " + current.state() + "; only an unfinished run can be stopped");
        }
        return run(runId);
    }

    private boolean stopRun(DSLContext t, long runId) {
        // locks the run row first: a planner holding it finishes before the stop applies
        int changed = t.update(CAMPAIGN_RUN).set(CAMPAIGN_RUN.STATE, STOPPED).set(CAMPAIGN_RUN.FINISHED_AT, OffsetDateTime.now(clock))
                .set(CAMPAIGN_RUN.MESSAGE, "stopped")
                .where(CAMPAIGN_RUN.ID.eq(runId).and(CAMPAIGN_RUN.STATE.in(UNFINISHED_RUN))).execute();
        if (changed == 0) {
            return false;
        }
        t.update(DELIVERY).set(DELIVERY.STATUS, "cancelled").set(DELIVERY.REASON, "run stopped")
                .set(DELIVERY.UPDATED_AT, OffsetDateTime.now(clock))
                .where(DELIVERY.RUN_ID.eq(runId).and(DELIVERY.STATUS.eq("queued"))).execute();
        return true;
    }

    private static CampaignViews.Campaign campaign(org.repeatsales.hub.store.jooq.tables.records.CampaignRecord r) {
        JsonNode definition;
        try {
            definition = CampaignDefinition.json().readTree(r.getDefinition().data());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Stored definition of campaign " + r.getId() + " is not JSON", e);
        }
        return new CampaignViews.Campaign(r.getId(), r.getName(), r.getState(), r.getScheduleKind(), instant(r.getNextFireAt()),
                definition, r.getCreatedBy(), instant(r.getCreatedAt()), instant(r.getUpdatedAt()));
    }

    private static CampaignViews.Run run(org.repeatsales.hub.store.jooq.tables.records.CampaignRunRecord r) {
        return new CampaignViews.Run(r.getId(), r.getCampaignId(), instant(r.getSlot()), r.getDryRun(), r.getState(), r.getMessage(),
                instant(r.getCreatedAt()), instant(r.getPlannedAt()), instant(r.getFinishedAt()), r.getAudience(), r.getTargeted(),
                r.getHeldOut(), r.getCapped(), r.getNoConsent(), r.getDeferred());
    }

    static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime offset(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
