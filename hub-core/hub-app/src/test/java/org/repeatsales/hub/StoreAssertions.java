package org.repeatsales.hub;

import static org.assertj.core.api.Assertions.assertThat;

import org.springframework.jdbc.core.JdbcTemplate;

/** Checks that hold for the store after any import, whatever went before. */
public final class StoreAssertions {

    private StoreAssertions() {
    }

    /** Removes all sales data (users and tokens stay), so each test starts from an empty store. */
    public static void emptyStore(JdbcTemplate jdbc) {
        jdbc.execute("truncate client, client_identity, receipt, receipt_line, client_stats, import_run, rejected_row"
                + " restart identity cascade");
    }

    /** Every client's statistics equal a fresh aggregation of their receipts. */
    public static void assertStatsExact(JdbcTemplate jdbc) {
        Integer wrong = jdbc.queryForObject("""
                select count(*) from client c
                left join client_stats s on s.client_id = c.id
                left join lateral (
                  select count(*) filter (where not r.is_refund) as purchases,
                         count(*) filter (where r.is_refund) as refunds,
                         coalesce(sum(case when r.is_refund then -r.total else r.total end), 0) as revenue,
                         min(r.purchased_at) filter (where not r.is_refund) as first_at,
                         max(r.purchased_at) filter (where not r.is_refund) as last_at
                  from receipt r where r.client_id = c.id) a on true
                where s.client_id is null or s.purchases <> a.purchases or s.refunds <> a.refunds
                   or s.revenue <> a.revenue
                   or s.first_purchase_at is distinct from a.first_at
                   or s.last_purchase_at is distinct from a.last_at
                """, Integer.class);
        assertThat(wrong).as("clients whose stats differ from their receipts").isZero();
        Integer orphanStats = jdbc.queryForObject(
                "select count(*) from client_stats s where not exists (select 1 from client c where c.id = s.client_id)", Integer.class);
        assertThat(orphanStats).isZero();
    }

    /** Every run's rows add up: read = inserted + updated + unchanged + rejected. */
    public static void assertRunsAddUp(JdbcTemplate jdbc) {
        Integer wrong = jdbc.queryForObject(
                "select count(*) from import_run where rows_read <> inserted + updated + unchanged + rejected", Integer.class);
        assertThat(wrong).isZero();
        Integer rejectsMissing = jdbc.queryForObject(
                "select count(*) from import_run r where r.rejected <> (select count(*) from rejected_row x where x.run_id = r.id)",
                Integer.class);
        assertThat(rejectsMissing).as("runs whose rejected count differs from their kept rejected rows").isZero();
    }
}
