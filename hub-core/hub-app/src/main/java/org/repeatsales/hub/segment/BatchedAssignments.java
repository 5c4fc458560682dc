package org.repeatsales.hub.segment;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import org.repeatsales.hub.api.segment.SegmentAssignments;

/**
 * Writes a strategy's assignments into the refresh's temporary table in batches, so memory stays
 * bounded; a later assignment of the same client replaces the earlier one.
 */
final class BatchedAssignments implements SegmentAssignments, AutoCloseable {

    private final String strategy;
    private final Set<String> cells;
    private final int batchSize;
    private final PreparedStatement insert;
    private int pending;

    BatchedAssignments(Connection connection, String strategy, Set<String> cells, int batchSize) throws SQLException {
        this.strategy = strategy;
        this.cells = cells;
        this.batchSize = batchSize;
        this.insert = connection.prepareStatement(
                "insert into segment_new (client_id, cell) values (?, ?) on conflict (client_id) do update set cell = excluded.cell");
    }

    @Override
    public void assign(long clientId, String cellCode) {
        if (!cells.contains(cellCode)) {
            throw new IllegalArgumentException("Strategy '" + strategy + "' assigned client " + clientId
                    + " to undeclared cell '" + cellCode + "'");
        }
        try {
            insert.setLong(1, clientId);
            insert.setString(2, cellCode);
            insert.addBatch();
            if (++pending >= batchSize) {
                flush();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Writing assignments failed: " + e.getMessage(), e);
        }
    }

    void flush() throws SQLException {
        if (pending > 0) {
            insert.executeBatch();
            pending = 0;
        }
    }

    @Override
    public void close() throws SQLException {
        insert.close();
    }
}
