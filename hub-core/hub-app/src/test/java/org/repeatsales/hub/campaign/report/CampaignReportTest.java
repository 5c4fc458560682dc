package org.repeatsales.hub.campaign.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.repeatsales.hub.HubApiClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Run and campaign reports over campaign, run, delivery, consent and receipt rows written with SQL,
 * checked against figures worked out by hand in the comments. The dispatcher and the scheduler are
 * off: the rows stand for runs in every stage and must stay as written.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"hub.inbox.enabled=false",
        "hub.segments.auto-refresh=false", "hub.campaigns.dispatch.enabled=false", "hub.campaigns.scheduler=false"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignReportTest {

    /** When run 1 froze its audience; its messages left an hour later. */
    private static final Instant PLANNED = Instant.parse("2026-11-02T10:00:00Z");
    private static final Instant SENT = PLANNED.plus(Duration.ofHours(1));

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    CampaignReports reports;

    long campaign;
    long run1;
    long run2;
    long dryRun;
    long emptyCampaign;
    int receipts;

    @BeforeAll
    void store() {
        campaign = jdbc.queryForObject("insert into campaign (name, definition, schedule_kind, state) values "
                + "('Новогодняя скидка', '{}', 'cron', 'active') returning id", Long.class);
        emptyCampaign = jdbc.queryForObject("insert into campaign (name, definition, schedule_kind) values "
                + "('Пустая', '{}', 'manual') returning id", Long.class);
        run1 = run(PLANNED, false, "P14D", 30, 23, 1);
        run2 = run(PLANNED.plus(Duration.ofDays(7)), false, "P3D", 3, 2, 0);
        dryRun = run(PLANNED.plus(Duration.ofDays(8)), true, "P14D", 2, 2, 0);

        // Run 1, sent group: 10 deliveries with a send time (8 delivered, 2 failed after leaving).
        long s1 = sent(run1, "delivered", null);
        long s2 = sent(run1, "delivered", null);
        long s3 = sent(run1, "delivered", null);
        long s4 = sent(run1, "delivered", null);
        long s5 = sent(run1, "delivered", null);
        long s6 = sent(run1, "delivered", null);
        long s7 = sent(run1, "delivered", null);
        long s8 = sent(run1, "delivered", null);
        long s9 = sent(run1, "failed", "bounce: mailbox full");
        long s10 = sent(run1, "failed", "bounce: mailbox full");
        // buyers: s1 1000; s2 500 + 250 (one buyer, two receipts); s3 300; s9 2000 -> 4 buyers, 4050.00
        buy(s1, SENT.plus(Duration.ofDays(1)), "1000.00", false);
        buy(s2, SENT.plus(Duration.ofDays(2)), "500.00", false);
        buy(s2, SENT.plus(Duration.ofDays(13)), "250.00", false);
        buy(s3, SENT.plus(Duration.ofDays(14)), "300.00", false); // the last moment of the window still counts
        buy(s9, SENT.plus(Duration.ofHours(5)), "2000.00", false);
        // not conversions: before the send, at the very moment of it, after the window, a refund
        buy(s4, SENT.minus(Duration.ofHours(2)), "700.00", false);
        buy(s5, SENT, "800.00", false);
        buy(s6, SENT.plus(Duration.ofDays(14)).plusSeconds(1), "900.00", false);
        buy(s7, SENT.plus(Duration.ofDays(3)), "400.00", true);
        // opted out: s1 withdrew e-mail consent 3 days later; s2 on another channel; s3 after the window
        withdraw(s1, "EMAIL", SENT.plus(Duration.ofDays(3)));
        withdraw(s2, "SMS", SENT.plus(Duration.ofDays(1)));
        withdraw(s3, "EMAIL", SENT.plus(Duration.ofDays(20)));
        // Run 1, deliveries that did not leave
        row(run1, "failed", "адрес не существует");
        row(run1, "failed", "адрес не существует");
        row(run1, "failed", "bounce: mailbox full");
        row(run1, "unsubscribed", null);
        row(run1, "cancelled", null);
        row(run1, "queued", null);
        row(run1, "sending", null);
        row(run1, "capped", null);
        row(run1, "capped", null);
        row(run1, "no_consent", null);
        // Run 1, control group of 5: c1 bought 600.00 two days after planning, c2 only after the window
        long c1 = row(run1, "held_out", null);
        long c2 = row(run1, "held_out", null);
        row(run1, "held_out", null);
        row(run1, "held_out", null);
        row(run1, "held_out", null);
        buy(c1, PLANNED.plus(Duration.ofDays(2)), "600.00", false);
        buy(c2, PLANNED.plus(Duration.ofDays(20)), "1500.00", false);

        // Run 2 (attribution P3D): 2 sent, one bought 100.00 a day later, one only after 5 days; 1 held out
        Instant sent2 = PLANNED.plus(Duration.ofDays(7)).plus(Duration.ofHours(1));
        long t1 = sent(run2, "delivered", null, sent2);
        long t2 = sent(run2, "delivered", null, sent2);
        row(run2, "held_out", null);
        buy(t1, sent2.plus(Duration.ofDays(1)), "100.00", false);
        buy(t2, sent2.plus(Duration.ofDays(5)), "5000.00", false);

        // the dry run's rows are never sent and never count in the campaign's report
        row(dryRun, "queued", null);
        row(dryRun, "queued", null);
    }

    private long run(Instant planned, boolean dry, String attribution, int audience, int targeted, int deferred) {
        return jdbc.queryForObject("insert into campaign_run (campaign_id, slot, dry_run, state, definition, planned_at, "
                + "audience, targeted, deferred) values (?, ?::timestamptz, ?, ?, ?::jsonb, ?::timestamptz, ?, ?, ?) returning id",
                Long.class, campaign, planned.toString(), dry, dry ? "finished" : "dispatching",
                "{\"policy\": {\"attribution\": \"" + attribution + "\"}}", planned.toString(), audience, targeted, deferred);
    }

    private long client() {
        return jdbc.queryForObject("insert into client (name) values ('Клиент') returning id", Long.class);
    }

    /** A delivery row of a new client; returns the client. */
    private long row(long run, String status, String reason) {
        long client = client();
        jdbc.update("insert into delivery (run_id, client_id, status, reason, channel) values (?, ?, ?, ?, 'EMAIL')",
                run, client, status, reason);
        return client;
    }

    private long sent(long run, String status, String reason) {
        return sent(run, status, reason, SENT);
    }

    private long sent(long run, String status, String reason, Instant at) {
        long client = client();
        jdbc.update("insert into delivery (run_id, client_id, status, reason, channel, address, attempts, sent_at) "
                + "values (?, ?, ?, ?, 'EMAIL', 'c@example.org', 1, ?::timestamptz)", run, client, status, reason, at.toString());
        return client;
    }

    private void buy(long client, Instant at, String total, boolean refund) {
        jdbc.update("insert into receipt (source, natural_key, client_id, purchased_at, total, is_refund, content_hash) "
                + "values ('test', ?, ?, ?::timestamptz, ?::numeric, ?, 'h')", "r" + (++receipts), client, at.toString(), total, refund);
    }

    private void withdraw(long client, String channel, Instant at) {
        jdbc.update("insert into consent (client_id, channel, state, at, source) values (?, ?, 'withdrawn', ?::timestamptz, 'link')",
                client, channel, at.toString());
    }

    @Test
    void shouldCountWhatPlanningFrozeAndWhatBecameOfEachDelivery() {
        CampaignReport r = reports.run(run1);

        assertThat(r.campaign()).isEqualTo("Новогодняя скидка");
        assertThat(r.runIds()).containsExactly(run1);
        assertThat(r.state()).isEqualTo("dispatching");
        assertThat(r.attributionDays()).isEqualTo(14);
        assertThat(r.audience()).isEqualTo(30);
        assertThat(r.targeted()).isEqualTo(23);
        assertThat(r.deferred()).isEqualTo(1);
        assertThat(r.heldOut()).isEqualTo(5);
        assertThat(r.capped()).isEqualTo(2);
        assertThat(r.noConsent()).isEqualTo(1);
        assertThat(r.queued()).isEqualTo(1);
        assertThat(r.sending()).isEqualTo(1);
        assertThat(r.sent()).isEqualTo(10);
        assertThat(r.delivered()).isEqualTo(8);
        assertThat(r.failed()).isEqualTo(5);
        assertThat(r.failedByReason()).containsExactly(java.util.Map.entry("bounce: mailbox full", 3L),
                java.util.Map.entry("адрес не существует", 2L));
        assertThat(r.unsubscribed()).isEqualTo(1);
        assertThat(r.cancelled()).isEqualTo(1);
        assertThat(r.optedOut()).isEqualTo(1);
    }

    @Test
    void shouldMeasureConversionOfSentAgainstControlGroupWithConfidenceInterval() {
        CampaignReport.Conversion c = reports.run(run1).conversion();

        // sent: 4 buyers of 10 = 0.4, revenue 1000 + 500 + 250 + 300 + 2000 = 4050.00, 405.00 a client
        assertThat(c.sent()).isEqualTo(new CampaignReport.Group(10, 4, 0.4, new BigDecimal("4050.00"), new BigDecimal("405.00")));
        // control: 1 buyer of 5 = 0.2, revenue 600.00, 120.00 a client
        assertThat(c.control()).isEqualTo(new CampaignReport.Group(5, 1, 0.2, new BigDecimal("600.00"), new BigDecimal("120.00")));
        // uplift 0.4 - 0.2 = 0.2; SE = sqrt(0.4 x 0.6 / 10 + 0.2 x 0.8 / 5) = sqrt(0.024 + 0.032) = sqrt(0.056)
        //   = 0.2366432; 1.959964 x 0.2366432 = 0.4638121; interval 0.2 -/+ 0.4638121 = [-0.2638121, 0.6638121]
        assertThat(c.uplift()).isCloseTo(0.2, within(1e-12));
        assertThat(c.upliftLow()).isCloseTo(-0.2638121, within(1e-7));
        assertThat(c.upliftHigh()).isCloseTo(0.6638121, within(1e-7));
        assertThat(c.method()).contains("normal approximation", "95%");
        // (405.00 - 120.00) x 10 sent clients
        assertThat(c.incrementalRevenue()).isEqualByComparingTo("2850.00");
        // the latest window: sent 2026-11-02T11:00Z + 14 days
        assertThat(c.windowsOpenUntil()).isEqualTo(Instant.parse("2026-11-16T11:00:00Z"));
    }

    @Test
    void shouldUseTheAttributionWindowTheRunWasFiredWith() {
        CampaignReport r = reports.run(run2);

        // P3D: the purchase a day after counts, the one after 5 days does not
        assertThat(r.attributionDays()).isEqualTo(3);
        assertThat(r.conversion().sent()).isEqualTo(new CampaignReport.Group(2, 1, 0.5, new BigDecimal("100.00"), new BigDecimal("50.00")));
        assertThat(r.conversion().control().clients()).isEqualTo(1);
        assertThat(r.conversion().control().buyers()).isZero();
    }

    @Test
    void shouldAddUpEveryRunOfCampaignButDryRuns() {
        CampaignReport r = reports.campaign(campaign);

        assertThat(r.runIds()).containsExactly(run1, run2);
        assertThat(r.state()).isNull();
        assertThat(r.audience()).isEqualTo(33);
        assertThat(r.targeted()).isEqualTo(25);
        assertThat(r.sent()).isEqualTo(12);
        assertThat(r.queued()).isEqualTo(1); // the dry run's two queued rows are not counted
        assertThat(r.heldOut()).isEqualTo(6);
        CampaignReport.Conversion c = r.conversion();
        // sent: 4 + 1 buyers of 10 + 2 = 5/12; revenue 4050 + 100 = 4150.00, 345.83 a client
        assertThat(c.sent()).isEqualTo(new CampaignReport.Group(12, 5, 5.0 / 12, new BigDecimal("4150.00"), new BigDecimal("345.83")));
        // control: 1 buyer of 5 + 1 = 1/6; revenue 600.00, 100.00 a client
        assertThat(c.control()).isEqualTo(new CampaignReport.Group(6, 1, 1.0 / 6, new BigDecimal("600.00"), new BigDecimal("100.00")));
        // uplift 5/12 - 1/6 = 0.25; SE^2 = (5/12)(7/12)/12 + (1/6)(5/6)/6 = 35/1728 + 40/1728 = 25/576, SE = 5/24 = 0.2083333;
        //   1.959964 x 0.2083333 = 0.4083258; interval [-0.1583258, 0.6583258]
        assertThat(c.uplift()).isCloseTo(0.25, within(1e-12));
        assertThat(c.upliftLow()).isCloseTo(-0.1583258, within(1e-7));
        assertThat(c.upliftHigh()).isCloseTo(0.6583258, within(1e-7));
        // 4150.00 - 600.00 x 12 / 6 = 2950.00
        assertThat(c.incrementalRevenue()).isEqualByComparingTo("2950.00");
    }

    @Test
    void shouldLeaveUpliftOpenWithoutSentOrControlClients() {
        CampaignReport dry = reports.run(dryRun);
        CampaignReport empty = reports.campaign(emptyCampaign);

        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.queued()).isEqualTo(2);
        assertThat(dry.conversion().uplift()).isNull();
        assertThat(dry.conversion().incrementalRevenue()).isNull();
        assertThat(empty.runIds()).isEmpty();
        assertThat(empty.sent()).isZero();
        assertThat(empty.conversion().sent().rate()).isZero();
        assertThat(empty.conversion().upliftLow()).isNull();
    }

    @Test
    void shouldRefuseUnknownRunOrCampaign() {
        assertThatThrownBy(() -> reports.run(987654)).isInstanceOf(NoSuchElementException.class).hasMessage("No campaign run 987654");
        assertThatThrownBy(() -> reports.campaign(987654)).isInstanceOf(NoSuchElementException.class).hasMessage("No campaign 987654");
    }

    @Test
    void shouldReadAttributionAsIsoDurationOrSecondsWithFourteenDaysByDefault() {
        assertThat(CampaignReports.attribution(1, "{\"policy\": {\"attribution\": \"PT36H\"}}")).isEqualTo(Duration.ofHours(36));
        assertThat(CampaignReports.attribution(1, "{\"policy\": {\"attribution\": 86400.0}}")).isEqualTo(Duration.ofDays(1));
        assertThat(CampaignReports.attribution(1, "{\"variables\": {}}")).isEqualTo(Duration.ofDays(14));
        assertThatThrownBy(() -> CampaignReports.attribution(7, "{\"policy\": {\"attribution\": \"две недели\"}}"))
                .hasMessageContaining("Run 7").hasMessageContaining("policy.attribution");
    }

    @Test
    void shouldServeReportsOverTheApi() {
        HubApiClient admin = HubApiClient.admin(port);

        HubApiClient.Response run = admin.get("/api/v1/campaigns/runs/" + run1 + "/report");
        assertThat(run.status()).as(run.body()).isEqualTo(200);
        JsonNode json = run.json();
        assertThat(json.get("sent").asLong()).isEqualTo(10);
        assertThat(json.at("/failedByReason/адрес не существует").asLong()).isEqualTo(2);
        assertThat(json.at("/conversion/sent/revenue").decimalValue()).isEqualByComparingTo("4050.00");
        assertThat(json.at("/conversion/upliftHigh").asDouble()).isCloseTo(0.6638121, within(1e-7));

        HubApiClient.Response all = admin.get("/api/v1/campaigns/" + campaign + "/report");
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertThat(all.json().get("runIds")).hasSize(2);
        assertThat(admin.get("/api/v1/campaigns/runs/987654/report").status()).isEqualTo(404);
        assertThat(HubApiClient.anonymous(port).get("/api/v1/campaigns/" + campaign + "/report").status()).isEqualTo(401);
    }
}
