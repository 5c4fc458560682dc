package org.repeatsales.hub.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.plugin.PluginFolderTest;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.TestPlugins;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A refresh that rewrites most of a segment builds the segment's partition anew and swaps it in
 * (BulkMembership); one that moves few clients writes rows. Both must leave the same membership and
 * history. Which path a refresh took shows in the partition's relation: the bulk path replaces it.
 * The threshold is lowered on the refresher so that both paths run on a base of 60 clients.
 */
@SpringBootTest(properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false",
        "hub.timezone=Europe/Moscow"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SegmentBulkWriteTest {

    /**
     * Every client in one of three cells, except every fourth, who is left out, both by their id and
     * the day of the month; clients of odd ids keep their cell from day to day, the others move. So
     * from one day to the next three quarters of the clients change. Gives up in 2030.
     */
    private static final String ROTATING_STRATEGY = """
            package test.rotating;

            import java.util.List;
            import org.pf4j.Extension;
            import org.repeatsales.hub.api.Label;
            import org.repeatsales.hub.api.segment.*;

            @Extension
            public class RotatingStrategy implements SegmentationStrategy {
                public String id() { return "test-rotating"; }
                public Label name() { return Label.of("По кругу", "Rotating"); }
                public List<ParameterSpec> parameters() { return List.of(); }
                public List<Cell> cells(Parameters p) {
                    return List.of(Cell.of("c0", "0", "0"), Cell.of("c1", "1", "1"), Cell.of("c2", "2", "2"));
                }
                public void segment(SegmentationContext ctx, ClientStream clients, SegmentAssignments out) {
                    if (ctx.today().getYear() >= 2030) {
                        throw new IllegalStateException("no cells after 2029");
                    }
                    int day = ctx.today().getDayOfMonth();
                    try (ClientStream.Cursor c = clients.open()) {
                        while (c.hasNext()) {
                            long id = c.next().clientId();
                            if ((id + day) % 4 != 0) {
                                out.assign(id, "c" + (id + (id % 2 == 0 ? day : 0)) % 3);
                            }
                        }
                    }
                }
            }
            """;

    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private static final Instant DAY_1 = Instant.parse("2026-06-01T09:00:00Z");
    private static final Instant DAY_2 = Instant.parse("2026-06-02T09:00:00Z");
    private static final Instant IN_2030 = Instant.parse("2030-01-01T09:00:00Z");

    @Autowired
    PluginRegistry registry;

    @Autowired
    SegmentRefresher refresher;

    @Autowired
    SegmentService segments;

    @Autowired
    HubProperties hub;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    void baseAndStrategy(@TempDir Path work) {
        jdbc.update("insert into client (name) select 'Клиент ' || g from generate_series(1, 60) g");
        TestPlugins.drop(TestPlugins.build(work, "rotating", ">=0.2.0", Map.of("test.rotating.RotatingStrategy", ROTATING_STRATEGY)),
                registry.folder());
        PluginFolderTest.await(() -> registry.list().stream().anyMatch(p -> p.id().equals("rotating") && p.state() == PluginState.STARTED));
    }

    @AfterEach
    void configuredThreshold() {
        refresher.bulkFrom = hub.segments().bulkFrom();
    }

    @Test
    void shouldLeaveTheSameMembersCellsSinceAndHistoryWhetherWrittenInBulkOrRowByRow() {
        long byRows = create("Строками");
        long inBulk = create("Целиком");

        refresher.bulkFrom = Long.MAX_VALUE;
        long rowsPartition = partition(byRows);
        refresher.refresh(byRows, DAY_1);
        refresher.refresh(byRows, DAY_2);
        assertThat(partition(byRows)).as("the row-by-row path keeps the partition").isEqualTo(rowsPartition);

        refresher.bulkFrom = 10;
        long before = partition(inBulk);
        long historyBefore = historyPartition(inBulk);
        SegmentViews.Refresh filled = refresher.refresh(inBulk, DAY_1);
        long afterFill = partition(inBulk);
        long historyAfterFill = historyPartition(inBulk);
        SegmentViews.Refresh rewritten = refresher.refresh(inBulk, DAY_2);
        assertThat(afterFill).as("the fill swapped in a new partition").isNotEqualTo(before);
        assertThat(historyAfterFill).as("and a new history").isNotEqualTo(historyBefore);
        assertThat(partition(inBulk)).as("the rewrite of most members swapped in another").isNotEqualTo(afterFill);
        assertThat(historyPartition(inBulk)).as("but added its history to the one there").isEqualTo(historyAfterFill);
        for (String partition : List.of("segment_member_" + inBulk, "segment_movement_" + inBulk)) {
            assertThat(jdbc.queryForObject("""
                    select count(*) from pg_index i join pg_inherits h on h.inhrelid = i.indexrelid
                    where i.indrelid = ?::regclass
                    """, Long.class, partition)).as("%s has its own three indexes, each attached to the parent's", partition)
                    .isEqualTo(3).isEqualTo(jdbc.queryForObject("select count(*) from pg_index where indrelid = ?::regclass",
                            Long.class, partition));
        }

        int members = expectedCells(DAY_2).size();
        assertThat(filled.entered()).isEqualTo(filled.members()).isEqualTo(expectedCells(DAY_1).size());
        assertThat(rewritten.members()).isEqualTo(members);
        long changed = rewritten.entered() + rewritten.moved() + rewritten.exited();
        assertThat(2 * changed).isGreaterThan(filled.members());
        assertThat(rewritten.unchanged()).isPositive();
        assertThat(cells(inBulk)).isEqualTo(expectedCells(DAY_2)).isEqualTo(cells(byRows));
        assertThat(sinceByRefresh(inBulk)).isEqualTo(sinceByRefresh(byRows)).hasSize(members).containsValues(1L, 2L);
        assertThat(history(inBulk)).isEqualTo(history(byRows)).hasSize((int) (filled.members() + changed));
        assertThat(idsFollowClientsWithinARefresh(inBulk)).isTrue();
        assertThat(refresher.refresh(inBulk, DAY_2).members()).as("a refresh finds its own bulk write unchanged").isEqualTo(members);
    }

    @Test
    void shouldWriteASmallRefreshAfterABulkFillRowByRowAndAccumulateHistory() {
        long segment = filledInBulk("Растёт");
        long filled = partition(segment);
        Map<Long, String> firstCells = cells(segment);
        String firstSince = jdbc.queryForObject("select min(since)::text from segment_member where segment_id = ?", String.class, segment);

        List<Long> newcomers = jdbc.queryForList(
                "insert into client (name) select 'Новый ' || g from generate_series(1, 4) g returning id", Long.class);
        SegmentViews.Refresh small = refresher.refresh(segment, DAY_1);

        assertThat(partition(segment)).as("written row by row into the same partition").isEqualTo(filled);
        long entering = newcomers.stream().filter(id -> (id + 1) % 4 != 0).count();
        assertThat(small.entered()).isEqualTo(entering);
        assertThat(small.moved() + small.exited()).isZero();
        Map<Long, String> cells = cells(segment);
        assertThat(cells).containsAllEntriesOf(firstCells).hasSize(firstCells.size() + (int) entering);
        assertThat(jdbc.queryForObject("select count(*) from segment_member where segment_id = ? and since::text = ?", Long.class,
                segment, firstSince)).as("members from the fill keep their since").isEqualTo(firstCells.size());
        assertThat(jdbc.queryForObject("select count(*) from segment_movement where segment_id = ?", Long.class, segment))
                .isEqualTo(firstCells.size() + entering);
        assertThat(jdbc.queryForObject("select count(distinct refresh_id) from segment_movement where segment_id = ?", Long.class,
                segment)).isEqualTo(2);
    }

    @Test
    void shouldKeepThePreviousMembershipWhenTheStrategyOrTheWriteAfterTheNewTableFails() {
        long segment = filledInBulk("Не меняется");
        long partition = partition(segment);
        List<Map<String, Object>> members = jdbc.queryForList("select * from segment_member where segment_id = ? order by client_id", segment);
        List<Map<String, Object>> movements = jdbc.queryForList("select * from segment_movement where segment_id = ? order by id", segment);

        assertThatThrownBy(() -> refresher.refresh(segment, IN_2030)).isInstanceOf(RefreshFailedException.class)
                .hasMessageContaining("no cells after 2029");
        // the last statement of the write, after both new tables were built and swapped in
        jdbc.execute("create function refuse_refreshed_at() returns trigger language plpgsql as "
                + "$$ begin raise exception 'the store refuses'; end $$");
        jdbc.execute("create trigger refuse_refreshed_at before update of refreshed_at on segment for each row when (new.id = "
                + segment + ") execute function refuse_refreshed_at()");
        try {
            assertThatThrownBy(() -> refresher.refresh(segment, DAY_2)).isInstanceOf(RefreshFailedException.class)
                    .hasMessageContaining("the store refuses");
        } finally {
            jdbc.execute("drop trigger refuse_refreshed_at on segment");
            jdbc.execute("drop function refuse_refreshed_at()");
        }

        assertThat(partition(segment)).isEqualTo(partition);
        assertThat(jdbc.queryForList("select * from segment_member where segment_id = ? order by client_id", segment)).isEqualTo(members);
        assertThat(jdbc.queryForList("select * from segment_movement where segment_id = ? order by id", segment)).isEqualTo(movements);
        assertThat(jdbc.queryForObject("select count(*) from pg_class where relkind = 'r' and relname like ?", Long.class,
                "segment\\_m%\\_" + segment + "\\_r%")).as("no table of the failed write is left").isZero();
        assertThat(refresher.refresh(segment, DAY_2).members()).as("the next refresh writes as usual")
                .isEqualTo(expectedCells(DAY_2).size());
        assertThat(cells(segment)).isEqualTo(expectedCells(DAY_2));
    }

    @Test
    void shouldTakeMembershipAndHistoryAwayWithTheirSegmentAndAMembershipWithItsClient() {
        long kept = filledInBulk("Остаётся");
        long deleted = filledInBulk("Удаляется");
        long member = cells(kept).keySet().iterator().next();
        int members = expectedCells(DAY_1).size();

        jdbc.update("delete from client where id = ?", member);
        jdbc.update("delete from segment where id = ?", deleted);

        assertThat(cells(kept)).hasSize(members - 1).doesNotContainKey(member);
        assertThat(jdbc.queryForObject("select count(*) from segment_movement where segment_id = ?", Long.class, kept))
                .as("history outlives the client").isEqualTo(members);
        assertThat(jdbc.queryForObject("select count(*) from segment_member where segment_id = ?", Long.class, deleted)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from segment_movement where segment_id = ?", Long.class, deleted)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from pg_class where relname in (?, ?)", Long.class,
                "segment_member_" + deleted, "segment_movement_" + deleted)).as("its partitions are gone").isZero();
    }

    private long create(String name) {
        return segments.create(name, "test-rotating", Map.of()).id();
    }

    /** A new segment whose first refresh (DAY_1) took the bulk path. */
    private long filledInBulk(String name) {
        refresher.bulkFrom = 10;
        long segment = create(name);
        long partition = partition(segment);
        refresher.refresh(segment, DAY_1);
        assertThat(partition(segment)).as("filled in bulk").isNotEqualTo(partition);
        return segment;
    }

    /** The relation holding the segment's members now. */
    private long partition(long segment) {
        return jdbc.queryForObject("select ?::regclass::oid::bigint", Long.class, "segment_member_" + segment);
    }

    private long historyPartition(long segment) {
        return jdbc.queryForObject("select ?::regclass::oid::bigint", Long.class, "segment_movement_" + segment);
    }

    private Map<Long, String> cells(long segment) {
        Map<Long, String> cells = new TreeMap<>();
        jdbc.query("select client_id, cell from segment_member where segment_id = ?", rs -> {
            cells.put(rs.getLong(1), rs.getString(2));
        }, segment);
        return cells;
    }

    /** The cells the strategy gives the clients of the store on a day. */
    private Map<Long, String> expectedCells(Instant day) {
        int dayOfMonth = LocalDate.ofInstant(day, MOSCOW).getDayOfMonth();
        Map<Long, String> cells = new TreeMap<>();
        for (long id : jdbc.queryForList("select id from client", Long.class)) {
            if ((id + dayOfMonth) % 4 != 0) {
                cells.put(id, "c" + (id + (id % 2 == 0 ? dayOfMonth : 0)) % 3);
            }
        }
        return cells;
    }

    /** Per member, which of the segment's succeeded refreshes (1 = first) put them into their cell. */
    private Map<Long, Long> sinceByRefresh(long segment) {
        Map<Long, Long> since = new TreeMap<>();
        jdbc.query("""
                select m.client_id, r.n from segment_member m
                join (select finished_at, row_number() over (order by id) as n from segment_refresh
                      where segment_id = ? and status = 'succeeded') r on r.finished_at = m.since
                where m.segment_id = ?
                """, rs -> {
            since.put(rs.getLong(1), rs.getLong(2));
        }, segment, segment);
        return since;
    }

    /** The history as (refresh number, client, from, to), in id order. */
    private List<String> history(long segment) {
        return jdbc.queryForList("""
                select dense_rank() over (order by refresh_id) || ' ' || client_id || ' ' || coalesce(from_cell, '-') || ' '
                       || coalesce(to_cell, '-')
                from segment_movement where segment_id = ? order by id
                """, String.class, segment);
    }

    private boolean idsFollowClientsWithinARefresh(long segment) {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                select bool_and(ordered) from (
                  select client_id > lag(client_id, 1, 0::bigint) over (partition by refresh_id order by id) as ordered
                  from segment_movement where segment_id = ?) x
                """, Boolean.class, segment));
    }
}
