package org.repeatsales.hub.campaign;

import static org.repeatsales.hub.store.jooq.Tables.CAMPAIGN_RUN;
import static org.repeatsales.hub.store.jooq.Tables.CLIENT;
import static org.repeatsales.hub.store.jooq.Tables.CLIENT_STATS;
import static org.repeatsales.hub.store.jooq.Tables.SEGMENT_MEMBER;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.impl.DSL;
import org.repeatsales.hub.campaign.CampaignDefinition.SegmentRef;
import org.repeatsales.hub.campaign.CampaignDefinition.Trigger;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.segment.SegmentService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Freezes a run's audience: one set-based statement selects the audience, holds out the control
 * group, caps recently contacted clients, finds the channels each client may be reached on and
 * defers those in their quiet hours, and inserts one delivery row per client; the run's counts come
 * from those rows. No client passes through Java, so a million clients plan in seconds.
 */
@Component
public class RunPlanner {

    private static final Logger log = LoggerFactory.getLogger(RunPlanner.class);

    /** A birthday greeting is once a year: a client greeted within this span is not greeted again. */
    static final Duration BIRTHDAY_OCCASION = Duration.ofDays(300);
    /** A client whose first purchase is older than the trigger's day by more than this is not welcomed late. */
    static final int FIRST_PURCHASE_CATCH_UP_DAYS = 7;
    static final int ENTERED_CELL_DEFAULT_DAYS = 7;

    private final DSLContext db;
    private final SegmentService segments;
    private final ZoneId zone;
    private final ContactPolicy defaults;
    private final double globalControlShare;
    private final Clock clock;

    @org.springframework.beans.factory.annotation.Autowired
    RunPlanner(DSLContext db, SegmentService segments, HubProperties hub) {
        this(db, segments, hub, Clock.systemUTC());
    }

    RunPlanner(DSLContext db, SegmentService segments, HubProperties hub, Clock clock) {
        this.db = db;
        this.segments = segments;
        this.zone = hub.timezone();
        this.defaults = hub.campaigns().policy();
        this.globalControlShare = hub.campaigns().globalControlShare();
        this.clock = clock;
    }

    /**
     * Plans every run still in state planning that no other hub is planning right now (one left by
     * a hub that died while planning is planned again: its transaction never committed).
     *
     * @return runs planned or failed
     */
    public int planPending() {
        int done = 0;
        while (true) {
            Long runId = db.transactionResult(tx -> {
                Record r = DSL.using(tx).select(CAMPAIGN_RUN.ID).from(CAMPAIGN_RUN)
                        .where(CAMPAIGN_RUN.STATE.eq("planning")).orderBy(CAMPAIGN_RUN.ID).limit(1)
                        .forUpdate().skipLocked().fetchOne();
                return r == null ? null : r.get(CAMPAIGN_RUN.ID);
            });
            if (runId == null) {
                return done;
            }
            if (plan(runId, true)) {
                done++;
            } else {
                // another hub holds it: leave it to that hub
                return done;
            }
        }
    }

    /**
     * Plans one run in state planning, waiting for another planner that holds it.
     *
     * @return false when {@code skipLocked} and another hub is planning it
     */
    public boolean plan(long runId, boolean skipLocked) {
        try {
            Boolean planned = db.transactionResult(tx -> {
                DSLContext t = DSL.using(tx);
                var lock = t.select(CAMPAIGN_RUN.ID, CAMPAIGN_RUN.CAMPAIGN_ID, CAMPAIGN_RUN.DRY_RUN, CAMPAIGN_RUN.STATE,
                                CAMPAIGN_RUN.DEFINITION, CAMPAIGN_RUN.SLOT)
                        .from(CAMPAIGN_RUN).where(CAMPAIGN_RUN.ID.eq(runId)).forUpdate();
                Record run = skipLocked ? lock.skipLocked().fetchOne() : lock.fetchOne();
                if (run == null) {
                    return false;
                }
                if (!"planning".equals(run.get(CAMPAIGN_RUN.STATE))) {
                    return true;
                }
                long started = System.nanoTime();
                CampaignDefinition definition = CampaignDefinition.parse(run.get(CAMPAIGN_RUN.DEFINITION).data());
                freeze(t, runId, run.get(CAMPAIGN_RUN.CAMPAIGN_ID), run.get(CAMPAIGN_RUN.DRY_RUN), definition, clock.instant());
                log.info("Run {} of campaign {} planned in {} ms", runId, run.get(CAMPAIGN_RUN.CAMPAIGN_ID),
                        (System.nanoTime() - started) / 1_000_000);
                return true;
            });
            return planned;
        } catch (RuntimeException e) {
            log.error("Planning run {} failed", runId, e);
            db.update(CAMPAIGN_RUN).set(CAMPAIGN_RUN.STATE, "failed")
                    .set(CAMPAIGN_RUN.MESSAGE, "Planning failed: " + rootMessage(e))
                    .set(CAMPAIGN_RUN.FINISHED_AT, OffsetDateTime.now(clock))
                    .where(CAMPAIGN_RUN.ID.eq(runId).and(CAMPAIGN_RUN.STATE.eq("planning"))).execute();
            return true;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    private void freeze(DSLContext t, long runId, long campaignId, boolean dryRun, CampaignDefinition definition, Instant now) {
        ContactPolicy policy = definition.policy(defaults);
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        String[] channels = definition.channelsOrEmpty().stream().map(s -> s.channel().name()).distinct().toArray(String[]::new);
        Select<?> audience = audienceOf(definition, campaignId, now);
        LocalTime quietFrom = policy.quietFrom();
        LocalTime quietTo = policy.quietTo();
        boolean quiet = quietFrom != null && quietTo != null && !quietFrom.equals(quietTo);
        Duration cap = policy.frequencyCap();
        OffsetDateTime capSince = cap == null || cap.isZero() ? null : at.minus(cap);
        // hashes and joins over the whole audience: room to keep them in memory, for this transaction only
        t.execute("set local work_mem = '64MB'");
        // Control group and global control group: a fraction of a hash, so the same client falls on
        // the same side in every run of the campaign (and of all campaigns for the global one). The
        // classification is materialized: each client's reason is computed once, not once per use.
        t.execute("""
                insert into delivery (run_id, client_id, status, channels, not_before, deferred, reason)
                with audience as materialized ({0}),
                latest as (
                    select distinct on (c.client_id, c.channel) c.client_id, c.channel, c.state
                    from consent c
                    where c.channel = any({1}::text[])
                    order by c.client_id, c.channel, c.id desc),
                addressed as (
                    select distinct ca.client_id, ca.channel from client_address ca where ca.channel = any({1}::text[])),
                reach as (
                    select l.client_id, array_agg(l.channel order by array_position({1}::text[], l.channel)) as channels
                    from latest l
                    join addressed ad on ad.client_id = l.client_id and ad.channel = l.channel
                    where l.state = 'given'
                    group by l.client_id),
                zones as materialized (select name from pg_timezone_names),
                classified as materialized (
                    select a.id as client_id,
                           (case when {3} > 0 and ('x' || substr(md5('global:' || a.id), 1, 8))::bit(32)::bigint / 4294967296.0 < {3}
                                   then 'global control group'
                                 when ('x' || substr(md5({2} || ':' || a.id), 1, 8))::bit(32)::bigint / 4294967296.0 < {4}
                                   then 'control group'
                                 when {5}::timestamptz is not null and exists (select 1 from client_contact cc
                                      where cc.client_id = a.id and cc.last_contact_at > {5}::timestamptz)
                                   then 'frequency cap'
                                 when r.channels is null then 'no channel with consent and address'
                            end) as reason,
                           r.channels,
                           ({6}::timestamptz at time zone coalesce(z.name, {7})) as local_now,
                           coalesce(z.name, {7}) as zone
                    from audience a
                    left join reach r on r.client_id = a.id
                    left join zones z on z.name = a.time_zone),
                timed as (
                    select c.*,
                           {8} and (case when {9}::time < {10}::time
                                         then c.local_now::time >= {9}::time and c.local_now::time < {10}::time
                                         else c.local_now::time >= {9}::time or c.local_now::time < {10}::time end) as quiet
                    from classified c)
                select {11}, t.client_id,
                       case when t.reason in ('control group', 'global control group') then 'held_out'
                            when t.reason = 'frequency cap' then 'capped'
                            when t.reason is not null then 'no_consent'
                            else 'queued' end,
                       case when t.reason is null then t.channels else '{}'::text[] end,
                       case when t.reason is null and t.quiet
                            then (case when t.local_now::date + {10}::time > t.local_now
                                       then t.local_now::date + {10}::time
                                       else t.local_now::date + 1 + {10}::time end) at time zone t.zone
                            else {6}::timestamptz end,
                       t.reason is null and t.quiet,
                       t.reason
                from timed t
                """,
                audience, DSL.val(channels), DSL.val(campaignId), DSL.val(globalControlShare), DSL.val(policy.controlShare()),
                DSL.val(capSince, OffsetDateTime.class), DSL.val(at), DSL.val(zone.getId()), DSL.val(quiet),
                DSL.val(quiet ? quietFrom : LocalTime.MIDNIGHT), DSL.val(quiet ? quietTo : LocalTime.MIDNIGHT), DSL.val(runId));
        t.execute("""
                update campaign_run r set
                    audience = s.total, targeted = s.queued, held_out = s.held_out, capped = s.capped,
                    no_consent = s.no_consent, deferred = s.deferred,
                    state = case when r.dry_run then 'finished' else 'dispatching' end,
                    planned_at = {1}, finished_at = case when r.dry_run then {1} end
                from (select count(*) as total,
                             count(*) filter (where status = 'queued') as queued,
                             count(*) filter (where status = 'held_out') as held_out,
                             count(*) filter (where status = 'capped') as capped,
                             count(*) filter (where status = 'no_consent') as no_consent,
                             count(*) filter (where deferred) as deferred
                      from delivery where run_id = {0}) s
                where r.id = {0}
                """, DSL.val(runId), DSL.val(at));
        if (dryRun) {
            log.debug("Run {} is a dry run: its rows are never sent", runId);
        }
    }

    /** The clients a run of the definition would start from, before control group, cap and consent. */
    private Select<?> audienceOf(CampaignDefinition definition, long campaignId, Instant now) {
        return DSL.select(CLIENT.ID, CLIENT.TIME_ZONE).from(CLIENT)
                .leftJoin(CLIENT_STATS).on(CLIENT_STATS.CLIENT_ID.eq(CLIENT.ID))
                .where(audience(definition, campaignId, now));
    }

    /**
     * How many clients a run fired now would start from: the same selection as planning, counted and
     * not frozen, for a marketer shaping the audience before saving.
     *
     * @param campaignId the campaign being edited (its earlier sends decide who a trigger still owes),
     *     or 0 for one not saved yet
     * @throws IllegalArgumentException when the extra conditions are not a valid rule
     */
    public int audienceCount(CampaignDefinition definition, long campaignId) {
        return db.fetchCount(audienceOf(definition, campaignId, clock.instant()));
    }

    /**
     * The audience as one condition over {@code client} and {@code client_stats}: in any of the
     * segments (or cells), and meeting the extra conditions, and, for a trigger campaign, due for
     * the trigger and not yet messaged for this occasion.
     */
    Condition audience(CampaignDefinition d, long campaignId, Instant now) {
        List<Condition> all = new ArrayList<>();
        List<SegmentRef> refs = d.audience() == null || d.audience().segments() == null ? List.of() : d.audience().segments();
        if (!refs.isEmpty()) {
            List<Condition> any = new ArrayList<>();
            for (SegmentRef ref : refs) {
                Condition member = SEGMENT_MEMBER.SEGMENT_ID.eq(ref.segment()).and(SEGMENT_MEMBER.CLIENT_ID.eq(CLIENT.ID));
                if (ref.cells() != null && !ref.cells().isEmpty()) {
                    member = member.and(SEGMENT_MEMBER.CELL.in(ref.cells()));
                }
                any.add(DSL.exists(DSL.selectOne().from(SEGMENT_MEMBER).where(member)));
            }
            all.add(DSL.or(any));
        }
        if (d.audience() != null && d.audience().conditions() != null && !d.audience().conditions().isNull()) {
            all.add(segments.ruleCondition(d.audience().conditions(), now));
        }
        if (d.schedule() != null && CampaignDefinition.TRIGGER.equals(d.schedule().kind()) && d.schedule().trigger() != null) {
            all.add(trigger(d.schedule().trigger(), campaignId, now));
        }
        return all.isEmpty() ? DSL.falseCondition() : DSL.and(all);
    }

    private Condition trigger(Trigger trigger, long campaignId, Instant now) {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        int days = trigger.days() == null ? 0 : trigger.days();
        return switch (trigger.kind()) {
            case CampaignDefinition.BIRTHDAY -> {
                ObjectNode rule = JsonNodeFactory.instance.objectNode().put("field", "birthdayWithinDays").put("days", days);
                yield segments.ruleCondition(rule, now)
                        .and(DSL.not(messagedSince(campaignId, DSL.val(at.minus(BIRTHDAY_OCCASION)))));
            }
            case CampaignDefinition.AFTER_FIRST_PURCHASE -> {
                // calendar days in the business's zone; a late evaluation (hub down) still welcomes a
                // client within a week of the day, never everyone who ever bought
                var firstDay = DSL.field("({0} at time zone {1})::date", java.time.LocalDate.class,
                        CLIENT_STATS.FIRST_PURCHASE_AT, DSL.val(zone.getId()));
                var today = now.atZone(zone).toLocalDate();
                yield CLIENT_STATS.FIRST_PURCHASE_AT.isNotNull()
                        .and(firstDay.le(today.minusDays(days)))
                        .and(firstDay.gt(today.minusDays(days + FIRST_PURCHASE_CATCH_UP_DAYS)))
                        .and(DSL.not(messagedSince(campaignId, null)));
            }
            case CampaignDefinition.NO_PURCHASE -> {
                ObjectNode rule = JsonNodeFactory.instance.objectNode().put("field", "daysSinceLastPurchase").put("min", days);
                // the occasion is this lapse: a client who bought again and lapsed again is due again
                yield segments.ruleCondition(rule, now)
                        .and(DSL.not(messagedSince(campaignId, CLIENT_STATS.LAST_PURCHASE_AT)));
            }
            case CampaignDefinition.ENTERED_CELL -> {
                int window = trigger.days() == null ? ENTERED_CELL_DEFAULT_DAYS : days;
                var member = SEGMENT_MEMBER.as("entered");
                yield DSL.exists(DSL.selectOne().from(member)
                        .where(member.SEGMENT_ID.eq(trigger.segment()))
                        .and(member.CLIENT_ID.eq(CLIENT.ID))
                        .and(member.CELL.eq(trigger.cell()))
                        .and(member.SINCE.ge(at.minusDays(window)))
                        .and(DSL.not(messagedSince(campaignId, member.SINCE))));
            }
            default -> throw new IllegalArgumentException("Unknown trigger " + trigger.kind());
        };
    }

    /**
     * The client has a delivery of this campaign (not a dry run) from a run fired at or after
     * {@code since} (ever, when null). Capped and cancelled deliveries do not count: the client was
     * not reached and stays due.
     */
    private static Condition messagedSince(long campaignId, org.jooq.Field<OffsetDateTime> since) {
        Condition c = DSL.condition("""
                exists (select 1 from delivery d join campaign_run r on r.id = d.run_id
                        where d.client_id = "client"."id" and r.campaign_id = {0} and not r.dry_run
                          and d.status not in ('capped', 'cancelled')""" + (since == null ? ")" : " and r.slot >= {1})"),
                DSL.val(campaignId), since == null ? DSL.val((Object) null) : since);
        return c;
    }
}
