package org.repeatsales.hub.segment;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.StringJoiner;
import org.repeatsales.hub.api.segment.ClientFacts;
import org.repeatsales.hub.api.segment.ClientStream;

/**
 * Clients and their statistics read with a server-side cursor ({@code fetchSize} rows at a time),
 * inside the refresh's transaction, so every pass sees the same snapshot and memory stays bounded.
 */
final class StoreClientStream implements ClientStream {

    private static final String COLUMNS = """
            select c.id, coalesce(s.purchases, 0), coalesce(s.refunds, 0), coalesce(s.revenue, 0), s.average_check,
                   s.first_purchase_at, s.last_purchase_at, %s
            from client c
            left join client_stats s on s.client_id = c.id
            %s
            order by c.id
            """;

    // Window figures come from the receipts themselves: refunds reduce revenue and are not purchases,
    // the same rule as client_stats. Months are calendar months in the business time zone, one bit
    // each (January is bit 0); a discounted purchase has a discount above zero.
    // The month mask and discount count are computed only for strategies that ask for them
    // (SegmentationStrategy.needsPurchasePattern): they cost a look at every receipt of the window.
    // A receipt's month is found among the instants the months of the next years begin at in the
    // business's zone (width_bucket, a binary search in an array computed once): converting every
    // receipt's time into the zone took 2.9 s of 8.1 for the year of 11 million receipts, the search
    // 0.9 s. A receipt dated after those years (a wrong clock) is converted as before.
    private static final String PATTERN_COLUMNS = """
                     (bit_or(case when r.purchased_at < %1$s[array_length(%1$s, 1)]
                                  then %2$s[width_bucket(r.purchased_at, %1$s)]
                                  else 1 << (extract(month from r.purchased_at at time zone %3$s)::int - 1) end)
                         filter (where not r.is_refund))::int as months,
                     (count(*) filter (where not r.is_refund and r.discount > 0))::bigint as discounted""";
    private static final String NO_PATTERN_COLUMNS = "0::int as months, 0::bigint as discounted";
    // Summed once per read transaction and window start (WindowSums: the segments of a refresh cycle
    // share it) into a temporary table, set-based, before the first pass reads it:
    // CREATE TABLE AS may aggregate with parallel workers, which a cursor read row by row never gets,
    // and a strategy's second pass reads the sums instead of aggregating the receipts again. Its
    // values are literals because CREATE TABLE AS takes no bind parameters (an Instant's text and a
    // zone id are all the SQL there is). Its column types are the same with and without the purchase
    // pattern: the driver keeps the read below prepared on the connection, and PostgreSQL refuses a
    // prepared statement whose result types changed ("cached plan must not change result type").
    private static final String WINDOW_SUMS = """
            count(*) filter (where not r.is_refund) as purchases,
                   sum(case when r.is_refund then -r.total else r.total end) as revenue,
                   %s""";
    private static final String WINDOW_TABLE = """
            create temp table %s on commit drop as
            select r.client_id, %s
            from receipt r
            where r.client_id is not null and r.purchased_at >= timestamptz '%s'
            group by r.client_id
            """;
    // An incremental refresh sums the window of its candidates alone, each through receipt_client_idx
    // (client_id, purchased_at): a few percent of the base reading their own receipts instead of a
    // scan of every receipt of the window filtered by a semi-join. The lateral aggregate gives every
    // candidate a row (count 0, sums null, read as 0 like a missing row), with the same column types.
    private static final String CANDIDATE_WINDOW_TABLE = """
            create temp table segment_window on commit drop as
            select k.client_id, w.*
            from %s k
            cross join lateral (
                select %s
                from receipt r
                where r.client_id = k.client_id and r.purchased_at >= timestamptz '%s') w
            """;
    private static final String WINDOW_JOIN = "left join %s w on w.client_id = c.id\n";

    private final Connection connection;
    private final Instant windowStart;
    private final ZoneId zone;
    private final int fetchSize;
    private final List<Cursor> open = new ArrayList<>();

    private final boolean purchasePattern;
    private final String candidates;
    private final WindowSums shared;
    private final ClientSpool spool;
    private final GivenClients given = new GivenClients();
    private String windowTable;
    private boolean windowPattern;

    /**
     * @param candidates name of a table of client ids (column {@code client_id}) to read only those
     *     clients, for an incremental refresh; null to read every client
     * @param shared the window sums of every client in this transaction, which a read of every
     *     client takes its sums from
     * @param spool the clients of this transaction as an earlier pass read them, which a read of
     *     every client takes them from when it can (and spools its own pass for the next ones
     *     otherwise); null to read the store every time
     */
    StoreClientStream(Connection connection, Instant windowStart, ZoneId zone, int fetchSize, boolean purchasePattern,
            String candidates, WindowSums shared, ClientSpool spool) {
        this.connection = connection;
        this.spool = candidates == null ? spool : null;
        this.shared = shared;
        this.candidates = candidates;
        this.purchasePattern = purchasePattern;
        this.windowStart = windowStart;
        this.zone = zone;
        this.fetchSize = fetchSize;
    }

    @Override
    public Cursor open() {
        String only = candidates == null ? "" : "join " + candidates + " k on k.client_id = c.id\n";
        try {
            Cursor spooled = spool == null ? null : spool.serve(windowStart, purchasePattern, given);
            if (spooled != null) {
                return track(new Masked(spooled, windowStart != null, purchasePattern));
            }
            if (windowStart != null && windowTable == null) {
                if (candidates == null) {
                    windowTable = shared.table(windowStart, purchasePattern);
                    windowPattern = shared.hasPattern(windowTable);
                } else {
                    windowTable = sumCandidatesWindow();
                    windowPattern = purchasePattern;
                }
            }
            // the rows as the store has them (a shared table may hold the pattern for another
            // strategy, and the spool keeps it for the passes that asked for it); Masked then hands
            // a strategy zeros for what it did not ask for, as the API promises
            String sql = windowStart == null
                    ? COLUMNS.formatted("0, 0, 0, 0", only)
                    : COLUMNS.formatted("coalesce(w.purchases, 0), coalesce(w.revenue, 0), coalesce(w.months, 0), coalesce(w.discounted, 0)",
                            only + WINDOW_JOIN.formatted(windowTable));
            PreparedStatement st = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            st.setFetchSize(fetchSize);
            Cursor pass = new RowCursor(st, st.executeQuery(), given);
            if (spool != null) {
                pass = spool.record(pass, windowStart, windowStart != null && windowPattern);
            }
            return track(new Masked(pass, windowStart != null, purchasePattern));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read clients for the refresh: " + e.getMessage(), e);
        }
    }

    private Cursor track(Cursor cursor) {
        open.add(cursor);
        return cursor;
    }

    /** The window sums of the candidates alone, in a table of this refresh's own. */
    private String sumCandidatesWindow() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(CANDIDATE_WINDOW_TABLE.formatted(candidates, sums(purchasePattern, windowStart, zone), windowStart));
            st.execute("analyze segment_window");
        }
        return "segment_window";
    }

    /** The statement that sums every client's window from {@code windowStart} into the temporary table {@code name}. */
    static String windowTable(String name, Instant windowStart, boolean purchasePattern, ZoneId zone) {
        return WINDOW_TABLE.formatted(name, sums(purchasePattern, windowStart, zone), windowStart);
    }

    /** Months looked up by search cover this many months from the window's first. */
    private static final int MONTHS_SEARCHED = 60;

    private static String sums(boolean purchasePattern, Instant windowStart, ZoneId zone) {
        if (!purchasePattern) {
            return WINDOW_SUMS.formatted(NO_PATTERN_COLUMNS);
        }
        String zoneLiteral = "'" + zone.getId().replace("'", "''") + "'";
        // the instants the months begin at in the zone, from the window start's month on; a receipt
        // at or after the i-th (and before the next) falls in the i-th month
        ZonedDateTime first = windowStart.atZone(zone).toLocalDate().withDayOfMonth(1).atStartOfDay(zone);
        StringJoiner starts = new StringJoiner(",", "(array[", "]::timestamptz[])");
        StringJoiner bits = new StringJoiner(",", "(array[", "]::int[])");
        for (int i = 0; i <= MONTHS_SEARCHED; i++) {
            ZonedDateTime month = first.plusMonths(i);
            starts.add("'" + month.toInstant() + "'");
            bits.add(String.valueOf(1 << (month.getMonthValue() - 1)));
        }
        return WINDOW_SUMS.formatted(PATTERN_COLUMNS.formatted(starts, bits, zoneLiteral));
    }

    /** Every client id this stream handed out, over all its passes. */
    GivenClients given() {
        return given;
    }

    /** Closes what a strategy left open. */
    void closeAll() {
        for (Cursor c : open) {
            c.close();
        }
        open.clear();
    }

    /** A pass that hands out zeros where the strategy asked for nothing: no window, or no purchase pattern. */
    private record Masked(Cursor pass, boolean window, boolean pattern) implements Cursor {

        @Override
        public boolean hasNext() {
            return pass.hasNext();
        }

        @Override
        public ClientFacts next() {
            ClientFacts c = pass.next();
            if (!window && (c.windowPurchases() != 0 || c.windowRevenue().signum() != 0 || c.windowMonths() != 0
                    || c.windowDiscountedPurchases() != 0)) {
                return new ClientFacts(c.clientId(), c.purchases(), c.refunds(), c.revenue(), c.averageCheck(), c.firstPurchaseAt(),
                        c.lastPurchaseAt(), 0, BigDecimal.ZERO, 0, 0);
            }
            if (!pattern && (c.windowMonths() != 0 || c.windowDiscountedPurchases() != 0)) {
                return new ClientFacts(c.clientId(), c.purchases(), c.refunds(), c.revenue(), c.averageCheck(), c.firstPurchaseAt(),
                        c.lastPurchaseAt(), c.windowPurchases(), c.windowRevenue(), 0, 0);
            }
            return c;
        }

        @Override
        public void close() {
            pass.close();
        }
    }

    private static final class RowCursor implements Cursor {
        private final PreparedStatement statement;
        private final ResultSet rows;
        private final GivenClients given;
        private Boolean ahead;
        private boolean closed;

        RowCursor(PreparedStatement statement, ResultSet rows, GivenClients given) {
            this.statement = statement;
            this.rows = rows;
            this.given = given;
        }

        @Override
        public boolean hasNext() {
            if (ahead == null) {
                try {
                    ahead = !closed && rows.next();
                } catch (SQLException e) {
                    throw new IllegalStateException("Reading clients failed: " + e.getMessage(), e);
                }
            }
            return ahead;
        }

        @Override
        public ClientFacts next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ahead = null;
            try {
                given.add(rows.getLong(1));
                return new ClientFacts(rows.getLong(1), rows.getInt(2), rows.getInt(3), rows.getBigDecimal(4),
                        rows.getBigDecimal(5), instant(rows, 6), instant(rows, 7), rows.getInt(8),
                        rows.getBigDecimal(9) == null ? BigDecimal.ZERO : rows.getBigDecimal(9),
                        rows.getInt(10), rows.getInt(11));
            } catch (SQLException e) {
                throw new IllegalStateException("Reading clients failed: " + e.getMessage(), e);
            }
        }

        private static Instant instant(ResultSet rows, int column) throws SQLException {
            OffsetDateTime t = rows.getObject(column, OffsetDateTime.class);
            return t == null ? null : t.toInstant();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                statement.close();
            } catch (SQLException ignored) {
                // the transaction ends right after; nothing left to release
            }
        }
    }
}
