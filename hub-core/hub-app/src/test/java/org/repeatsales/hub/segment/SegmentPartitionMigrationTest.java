package org.repeatsales.hub.segment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.repeatsales.hub.TestDatabase;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A store with segments, membership and history from before V22 keeps all of it in the segments'
 * partitions, and the history's ids go on from where they were.
 */
class SegmentPartitionMigrationTest {

    @Test
    void shouldMoveExistingMembershipAndHistoryIntoOnePartitionPerSegment() throws Exception {
        PGSimpleDataSource ds = TestDatabase.freshDatabase("hub_segment_partitions");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("21").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        jdbc.update("insert into client (name) select 'Клиент ' || g from generate_series(1, 5) g");
        jdbc.update("insert into segment (id, name, strategy) values (7, 'Семь', 'lifecycle'), (9, 'Девять', 'rfm')");
        jdbc.update("insert into segment_refresh (id, segment_id, status, as_of) values (1, 7, 'succeeded', now()), (2, 9, 'succeeded', now())");
        jdbc.update("insert into segment_member (segment_id, client_id, cell, since) select 7, id, 'a', now() from client");
        jdbc.update("insert into segment_member (segment_id, client_id, cell, since) select 9, id, 'b', now() from client where id <= 2");
        jdbc.update("""
                insert into segment_movement (segment_id, refresh_id, client_id, from_cell, to_cell, moved_at)
                select segment_id, case segment_id when 7 then 1 else 2 end, client_id, null, cell, since from segment_member
                order by segment_id, client_id
                """);
        List<Map<String, Object>> members = jdbc.queryForList("select * from segment_member order by segment_id, client_id");
        List<Map<String, Object>> movements = jdbc.queryForList("select * from segment_movement order by id");

        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();

        assertThat(jdbc.queryForList("select * from segment_member order by segment_id, client_id")).isEqualTo(members);
        assertThat(jdbc.queryForList("select * from segment_movement order by id")).isEqualTo(movements);
        assertThat(jdbc.queryForObject("select count(*) from segment_member_7", Long.class)).isEqualTo(5);
        assertThat(jdbc.queryForObject("select count(*) from segment_movement_9", Long.class)).isEqualTo(2);
        long next = jdbc.queryForObject("""
                insert into segment_movement (segment_id, refresh_id, client_id, to_cell, moved_at)
                values (9, 2, 3, 'b', now()) returning id
                """, Long.class);
        assertThat(next).isEqualTo(movements.size() + 1);

        jdbc.update("delete from segment where id = 7");
        assertThat(jdbc.queryForObject("select count(*) from segment_member", Long.class)).isEqualTo(2);
        assertThat(jdbc.queryForObject("select to_regclass('segment_member_7') is null and to_regclass('segment_movement_7') is null",
                Boolean.class)).isTrue();
        jdbc.update("delete from client where id = 1");
        assertThat(jdbc.queryForList("select client_id from segment_member_9", Long.class)).containsExactly(2L);
    }
}
