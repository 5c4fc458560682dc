package org.repeatsales.hub.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.repeatsales.hub.MovableClock;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The scheduler keeps its state in PostgreSQL: a slot fires once however many hubs look at it, slots
 * missed while no hub ran fire once, a once-campaign fires once, paused campaigns do not fire.
 */
@SpringBootTest(properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false",
        "hub.campaigns.scheduler=false"})
@Import(CampaignTestSupport.Templates.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignSchedulerTest {

    @Autowired
    DSLContext db;

    @Autowired
    CampaignService campaigns;

    @Autowired
    RunPlanner planner;

    @Autowired
    HubProperties hub;

    @Autowired
    PluginRegistry registry;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    void setUp() throws Exception {
        CampaignTestSupport.installConnectors(registry);
    }

    private long campaign(String name, String schedule) {
        try {
            JsonNode json = CampaignDefinition.json().readTree("""
                    {"name": "%s",
                     "audience": {"conditions": {"field": "city", "in": ["Нигдебург"]}},
                     "channels": [{"channel": "EMAIL", "connector": "test-email", "template": {"subject": "Тема", "text": "Текст"}}],
                     "schedule": %s}
                    """.formatted(name, schedule));
            long id = campaigns.create(json, "test").id();
            campaigns.activate(id);
            return id;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void nextFireAt(long id, Instant at) {
        jdbc.update("update campaign set next_fire_at = ? where id = ?", Timestamp.from(at), id);
    }

    private List<Instant> slots(long id) {
        return jdbc.queryForList("select slot from campaign_run where campaign_id = ? order by slot", Timestamp.class, id)
                .stream().map(Timestamp::toInstant).toList();
    }

    private Instant nextFireAt(long id) {
        Timestamp t = jdbc.queryForObject("select next_fire_at from campaign where id = ?", Timestamp.class, id);
        return t == null ? null : t.toInstant();
    }

    private CampaignScheduler scheduler(Clock clock) {
        return new CampaignScheduler(db, campaigns, planner, hub, clock);
    }

    @Test
    void shouldFireSlotsMissedWhileDownOnceAndCountTheNextFromNow() {
        long id = campaign("Ежечасная", "{\"kind\": \"cron\", \"cron\": \"0 0 * * * *\"}");
        Instant missed = Instant.parse("2026-03-02T07:00:00Z");
        nextFireAt(id, missed);
        MovableClock clock = new MovableClock(missed.plus(Duration.ofMinutes(5 * 60 + 30)));
        CampaignScheduler scheduler = scheduler(clock);

        scheduler.fireDue();
        scheduler.fireDue();

        assertThat(slots(id)).containsExactly(missed);
        assertThat(nextFireAt(id)).isEqualTo(missed.plus(Duration.ofHours(6)));
        clock.set(missed.plus(Duration.ofHours(6)));
        scheduler.fireDue();
        assertThat(slots(id)).containsExactly(missed, missed.plus(Duration.ofHours(6)));
    }

    @Test
    void shouldFireEachSlotOnceWhenTwoHubsRaceOnOneDatabase() throws Exception {
        Instant slot = Instant.parse("2026-04-06T07:00:00Z");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long id = campaign("Гонка " + i, "{\"kind\": \"cron\", \"cron\": \"0 0 10 * * MON\"}");
            nextFireAt(id, slot);
            ids.add(id);
        }
        MovableClock clock = new MovableClock(slot.plusSeconds(30));
        List<CampaignScheduler> hubs = List.of(scheduler(clock), scheduler(clock));
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Long> fired = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        List<Future<?>> done = new ArrayList<>();
        for (CampaignScheduler s : hubs) {
            done.add(threads.submit((Callable<Void>) () -> {
                start.await();
                for (int round = 0; round < 3; round++) {
                    fired.addAll(s.fireDue());
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        threads.shutdown();

        for (long id : ids) {
            assertThat(slots(id)).as("campaign %d", id).containsExactly(slot);
        }
        List<Long> runs = jdbc.queryForList("select id from campaign_run where campaign_id = any(?)", Long.class,
                (Object) ids.toArray(Long[]::new));
        assertThat(runs).hasSize(20);
        assertThat(fired).doesNotHaveDuplicates().containsAll(runs);
    }

    @Test
    void shouldRefuseASecondRunForTheSameSlot() {
        long id = campaign("Один слот", "{\"kind\": \"cron\", \"cron\": \"0 0 10 * * MON\"}");
        Instant slot = Instant.parse("2026-04-13T07:00:00Z");
        CampaignDefinition d = campaigns.definition(id);

        Long first = campaigns.insertRunIfNew(db, id, slot, d);
        Long second = campaigns.insertRunIfNew(db, id, slot, d);

        assertThat(first).isNotNull();
        assertThat(second).isNull();
        assertThat(slots(id)).containsExactly(slot);
    }

    @Test
    void shouldFireAOnceCampaignOnce() {
        LocalDateTime at = LocalDateTime.now(hub.timezone()).plusDays(1).truncatedTo(ChronoUnit.MINUTES);
        long id = campaign("Однажды", "{\"kind\": \"once\", \"at\": \"" + at + "\"}");
        Instant slot = at.atZone(hub.timezone()).toInstant();
        assertThat(nextFireAt(id)).isEqualTo(slot);
        MovableClock clock = new MovableClock(slot.plus(Duration.ofHours(3)));

        scheduler(clock).fireDue();
        clock.set(slot.plus(Duration.ofDays(30)));
        scheduler(clock).fireDue();

        assertThat(slots(id)).containsExactly(slot);
        assertThat(nextFireAt(id)).isNull();
    }

    @Test
    void shouldNotFirePausedCampaignsAndPlanWhatItFired() {
        long paused = campaign("На паузе", "{\"kind\": \"cron\", \"cron\": \"0 0 10 * * *\"}");
        long active = campaign("Работает", "{\"kind\": \"cron\", \"cron\": \"0 0 10 * * *\"}");
        Instant slot = Instant.parse("2026-05-01T07:00:00Z");
        campaigns.pause(paused);
        nextFireAt(paused, slot);
        nextFireAt(active, slot);

        List<Long> runs = scheduler(new MovableClock(slot.plusSeconds(5))).fireDue();
        planner.planPending();

        assertThat(slots(paused)).isEmpty();
        assertThat(slots(active)).containsExactly(slot);
        long runId = jdbc.queryForObject("select id from campaign_run where campaign_id = ?", Long.class, active);
        assertThat(runs).contains(runId);
        assertThat(campaigns.run(runId).state()).isEqualTo("dispatching");
        assertThat(jdbc.queryForObject("select definition -> 'policy' ->> 'controlShare' from campaign_run where id = ?",
                String.class, runId)).isEqualTo("0.1");
    }
}
