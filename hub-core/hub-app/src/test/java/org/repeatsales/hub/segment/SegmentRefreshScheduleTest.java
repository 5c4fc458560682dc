package org.repeatsales.hub.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.MovableClock;
import org.repeatsales.hub.config.HubProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Segments are refreshed on a schedule ({@code hub.segments.refresh-cron}, nightly at 03:00 in the
 * business's zone by default) even when nothing was imported: a segment whose last attempt is older
 * than the latest slot is due, once, however many slots were missed. Time is a clock the test moves;
 * the attempts are the segment's refresh records, as in production.
 */
@SpringBootTest(properties = {"hub.inbox.enabled=false", "hub.segments.auto-refresh=false"})
class SegmentRefreshScheduleTest {

    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    // years after any import this test's store could hold, so only the schedule makes a segment due
    private static final ZonedDateTime TRIED = ZonedDateTime.of(2030, 3, 10, 2, 30, 0, 0, MOSCOW);

    @Autowired
    DSLContext db;

    @Autowired
    SegmentRefresher refresher;

    @Autowired
    SegmentService segments;

    @Autowired
    HubProperties hub;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void shouldRefreshAtThreeAtNightInTheBusinessZoneByDefault() {
        assertThat(hub.segments().refreshCron()).isEqualTo("0 0 3 * * *");
        assertThat(hub.timezone()).isEqualTo(MOSCOW);
        long segment = ruleSegment("Ночное обновление");
        attempted(segment, TRIED);
        MovableClock clock = new MovableClock(TRIED.withHour(2).withMinute(59).withSecond(59).toInstant());
        SegmentAutoRefresh auto = new SegmentAutoRefresh(db, refresher, hub.timezone(), hub.segments().refreshCron(), clock,
                true, 60_000);

        assertThat(auto.due()).doesNotContain(segment);

        // 03:00 Moscow is 00:00 UTC: the slot is the business's night, not the server's
        clock.set(TRIED.withHour(3).withMinute(0).toInstant());
        assertThat(auto.due()).contains(segment);

        int before = succeeded(segment);
        auto.refreshDue();
        assertThat(succeeded(segment)).isEqualTo(before + 1);
        assertThat(jdbc.queryForObject("select as_of from segment_refresh where segment_id = ? order by id desc limit 1",
                Timestamp.class, segment).toInstant()).isEqualTo(clock.instant());
        // the attempt as the wall clock stamps it at 03:00
        stampLatestAttempt(segment, clock.instant());

        clock.set(TRIED.withHour(23).withMinute(59).toInstant());
        assertThat(auto.due()).doesNotContain(segment);
        clock.set(TRIED.plusDays(1).withHour(3).withMinute(0).toInstant());
        assertThat(auto.due()).contains(segment);
    }

    @Test
    void shouldCatchUpSlotsMissedWhileTheHubWasDownOnce() {
        long segment = ruleSegment("Пропущенные ночи");
        attempted(segment, TRIED);
        MovableClock clock = new MovableClock(TRIED.plusDays(3).withHour(12).toInstant());
        SegmentAutoRefresh auto = new SegmentAutoRefresh(db, refresher, MOSCOW, "0 0 3 * * *", clock, true, 60_000);

        assertThat(auto.due()).contains(segment);
        auto.refreshDue();
        stampLatestAttempt(segment, clock.instant());

        // three nights were missed; one refresh covers them all
        assertThat(auto.due()).doesNotContain(segment);
    }

    @Test
    void shouldFollowAConfiguredCronAndNoneWhenBlank() {
        long segment = ruleSegment("Каждые шесть часов");
        attempted(segment, TRIED.withHour(5).withMinute(59));
        MovableClock clock = new MovableClock(TRIED.withHour(5).withMinute(59).withSecond(30).toInstant());
        SegmentAutoRefresh everySixHours = new SegmentAutoRefresh(db, refresher, MOSCOW, "0 0 */6 * * *", clock, true, 60_000);
        SegmentAutoRefresh afterImportsOnly = new SegmentAutoRefresh(db, refresher, MOSCOW, " ", clock, true, 60_000);

        assertThat(everySixHours.due()).doesNotContain(segment);
        clock.set(TRIED.withHour(6).withMinute(0).toInstant());
        assertThat(everySixHours.due()).contains(segment);
        clock.set(TRIED.plusDays(30).toInstant());
        assertThat(afterImportsOnly.due()).doesNotContain(segment);
    }

    @Test
    void shouldRefuseAScheduleThatIsNoCronNamingTheSetting() {
        assertThatThrownBy(() -> new SegmentAutoRefresh(db, refresher, MOSCOW, "every night", Clock.systemUTC(), true, 60_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hub.segments.refresh-cron")
                .hasMessageContaining("every night");
    }

    @Test
    void shouldRefuseABulkThresholdBelowOneClientNamingTheSetting() {
        assertThatThrownBy(() -> new HubProperties.Segments(true, 60_000, java.time.Duration.ofMinutes(15), "", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hub.segments.bulk-from must be at least 1 (clients), got 0");
    }

    @Test
    void shouldForgetMembershipAndHistoryWithTheirSegment() {
        long anna = jdbc.queryForObject("insert into client (name) values ('Анна Схемова') returning id", Long.class);
        jdbc.update("insert into client_stats (client_id, purchases, revenue) values (?, 1, 100)", anna);
        long segment = ruleSegment("Покупатели");
        refresher.refresh(segment, null);
        assertThat(jdbc.queryForObject("select count(*) from segment_member where segment_id = ?", Long.class, segment)).isPositive();
        assertThat(jdbc.queryForObject("select count(*) from segment_movement where segment_id = ?", Long.class, segment)).isPositive();

        jdbc.update("delete from segment where id = ?", segment);

        assertThat(jdbc.queryForObject("select count(*) from segment_member where segment_id = ?", Long.class, segment)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from segment_movement where segment_id = ?", Long.class, segment)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from segment_refresh where segment_id = ?", Long.class, segment)).isZero();
    }

    private long ruleSegment(String name) {
        return segments.create(name, "rules", Map.of("rule", Map.of("field", "purchases", "min", 1))).id();
    }

    /** The segment's only refresh record says it was last attempted then. */
    private void attempted(long segment, ZonedDateTime at) {
        jdbc.update("delete from segment_refresh where segment_id = ?", segment);
        jdbc.update("insert into segment_refresh (segment_id, status, as_of, started_at, finished_at) values (?, 'succeeded', ?, ?, ?)",
                segment, Timestamp.from(at.toInstant()), Timestamp.from(at.toInstant()), Timestamp.from(at.toInstant()));
    }

    private void stampLatestAttempt(long segment, Instant at) {
        jdbc.update("update segment_refresh set started_at = ? where id = (select max(id) from segment_refresh where segment_id = ?)",
                Timestamp.from(at), segment);
    }

    private int succeeded(long segment) {
        return jdbc.queryForObject("select count(*) from segment_refresh where segment_id = ? and status = 'succeeded'",
                Integer.class, segment);
    }
}
