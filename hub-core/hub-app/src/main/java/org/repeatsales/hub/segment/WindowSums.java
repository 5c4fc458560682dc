package org.repeatsales.hub.segment;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The window sums of every client, summed once per window start within one read transaction and
 * shared by the full refreshes of a cycle that read in it: the nightly refresh of RFM, ABC, golden
 * and customer types over the same year reads the receipts of that year once, not once per
 * segment, and every segment sees the same snapshot. Sums with the purchase pattern serve those
 * without it too (the same columns, filled).
 */
final class WindowSums {

    private record Table(Instant start, boolean pattern, String name) {
    }

    private final Connection connection;
    private final ZoneId zone;
    private final List<Table> tables = new ArrayList<>();
    private final Set<Instant> patternWanted = new HashSet<>();
    private int created;

    WindowSums(Connection connection, ZoneId zone) {
        this.connection = connection;
        this.zone = zone;
    }

    /** The temporary table of the sums from {@code windowStart}, summed now if no earlier read of this transaction did. */
    String table(Instant windowStart, boolean purchasePattern) throws SQLException {
        for (Table t : tables) {
            if (t.start().equals(windowStart) && (t.pattern() || !purchasePattern)) {
                return t.name();
            }
        }
        String name = "segment_window_" + ++created;
        boolean pattern = purchasePattern || patternWanted.contains(windowStart);
        try (Statement st = connection.createStatement()) {
            st.execute(StoreClientStream.windowTable(name, windowStart, pattern, zone));
            st.execute("analyze " + name);
        }
        tables.add(new Table(windowStart, pattern, name));
        return name;
    }

    /** Whether the table holds the purchase pattern (perhaps summed for another strategy of the cycle). */
    boolean hasPattern(String name) {
        return tables.stream().anyMatch(t -> t.name().equals(name) && t.pattern());
    }

    /**
     * Sums the purchase pattern with the first table from {@code windowStart}, whoever asks first:
     * when a strategy of the cycle needs it, the strategies before it in the cycle would otherwise
     * have the same receipts summed without it, and it again with it.
     */
    void withPattern(Instant windowStart) {
        patternWanted.add(windowStart);
    }

    /** How many tables exist now: a refresh rolled back to a savepoint forgets those made after it. */
    int mark() {
        return tables.size();
    }

    void forgetSince(int mark) {
        while (tables.size() > mark) {
            tables.remove(tables.size() - 1);
        }
    }
}
