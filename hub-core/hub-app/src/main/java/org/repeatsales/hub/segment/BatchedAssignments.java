package org.repeatsales.hub.segment;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.repeatsales.hub.api.segment.SegmentAssignments;

/**
 * Writes a strategy's assignments into the refresh's temporary table {@code segment_raw} with
 * PostgreSQL's COPY, a bounded batch at a time. Rows keep their order ({@code seq}), so when a client
 * is assigned twice the later cell wins when the refresh deduplicates them. Most strategies assign
 * each client once, in the ascending order the stream reads them; the sink notices that
 * ({@link #ascending()}) and the refresh then skips the deduplicating pass.
 */
final class BatchedAssignments implements SegmentAssignments {

    private final String strategy;
    private final Set<String> cells;
    private final GivenClients given;
    private final int batchSize;
    private final CopyManager copy;
    private final StringBuilder pending = new StringBuilder();
    private int rows;
    private long last = Long.MIN_VALUE;
    private boolean ascending = true;

    BatchedAssignments(Connection connection, String strategy, Set<String> cells, GivenClients given, int batchSize)
            throws SQLException {
        this.strategy = strategy;
        this.given = given;
        this.cells = cells;
        this.batchSize = batchSize;
        this.copy = connection.unwrap(PGConnection.class).getCopyAPI();
    }

    @Override
    public void assign(long clientId, String cellCode) {
        if (!cells.contains(cellCode)) {
            throw new IllegalArgumentException("Strategy '" + strategy + "' assigned client " + clientId
                    + " to undeclared cell '" + cellCode + "'");
        }
        if (!given.contains(clientId)) {
            throw new IllegalArgumentException("Strategy '" + strategy + "' assigned client " + clientId
                    + ", which is not among the clients it was given");
        }
        if (clientId <= last) {
            ascending = false;
        }
        last = clientId;
        // cell codes are [a-z0-9-]: nothing to escape in COPY's text format
        pending.append(clientId).append('\t').append(cellCode).append('\n');
        if (++rows >= batchSize) {
            flush();
        }
    }

    /** Whether every client id came after the previous one: then no client was assigned twice. */
    boolean ascending() {
        return ascending;
    }

    void flush() {
        if (rows == 0) {
            return;
        }
        try {
            copy.copyIn("COPY segment_raw (client_id, cell) FROM STDIN", new StringReader(pending.toString()));
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Writing assignments failed: " + e.getMessage(), e);
        }
        pending.setLength(0);
        rows = 0;
    }
}
