package org.repeatsales.hub.imports;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;

/**
 * Recomputes the statistics of the given clients from their receipts. Recomputing (rather than
 * adding deltas) keeps the numbers exact whatever happened: an updated receipt, a receipt moved to
 * another client, two clients merged. A refund reduces revenue and is not a purchase.
 */
final class ClientStatsUpdater {

    private ClientStatsUpdater() {
    }

    static void recompute(Connection connection, Collection<Long> clientIds) throws SQLException {
        if (clientIds.isEmpty()) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement(
                "insert into client_stats as s (client_id, first_purchase_at, last_purchase_at, purchases, refunds,"
                        + " revenue, average_check, updated_at)"
                        + " select c.id, agg.first_at, agg.last_at, coalesce(agg.purchases, 0), coalesce(agg.refunds, 0),"
                        + "   coalesce(agg.revenue, 0),"
                        + "   case when agg.purchases > 0 then round(agg.revenue / agg.purchases, 2) end, now()"
                        + " from client c"
                        + " left join lateral (select min(r.purchased_at) filter (where not r.is_refund) as first_at,"
                        + "     max(r.purchased_at) filter (where not r.is_refund) as last_at,"
                        + "     count(*) filter (where not r.is_refund) as purchases,"
                        + "     count(*) filter (where r.is_refund) as refunds,"
                        + "     sum(case when r.is_refund then -r.total else r.total end) as revenue"
                        + "   from receipt r where r.client_id = c.id) agg on true"
                        + " where c.id = any(?)"
                        + " on conflict (client_id) do update set first_purchase_at = excluded.first_purchase_at,"
                        + " last_purchase_at = excluded.last_purchase_at, purchases = excluded.purchases,"
                        + " refunds = excluded.refunds, revenue = excluded.revenue,"
                        + " average_check = excluded.average_check, updated_at = now()")) {
            st.setArray(1, connection.createArrayOf("bigint", clientIds.toArray()));
            st.executeUpdate();
        }
    }
}
