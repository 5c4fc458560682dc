package org.repeatsales.hub.imports;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.repeatsales.hub.ingest.ReceiptRecord;

/**
 * Keeps client statistics exact as receipts arrive. A refund reduces revenue and is not a
 * purchase. Clients who only gained new receipts get those added; clients whose receipts changed,
 * moved or merged are recomputed from all their receipts.
 */
final class ClientStats {

    private ClientStats() {
    }

    /** What a batch's new receipts add to each client's statistics. */
    static final class Delta {
        private final Map<Long, Totals> byClient = new HashMap<>();

        void add(Long clientId, ReceiptRecord r) {
            if (clientId == null) {
                return;
            }
            Totals t = byClient.computeIfAbsent(clientId, id -> new Totals());
            if (r.refund()) {
                t.refunds++;
                t.revenue = t.revenue.subtract(r.total());
            } else {
                t.purchases++;
                t.revenue = t.revenue.add(r.total());
                t.first = t.first == null || r.purchasedAt().isBefore(t.first) ? r.purchasedAt() : t.first;
                t.last = t.last == null || r.purchasedAt().isAfter(t.last) ? r.purchasedAt() : t.last;
            }
        }

        void removeAll(Collection<Long> clientIds) {
            clientIds.forEach(byClient::remove);
        }
    }

    private static final class Totals {
        int purchases;
        int refunds;
        BigDecimal revenue = BigDecimal.ZERO;
        Instant first;
        Instant last;
    }

    static void add(Connection connection, Delta delta) throws SQLException {
        int n = delta.byClient.size();
        if (n == 0) {
            return;
        }
        Long[] ids = new Long[n];
        String[] firsts = new String[n];
        String[] lasts = new String[n];
        Integer[] purchases = new Integer[n];
        Integer[] refunds = new Integer[n];
        BigDecimal[] revenues = new BigDecimal[n];
        int i = 0;
        for (Map.Entry<Long, Totals> e : delta.byClient.entrySet()) {
            Totals t = e.getValue();
            ids[i] = e.getKey();
            firsts[i] = t.first == null ? null : t.first.toString();
            lasts[i] = t.last == null ? null : t.last.toString();
            purchases[i] = t.purchases;
            refunds[i] = t.refunds;
            revenues[i++] = t.revenue;
        }
        // LEAST and GREATEST skip nulls, so a client's first refund leaves their dates alone
        try (PreparedStatement st = connection.prepareStatement(
                "insert into client_stats as s (client_id, first_purchase_at, last_purchase_at, purchases, refunds, revenue,"
                        + " average_check, updated_at)"
                        + " select v.id, v.first_at::timestamptz, v.last_at::timestamptz, v.purchases, v.refunds, v.revenue,"
                        + "   case when v.purchases > 0 then round(v.revenue / v.purchases, 2) end, now()"
                        + " from unnest(?::bigint[], ?::text[], ?::text[], ?::int[], ?::int[], ?::numeric[])"
                        + "   as v(id, first_at, last_at, purchases, refunds, revenue)"
                        + " on conflict (client_id) do update set"
                        + " first_purchase_at = least(s.first_purchase_at, excluded.first_purchase_at),"
                        + " last_purchase_at = greatest(s.last_purchase_at, excluded.last_purchase_at),"
                        + " purchases = s.purchases + excluded.purchases, refunds = s.refunds + excluded.refunds,"
                        + " revenue = s.revenue + excluded.revenue,"
                        + " average_check = case when s.purchases + excluded.purchases > 0"
                        + "   then round((s.revenue + excluded.revenue) / (s.purchases + excluded.purchases), 2) end,"
                        + " updated_at = now()")) {
            st.setArray(1, connection.createArrayOf("bigint", ids));
            st.setArray(2, connection.createArrayOf("text", firsts));
            st.setArray(3, connection.createArrayOf("text", lasts));
            st.setArray(4, connection.createArrayOf("int4", purchases));
            st.setArray(5, connection.createArrayOf("int4", refunds));
            st.setArray(6, connection.createArrayOf("numeric", revenues));
            st.executeUpdate();
        }
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
