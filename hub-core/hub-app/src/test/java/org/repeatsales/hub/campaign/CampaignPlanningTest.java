package org.repeatsales.hub.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Planning a run freezes its audience in delivery rows: control group, frequency cap, consent and
 * address per channel in the campaign's order, quiet hours in the client's zone; the run's counts add
 * up; dry runs and stopped runs leave nothing to send.
 */
// no dispatcher: these tests look at the frozen rows, which a dispatcher would start sending
@SpringBootTest(properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false",
        "hub.campaigns.scheduler=false", "hub.campaigns.dispatch.enabled=false"})
@Import(CampaignTestSupport.Templates.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignPlanningTest {

    @Autowired
    CampaignService campaigns;

    @Autowired
    PluginRegistry registry;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    void setUp() throws Exception {
        CampaignTestSupport.installConnectors(registry);
    }

    /** Clients numbered 1..n of one city, as a range of ids. */
    private long[] clients(String city, int n) {
        List<Long> ids = jdbc.queryForList("insert into client (name, city) select ? || ' ' || g, ? from generate_series(1, ?) g"
                + " returning id", Long.class, city, city, n);
        return ids.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private void consent(long[] ids, int from, int to, String channel, String state, boolean address) {
        for (int i = from; i <= to; i++) {
            long id = ids[i - 1];
            jdbc.update("insert into consent (client_id, channel, state, at, source) values (?, ?, ?, now(), 'test')", id, channel, state);
            if (address) {
                jdbc.update("insert into client_address (client_id, channel, address) values (?, ?, ?) on conflict do nothing",
                        id, channel, channel.equals("EMAIL") ? "c" + id + "@example.org" : String.valueOf(1000 + id));
            }
        }
    }

    private void contacted(long id, Duration ago) {
        jdbc.update("insert into client_contact (client_id, last_contact_at) values (?, ?) on conflict (client_id) do update"
                + " set last_contact_at = excluded.last_contact_at", id, Timestamp.from(Instant.now().minus(ago)));
    }

    private long campaign(String name, String city, String policy, String schedule) {
        JsonNode json = CampaignDefinition.json().valueToTree(Map.of());
        try {
            json = CampaignDefinition.json().readTree("""
                    {"name": "%s",
                     "audience": {"conditions": {"field": "city", "in": ["%s"]}},
                     "channels": [{"channel": "TELEGRAM", "connector": "test-telegram", "template": {"text": "{{firstName}}, код {{promoCode}}"}},
                                  {"channel": "EMAIL", "connector": "test-email", "template": {"subject": "Скидка", "text": "Код {{promoCode}}"}}],
                     "schedule": %s,
                     "variables": {"promoCode": "TEST"},
                     "policy": %s}
                    """.formatted(name, city, schedule, policy));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return campaigns.create(json, "test").id();
    }

    private long campaign(String name, String city, String policy) {
        return campaign(name, city, policy, "{\"kind\": \"manual\"}");
    }

    private static final String NO_QUIET = "\"quietFrom\": \"00:00\", \"quietTo\": \"00:00\"";

    private Map<String, Object> statusCounts(long runId) {
        return jdbc.queryForMap("""
                select count(*) as total, count(*) filter (where status = 'queued') as queued,
                       count(*) filter (where status = 'held_out') as held_out, count(*) filter (where status = 'capped') as capped,
                       count(*) filter (where status = 'no_consent') as no_consent, count(*) filter (where deferred) as deferred
                from delivery where run_id = ?""", runId);
    }

    @Test
    void shouldFreezeAudienceWithCountsThatAddUp() {
        long[] ids = clients("Планск", 2000);
        consent(ids, 1, 400, "EMAIL", "given", true);
        consent(ids, 1, 400, "TELEGRAM", "given", true);
        consent(ids, 401, 1200, "EMAIL", "given", true);
        consent(ids, 1201, 1400, "EMAIL", "given", false);
        consent(ids, 1401, 1500, "EMAIL", "given", true);
        consent(ids, 1401, 1500, "EMAIL", "withdrawn", false);
        long id = campaign("Счёт сходится", "Планск", "{" + NO_QUIET + "}");
        campaigns.activate(id);

        CampaignViews.Run run = campaigns.run(id, false);

        assertThat(run.state()).isEqualTo("dispatching");
        assertThat(run.plannedAt()).isNotNull();
        assertThat(run.audience()).isEqualTo(2000);
        assertThat(run.targeted() + run.heldOut() + run.capped() + run.noConsent()).isEqualTo(run.audience());
        Map<String, Object> rows = statusCounts(run.id());
        assertThat(((Number) rows.get("total")).intValue()).isEqualTo(run.audience());
        assertThat(((Number) rows.get("queued")).intValue()).isEqualTo(run.targeted());
        assertThat(((Number) rows.get("held_out")).intValue()).isEqualTo(run.heldOut());
        assertThat(((Number) rows.get("no_consent")).intValue()).isEqualTo(run.noConsent());
        // everyone not held out among the 1,200 reachable is targeted; the other 800 have no usable channel
        int heldOutReachable = jdbc.queryForObject("select count(*) from delivery where run_id = ? and status = 'held_out'"
                + " and client_id <= ?", Integer.class, run.id(), ids[1199]);
        assertThat(run.targeted()).isEqualTo(1200 - heldOutReachable);
        assertThat(run.noConsent()).isEqualTo(800 - (run.heldOut() - heldOutReachable));
        assertThat(jdbc.queryForList("select distinct array_to_string(channels, ',') from delivery where run_id = ? and status = 'queued'"
                + " and client_id <= ?", String.class, run.id(), ids[399])).containsExactly("TELEGRAM,EMAIL");
        assertThat(jdbc.queryForList("select distinct array_to_string(channels, ',') from delivery where run_id = ? and status = 'queued'"
                + " and client_id > ?", String.class, run.id(), ids[399])).containsExactly("EMAIL");
        assertThat(jdbc.queryForObject("select definition -> 'policy' ->> 'frequencyCap' from campaign_run where id = ?", String.class,
                run.id())).isEqualTo("PT168H");
    }

    @Test
    void shouldHoldOutAStableTenPercentControlGroup() {
        long[] ids = clients("Контрольск", 3000);
        consent(ids, 1, 3000, "EMAIL", "given", true);
        long id = campaign("Контрольная группа", "Контрольск", "{" + NO_QUIET + "}");

        CampaignViews.Run first = campaigns.run(id, true);
        CampaignViews.Run second = campaigns.run(id, true);

        assertThat(first.heldOut()).isBetween(220, 380);
        String heldOut = "select client_id from delivery where run_id = ? and status = 'held_out' order by client_id";
        assertThat(jdbc.queryForList(heldOut, Long.class, second.id())).isEqualTo(jdbc.queryForList(heldOut, Long.class, first.id()));
        assertThat(first.targeted()).isEqualTo(3000 - first.heldOut());
    }

    @Test
    void shouldCapClientsContactedWithinTheCampaignsFrequencyCap() {
        long[] ids = clients("Капск", 40);
        consent(ids, 1, 40, "EMAIL", "given", true);
        for (int i = 0; i < 20; i++) {
            contacted(ids[i], Duration.ofDays(3));
        }
        long weekly = campaign("Раз в неделю", "Капск", "{\"controlShare\": 0, " + NO_QUIET + "}");
        long daily = campaign("Раз в два дня", "Капск", "{\"controlShare\": 0, \"frequencyCap\": \"P2D\", " + NO_QUIET + "}");

        CampaignViews.Run capped = campaigns.run(weekly, true);
        CampaignViews.Run notCapped = campaigns.run(daily, true);

        assertThat(capped.capped()).isEqualTo(20);
        assertThat(capped.targeted()).isEqualTo(20);
        assertThat(jdbc.queryForList("select client_id from delivery where run_id = ? and status = 'capped' order by client_id",
                Long.class, capped.id())).containsExactlyElementsOf(java.util.Arrays.stream(ids, 0, 20).boxed().toList());
        assertThat(notCapped.capped()).isZero();
        assertThat(notCapped.targeted()).isEqualTo(40);
    }

    @Test
    void shouldDeferClientsInTheirQuietHoursToTheirEnd() {
        long[] ids = clients("Тихоокеанск", 2);
        consent(ids, 1, 2, "EMAIL", "given", true);
        ZoneId vladivostok = ZoneId.of("Asia/Vladivostok");
        jdbc.update("update client set time_zone = ? where id = ?", vladivostok.getId(), ids[0]);
        // quiet hours around the present moment in Vladivostok; in Moscow (7 hours behind) it is day
        LocalTime local = ZonedDateTime.now(vladivostok).toLocalTime().truncatedTo(ChronoUnit.MINUTES);
        LocalTime from = local.minusHours(1);
        LocalTime to = local.plusHours(2);
        long id = campaign("Тихие часы", "Тихоокеанск", "{\"controlShare\": 0, \"quietFrom\": \"" + from + "\", \"quietTo\": \"" + to + "\"}");
        campaigns.activate(id);

        Instant before = Instant.now();
        CampaignViews.Run run = campaigns.run(id, false);

        assertThat(run.targeted()).isEqualTo(2);
        assertThat(run.deferred()).isEqualTo(1);
        Map<String, Object> far = jdbc.queryForMap("select deferred, not_before from delivery where run_id = ? and client_id = ?",
                run.id(), ids[0]);
        ZonedDateTime now = ZonedDateTime.now(vladivostok);
        ZonedDateTime end = now.toLocalDate().atTime(to).atZone(vladivostok);
        if (!end.isAfter(now.minusMinutes(1))) {
            end = end.plusDays(1);
        }
        assertThat(far.get("deferred")).isEqualTo(true);
        assertThat(((Timestamp) far.get("not_before")).toInstant()).isEqualTo(end.toInstant());
        Map<String, Object> near = jdbc.queryForMap("select deferred, not_before from delivery where run_id = ? and client_id = ?",
                run.id(), ids[1]);
        assertThat(near.get("deferred")).isEqualTo(false);
        assertThat(((Timestamp) near.get("not_before")).toInstant()).isBetween(before.minusSeconds(1), Instant.now());
    }

    @Test
    void shouldPlanDryRunInAnyStateAndLeaveNothingToSend() {
        long[] ids = clients("Сухск", 30);
        consent(ids, 1, 30, "TELEGRAM", "given", true);
        long id = campaign("Пробный прогон", "Сухск", "{\"controlShare\": 0, " + NO_QUIET + "}");

        CampaignViews.Run dry = campaigns.run(id, true);

        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.state()).isEqualTo("finished");
        assertThat(dry.finishedAt()).isNotNull();
        assertThat(dry.targeted()).isEqualTo(30);
        assertThat(jdbc.queryForObject("select count(*) from delivery where run_id = ? and (attempts > 0 or sent_at is not null)",
                Integer.class, dry.id())).isZero();
        assertThat(jdbc.queryForObject("select count(*) from client_contact where client_id = any(?)", Integer.class,
                (Object) java.util.Arrays.stream(ids).boxed().toArray(Long[]::new))).isZero();
        assertThatThrownBy(() -> campaigns.run(id, false)).isInstanceOf(CampaignStateException.class).hasMessageContaining("activate");
        assertThatThrownBy(() -> campaigns.pauseRun(dry.id())).isInstanceOf(CampaignStateException.class);
    }

    @Test
    void shouldPauseResumeAndStopARunCancellingWhatIsQueued() {
        long[] ids = clients("Стопск", 50);
        consent(ids, 1, 50, "EMAIL", "given", true);
        long id = campaign("Остановить", "Стопск", "{\"controlShare\": 0.2, " + NO_QUIET + "}");
        campaigns.activate(id);
        CampaignViews.Run run = campaigns.run(id, false);

        assertThat(campaigns.pauseRun(run.id()).state()).isEqualTo("paused");
        assertThatThrownBy(() -> campaigns.pauseRun(run.id())).isInstanceOf(CampaignStateException.class);
        assertThat(campaigns.resumeRun(run.id()).state()).isEqualTo("dispatching");
        CampaignViews.Run stopped = campaigns.stopRun(run.id());

        assertThat(stopped.state()).isEqualTo("stopped");
        assertThat(stopped.finishedAt()).isNotNull();
        Map<String, Object> rows = jdbc.queryForMap("select count(*) filter (where status = 'queued') as queued,"
                + " count(*) filter (where status = 'cancelled') as cancelled, count(*) filter (where status = 'held_out') as held_out"
                + " from delivery where run_id = ?", run.id());
        assertThat(((Number) rows.get("queued")).intValue()).isZero();
        assertThat(((Number) rows.get("cancelled")).intValue()).isEqualTo(run.targeted());
        assertThat(((Number) rows.get("held_out")).intValue()).isEqualTo(run.heldOut());
        assertThatThrownBy(() -> campaigns.stopRun(run.id())).isInstanceOf(CampaignStateException.class);
        assertThatThrownBy(() -> campaigns.resumeRun(run.id())).isInstanceOf(CampaignStateException.class);
    }

    @Test
    void shouldStopTheRunsOfAStoppedCampaign() {
        long[] ids = clients("Финишск", 10);
        consent(ids, 1, 10, "EMAIL", "given", true);
        long id = campaign("Стоп кампании", "Финишск", "{\"controlShare\": 0, " + NO_QUIET + "}");
        campaigns.activate(id);
        CampaignViews.Run run = campaigns.run(id, false);

        campaigns.stop(id);

        assertThat(campaigns.run(run.id()).state()).isEqualTo("stopped");
        assertThat(jdbc.queryForObject("select count(*) from delivery where run_id = ? and status = 'cancelled'", Integer.class,
                run.id())).isEqualTo(10);
    }

    @Test
    void shouldGreetEachBirthdayOnceAWhileTheTriggerKeepsFiring() {
        long[] ids = clients("Именинск", 3);
        consent(ids, 1, 3, "EMAIL", "given", true);
        LocalDate today = LocalDate.now(ZoneId.of("Europe/Moscow"));
        jdbc.update("update client set birthday = ? where id = ?", today.plusDays(2).minusYears(30), ids[0]);
        jdbc.update("update client set birthday = ? where id = ?", today.plusDays(10).minusYears(25), ids[1]);
        long id = campaign("С днём рождения", "Именинск", "{\"controlShare\": 0, " + NO_QUIET + "}",
                "{\"kind\": \"trigger\", \"trigger\": {\"kind\": \"birthday\", \"days\": 3}}");
        campaigns.activate(id);

        CampaignViews.Run dry = campaigns.run(id, true);
        CampaignViews.Run first = campaigns.run(id, false);
        CampaignViews.Run second = campaigns.run(id, false);

        assertThat(dry.audience()).isEqualTo(1);
        assertThat(first.audience()).isEqualTo(1);
        assertThat(jdbc.queryForObject("select client_id from delivery where run_id = ?", Long.class, first.id())).isEqualTo(ids[0]);
        assertThat(second.audience()).isZero();
    }

    @Test
    void shouldLeaveTheRunFailedWithTheReasonWhenPlanningFails() {
        clients("Сбойск", 3);
        long id = campaign("Сбой", "Сбойск", "{" + NO_QUIET + "}");
        jdbc.update("update campaign set definition = jsonb_set(definition, '{audience,conditions}', '{\"field\": \"shoeSize\"}')"
                + " where id = ?", id);

        CampaignViews.Run run = campaigns.run(id, true);

        assertThat(run.state()).isEqualTo("failed");
        assertThat(run.message()).contains("shoeSize");
        assertThat(jdbc.queryForObject("select count(*) from delivery where run_id = ?", Integer.class, run.id())).isZero();
    }

    @Test
    void shouldMessageALapsedClientOncePerLapse() {
        long[] ids = clients("Спящинск", 2);
        consent(ids, 1, 2, "EMAIL", "given", true);
        jdbc.update("insert into client_stats (client_id, first_purchase_at, last_purchase_at, purchases, refunds, revenue)"
                + " values (?, now() - interval '300 days', now() - interval '100 days', 3, 0, 3000),"
                + " (?, now() - interval '300 days', now() - interval '10 days', 3, 0, 3000)", ids[0], ids[1]);
        long id = campaign("Давно не были", "Спящинск", "{\"controlShare\": 0, " + NO_QUIET + "}",
                "{\"kind\": \"trigger\", \"trigger\": {\"kind\": \"noPurchase\", \"days\": 60}}");
        campaigns.activate(id);

        CampaignViews.Run first = campaigns.run(id, false);
        CampaignViews.Run second = campaigns.run(id, false);
        // the client buys again and lapses again: a new occasion
        jdbc.update("update client_stats set last_purchase_at = now() - interval '61 days' where client_id = ?", ids[0]);
        jdbc.update("update campaign_run set slot = slot - interval '90 days' where campaign_id = ?", id);
        CampaignViews.Run third = campaigns.run(id, false);

        assertThat(first.audience()).isEqualTo(1);
        assertThat(jdbc.queryForObject("select client_id from delivery where run_id = ?", Long.class, first.id())).isEqualTo(ids[0]);
        assertThat(second.audience()).isZero();
        assertThat(third.audience()).isEqualTo(1);
    }

    @Test
    void shouldWelcomeClientsTheGivenDaysAfterTheirFirstPurchaseOnce() {
        long[] ids = clients("Новичковск", 3);
        consent(ids, 1, 3, "EMAIL", "given", true);
        jdbc.update("insert into client_stats (client_id, first_purchase_at, last_purchase_at, purchases, refunds, revenue)"
                + " values (?, now() - interval '2 days', now() - interval '2 days', 1, 0, 500),"
                + " (?, now() - interval '1 minute', now() - interval '1 minute', 1, 0, 500),"
                + " (?, now() - interval '200 days', now() - interval '2 days', 5, 0, 5000)", ids[0], ids[1], ids[2]);
        long id = campaign("Спасибо за первую покупку", "Новичковск", "{\"controlShare\": 0, " + NO_QUIET + "}",
                "{\"kind\": \"trigger\", \"trigger\": {\"kind\": \"afterFirstPurchase\", \"days\": 1}}");
        campaigns.activate(id);

        CampaignViews.Run first = campaigns.run(id, false);
        CampaignViews.Run second = campaigns.run(id, false);

        assertThat(jdbc.queryForList("select client_id from delivery where run_id = ?", Long.class, first.id()))
                .containsExactly(ids[0]);
        assertThat(second.audience()).isZero();
    }

    @Test
    void shouldMessageClientsOncePerEntryIntoACell() {
        long[] ids = clients("Ячейкинск", 3);
        consent(ids, 1, 3, "EMAIL", "given", true);
        long segment = jdbc.queryForObject("insert into segment (name, strategy, parameters) values ('Ячейки', 'rules',"
                + " '{\"rule\": {\"field\": \"purchases\", \"min\": 1}}') returning id", Long.class);
        jdbc.update("insert into segment_member (segment_id, client_id, cell, since) values (?, ?, 'match', now() - interval '1 day'),"
                + " (?, ?, 'match', now() - interval '40 days')", segment, ids[0], segment, ids[1]);
        long id = campaign("Вошёл в ячейку", "Ячейкинск", "{\"controlShare\": 0, " + NO_QUIET + "}",
                "{\"kind\": \"trigger\", \"trigger\": {\"kind\": \"enteredCell\", \"segment\": " + segment + ", \"cell\": \"match\"}}");
        campaigns.activate(id);

        CampaignViews.Run first = campaigns.run(id, false);
        CampaignViews.Run second = campaigns.run(id, false);
        // left and entered again: a new entry
        jdbc.update("update segment_member set since = now() where segment_id = ? and client_id = ?", segment, ids[0]);
        CampaignViews.Run third = campaigns.run(id, false);

        assertThat(jdbc.queryForList("select client_id from delivery where run_id = ?", Long.class, first.id()))
                .containsExactly(ids[0]);
        assertThat(second.audience()).isZero();
        assertThat(jdbc.queryForList("select client_id from delivery where run_id = ?", Long.class, third.id()))
                .containsExactly(ids[0]);
    }

    @Test
    void shouldRemoveTheDeliveriesOfADeletedCampaign() {
        long[] ids = clients("Удалинск", 5);
        consent(ids, 1, 5, "EMAIL", "given", true);
        long id = campaign("Удалить с прогоном", "Удалинск", "{" + NO_QUIET + "}");
        CampaignViews.Run dry = campaigns.run(id, true);
        assertThat(jdbc.queryForObject("select count(*) from delivery where run_id = ?", Integer.class, dry.id())).isEqualTo(5);

        campaigns.delete(id);

        assertThat(jdbc.queryForObject("select count(*) from delivery where run_id = ?", Integer.class, dry.id())).isZero();
        assertThat(jdbc.queryForObject("select count(*) from campaign_run where id = ?", Integer.class, dry.id())).isZero();
    }

    @Test
    void shouldRemoveTheDeliveriesOfADeletedClient() {
        long[] ids = clients("Клиентоудалинск", 3);
        consent(ids, 1, 3, "EMAIL", "given", true);
        long id = campaign("Клиент удалён", "Клиентоудалинск", "{" + NO_QUIET + "}");
        CampaignViews.Run dry = campaigns.run(id, true);

        jdbc.update("delete from client where id = ?", ids[0]);

        assertThat(jdbc.queryForList("select client_id from delivery where run_id = ? order by client_id", Long.class, dry.id()))
                .containsExactly(ids[1], ids[2]);
    }
}
