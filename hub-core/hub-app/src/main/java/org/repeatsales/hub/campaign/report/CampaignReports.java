package org.repeatsales.hub.campaign.report;

import static org.repeatsales.hub.store.jooq.Tables.CAMPAIGN;
import static org.repeatsales.hub.store.jooq.Tables.CAMPAIGN_RUN;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.repeatsales.hub.campaign.ContactPolicy;
import org.repeatsales.hub.campaign.report.CampaignReport.Conversion;
import org.repeatsales.hub.campaign.report.CampaignReport.Group;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reports of campaign runs from what planning froze ({@code campaign_run}), what became of each
 * delivery, and the receipts of the clients afterwards.
 *
 * <p>Conversion is measured per delivery row: a sent client converts when they bought (a receipt
 * that is not a refund) after the message's send time and within the attribution window; a client
 * of the control group, within the window after the run froze its audience (they were never sent
 * anything, so that is the moment they would have been). Across a campaign's runs the rows are
 * pooled, so a client targeted by two runs counts in each.
 *
 * <p>The uplift's 95% confidence interval is the normal approximation (Wald) of the difference of
 * two independent proportions: {@code d ± 1.96 × sqrt(p1(1-p1)/n1 + p2(1-p2)/n2)}. It is only as
 * good as that approximation: with a handful of buyers in either group it is too narrow.
 */
@Service
public class CampaignReports {

    public static final double Z95 = 1.959963984540054;
    static final String METHOD = "difference of two proportions, normal approximation (Wald), 95%";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DSLContext db;

    CampaignReports(DSLContext db) {
        this.db = db;
    }

    /** A run as planning froze it, with its attribution window. */
    private record Run(long id, long campaignId, String state, boolean dryRun, Instant plannedAt, Duration window,
            long audience, long targeted, long deferred) {
    }

    /**
     * @throws NoSuchElementException when there is no such run
     */
    @Transactional(readOnly = true)
    public CampaignReport run(long runId) {
        Run run = runs(CAMPAIGN_RUN.ID.eq(runId)).stream().findFirst()
                .orElseThrow(() -> new NoSuchElementException("No campaign run " + runId));
        return report(run.campaignId(), List.of(run), run.state(), run.dryRun());
    }

    /**
     * Every run of the campaign that was not a dry run, added up.
     *
     * @throws NoSuchElementException when there is no such campaign
     */
    @Transactional(readOnly = true)
    public CampaignReport campaign(long campaignId) {
        if (!db.fetchExists(CAMPAIGN, CAMPAIGN.ID.eq(campaignId))) {
            throw new NoSuchElementException("No campaign " + campaignId);
        }
        return report(campaignId, runs(CAMPAIGN_RUN.CAMPAIGN_ID.eq(campaignId).and(CAMPAIGN_RUN.DRY_RUN.isFalse())), null,
                false);
    }

    private List<Run> runs(org.jooq.Condition where) {
        return db.select(CAMPAIGN_RUN.ID, CAMPAIGN_RUN.CAMPAIGN_ID, CAMPAIGN_RUN.STATE, CAMPAIGN_RUN.DRY_RUN,
                        CAMPAIGN_RUN.PLANNED_AT, CAMPAIGN_RUN.DEFINITION, CAMPAIGN_RUN.AUDIENCE, CAMPAIGN_RUN.TARGETED,
                        CAMPAIGN_RUN.DEFERRED)
                .from(CAMPAIGN_RUN).where(where).orderBy(CAMPAIGN_RUN.ID)
                .fetch(r -> new Run(r.get(CAMPAIGN_RUN.ID), r.get(CAMPAIGN_RUN.CAMPAIGN_ID), r.get(CAMPAIGN_RUN.STATE),
                        r.get(CAMPAIGN_RUN.DRY_RUN),
                        Optional.ofNullable(r.get(CAMPAIGN_RUN.PLANNED_AT)).map(OffsetDateTime::toInstant).orElse(null),
                        attribution(r.get(CAMPAIGN_RUN.ID), r.get(CAMPAIGN_RUN.DEFINITION).data()), r.get(CAMPAIGN_RUN.AUDIENCE),
                        r.get(CAMPAIGN_RUN.TARGETED), r.get(CAMPAIGN_RUN.DEFERRED)));
    }

    /**
     * The run's window: {@code policy.attribution} of its frozen definition (ISO-8601 such as
     * {@code P14D}, or seconds), otherwise the default of 14 days.
     */
    static Duration attribution(long runId, String definition) {
        try {
            JsonNode node = JSON.readTree(definition).path("policy").path("attribution");
            if (node.isTextual() && !node.asText().isBlank()) {
                return Duration.parse(node.asText());
            }
            if (node.isNumber() && node.asDouble() > 0) {
                return Duration.ofMillis(Math.round(node.asDouble() * 1000));
            }
            return ContactPolicy.DEFAULT.attribution();
        } catch (JsonProcessingException | java.time.format.DateTimeParseException e) {
            throw new IllegalStateException("Run " + runId + ": its definition's policy.attribution is not a duration", e);
        }
    }

    private CampaignReport report(long campaignId, List<Run> runs, String state, boolean dryRun) {
        String name = db.select(CAMPAIGN.NAME).from(CAMPAIGN).where(CAMPAIGN.ID.eq(campaignId)).fetchOne(CAMPAIGN.NAME);
        Long[] ids = runs.stream().map(Run::id).toArray(Long[]::new);
        Long[] windows = runs.stream().map(r -> r.window().toSeconds()).toArray(Long[]::new);

        Record s = db.fetchOne("""
                select count(*) filter (where status = 'held_out') as held_out,
                       count(*) filter (where status = 'capped') as capped,
                       count(*) filter (where status = 'no_consent') as no_consent,
                       count(*) filter (where status = 'queued') as queued,
                       count(*) filter (where status = 'sending') as sending,
                       count(*) filter (where sent_at is not null) as sent,
                       count(*) filter (where status = 'delivered') as delivered,
                       count(*) filter (where status = 'failed') as failed,
                       count(*) filter (where status = 'unsubscribed') as unsubscribed,
                       count(*) filter (where status = 'cancelled') as cancelled
                from delivery where run_id = any(?::bigint[])""", (Object) ids);

        Map<String, Long> failedByReason = new LinkedHashMap<>();
        db.fetch("""
                select coalesce(nullif(reason, ''), 'без причины') as reason, count(*) as n from delivery
                where run_id = any(?::bigint[]) and status = 'failed'
                group by 1 order by 2 desc, 1""", (Object) ids)
                .forEach(r -> failedByReason.put(r.get("reason", String.class), r.get("n", Long.class)));

        long optedOut = db.fetchOne("""
                select count(*) from delivery d
                join unnest(?::bigint[], ?::bigint[]) as w(run_id, seconds) on w.run_id = d.run_id
                where d.sent_at is not null and d.channel is not null and exists (
                    select 1 from consent c
                    where c.client_id = d.client_id and c.channel = d.channel and c.state = 'withdrawn'
                      and c.at >= d.sent_at and c.at < d.sent_at + w.seconds * interval '1 second')""",
                ids, windows).get(0, Long.class);

        List<Group> groups = new ArrayList<>();
        Map<Boolean, Record> byGroup = new LinkedHashMap<>();
        // one probe of receipt_client_idx per delivery; a purchase at the very moment of the send is not caused by it
        db.fetch("""
                select x.control, count(*) as clients, count(*) filter (where b.purchases > 0) as buyers,
                       coalesce(sum(b.revenue), 0) as revenue, max(x.since + x.seconds * interval '1 second') as open_until
                from (select d.client_id, d.status = 'held_out' as control, w.seconds,
                             case when d.status = 'held_out' then r.planned_at else d.sent_at end as since
                      from delivery d
                      join campaign_run r on r.id = d.run_id
                      join unnest(?::bigint[], ?::bigint[]) as w(run_id, seconds) on w.run_id = d.run_id
                      where (d.status = 'held_out' and r.planned_at is not null) or d.sent_at is not null) x
                cross join lateral (
                    select count(*) as purchases, sum(p.total) as revenue from receipt p
                    where p.client_id = x.client_id and not p.is_refund
                      and p.purchased_at > x.since and p.purchased_at <= x.since + x.seconds * interval '1 second') b
                group by x.control""", ids, windows)
                .forEach(r -> byGroup.put(r.get("control", Boolean.class), r));
        Group sent = group(byGroup.get(false));
        Group control = group(byGroup.get(true));
        Instant openUntil = byGroup.values().stream().map(r -> r.get("open_until", OffsetDateTime.class))
                .filter(java.util.Objects::nonNull).map(OffsetDateTime::toInstant).max(Instant::compareTo).orElse(null);

        Double uplift = null;
        Double low = null;
        Double high = null;
        BigDecimal incremental = null;
        if (sent.clients() > 0 && control.clients() > 0) {
            uplift = sent.rate() - control.rate();
            double se = Math.sqrt(sent.rate() * (1 - sent.rate()) / sent.clients()
                    + control.rate() * (1 - control.rate()) / control.clients());
            low = uplift - Z95 * se;
            high = uplift + Z95 * se;
            incremental = sent.revenue().multiply(BigDecimal.valueOf(control.clients()))
                    .subtract(control.revenue().multiply(BigDecimal.valueOf(sent.clients())))
                    .divide(BigDecimal.valueOf(control.clients()), 2, RoundingMode.HALF_UP);
        }
        Conversion conversion = new Conversion(sent, control, uplift, low, high, METHOD, incremental, openUntil);

        Duration latestWindow = runs.isEmpty() ? ContactPolicy.DEFAULT.attribution() : runs.get(runs.size() - 1).window();
        return new CampaignReport(campaignId, name, List.of(ids), state, dryRun, latestWindow.toDays(),
                runs.stream().mapToLong(Run::audience).sum(), runs.stream().mapToLong(Run::targeted).sum(),
                count(s, "held_out"), count(s, "capped"), count(s, "no_consent"), runs.stream().mapToLong(Run::deferred).sum(),
                count(s, "queued"), count(s, "sending"), count(s, "sent"), count(s, "delivered"), count(s, "failed"),
                failedByReason, count(s, "unsubscribed"), count(s, "cancelled"), optedOut, conversion);
    }

    private static long count(Record r, String field) {
        Long value = r.get(field, Long.class);
        return value == null ? 0 : value;
    }

    private static Group group(Record r) {
        if (r == null) {
            return new Group(0, 0, 0, BigDecimal.ZERO.setScale(2), BigDecimal.ZERO.setScale(2));
        }
        long clients = r.get("clients", Long.class);
        long buyers = r.get("buyers", Long.class);
        BigDecimal revenue = r.get("revenue", BigDecimal.class).setScale(2, RoundingMode.HALF_UP);
        return new Group(clients, buyers, (double) buyers / clients, revenue,
                revenue.divide(BigDecimal.valueOf(clients), 2, RoundingMode.HALF_UP));
    }
}
