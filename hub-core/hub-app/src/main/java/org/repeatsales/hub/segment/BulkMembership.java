package org.repeatsales.hub.segment;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;

/**
 * Writes a segment's membership, or its first history, as a new table swapped in for the segment's
 * partition (V22), for a refresh that rewrites most of the segment. Rows inserted in client order
 * into a table without indexes, the indexes built once afterwards, and (under {@code
 * wal_level=minimal}, EmbeddedStore) no WAL for a table created in the writing transaction: on a
 * million clients 3.7 s for the members instead of 7.2 s row by row, 2.9 s for the history instead
 * of 6.6 s.
 *
 * <p>Everything happens in the refresh's write transaction: a failure anywhere rolls back the new
 * tables and the swap with it, and the previous membership stays. The swap (dropping the old
 * partition, attaching the new) locks the parent table exclusively until the write commits, so it
 * comes last, after the tables are built and analysed; readers of other segments wait for that
 * moment only. It cannot deadlock with imports or with a deletion of clients (V19's trigger): the
 * write holds the advisory lock of ingest, which those take before they touch the membership, and
 * so do V22's triggers that create and drop a segment's partitions; whoever else holds a lock on
 * these tables only reads them and waits for nothing the write holds.
 */
final class BulkMembership {

    static final String MEMBERS = "segment_member_";
    static final String HISTORY = "segment_movement_";

    private final Connection c;
    private final long segmentId;
    /** Names the new tables and their indexes: unique, so a partition swapped in before never collides. */
    private final long refreshId;

    BulkMembership(Connection c, long segmentId, long refreshId) {
        this.c = c;
        this.segmentId = segmentId;
        this.refreshId = refreshId;
    }

    boolean hasHistory() throws SQLException {
        return SegmentRefresher.single(c, "select count(*) from (select 1 from " + HISTORY + segmentId + " limit 1) h") > 0;
    }

    /**
     * The segment's new membership: members the diff does not name keep their cell and since,
     * members who moved or entered get their new cell since {@code now}, and those who left are
     * not there.
     */
    void buildMembership(Timestamp now) throws SQLException {
        String table = building(MEMBERS);
        try (Statement st = c.createStatement()) {
            st.execute(create(table, "segment_member"));
        }
        try (PreparedStatement st = c.prepareStatement("insert into " + table + """
                 (segment_id, client_id, cell, since)
                select %d, client_id, cell, since from (
                  select m.client_id, m.cell, m.since from %s m
                  where not exists (select 1 from segment_diff d where d.client_id = m.client_id)
                  union all
                  select client_id, to_cell, ? from segment_diff where to_cell is not null
                ) n order by client_id
                """.formatted(segmentId, MEMBERS + segmentId))) {
            st.setTimestamp(1, now);
            st.executeUpdate();
        }
        // the same definitions as the parent's (V22), or ATTACH would build its own
        indexes(table, "segment_id, client_id", "segment_id, cell, client_id", "client_id");
        analyze(table);
    }

    /** The segment's first history: the diff's rows, ids from the history's sequence in client order. */
    void buildHistory(Timestamp now) throws SQLException {
        String table = building(HISTORY);
        try (Statement st = c.createStatement()) {
            st.execute(create(table, "segment_movement"));
        }
        try (PreparedStatement st = c.prepareStatement("insert into " + table + """
                 (segment_id, refresh_id, client_id, from_cell, to_cell, moved_at)
                select %d, %d, client_id, from_cell, to_cell, ? from segment_diff order by client_id
                """.formatted(segmentId, refreshId))) {
            st.setTimestamp(1, now);
            st.executeUpdate();
        }
        indexes(table, "segment_id, id", "segment_id, refresh_id", "client_id, moved_at");
        analyze(table);
    }

    void swapMembership() throws SQLException {
        swap(MEMBERS, "segment_member");
    }

    void swapHistory() throws SQLException {
        swap(HISTORY, "segment_movement");
    }

    private String building(String prefix) {
        return prefix + segmentId + "_r" + refreshId;
    }

    /**
     * A table shaped like the parent, with the check that tells ATTACH every row belongs to this
     * segment without scanning them.
     */
    private String create(String table, String parent) {
        return "create table " + table + " (like " + parent + " including defaults, constraint " + table
                + "_segment check (segment_id = " + segmentId + "))";
    }

    /** Built after the rows, each in one sorted pass; the same columns as the parent's key and indexes. */
    private void indexes(String table, String key, String... others) throws SQLException {
        try (Statement st = c.createStatement()) {
            // a key must be a constraint of the partition for ATTACH to take it as the parent's key
            st.execute("alter table " + table + " add constraint " + table + "_pkey primary key (" + key + ")");
            for (int i = 0; i < others.length; i++) {
                st.execute("create index " + table + "_" + (i + 1) + " on " + table + " (" + others[i] + ")");
            }
        }
    }

    private void analyze(String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("analyze " + table);
        }
    }

    private void swap(String prefix, String parent) throws SQLException {
        String partition = prefix + segmentId;
        String table = building(prefix);
        try (Statement st = c.createStatement()) {
            // dropping a partition detaches it; from here to the commit the parent is locked exclusively
            st.execute("drop table " + partition);
            st.execute("alter table " + table + " rename to " + partition);
            st.execute("alter table " + parent + " attach partition " + partition + " for values in (" + segmentId + ")");
            // the partition's own bound says as much now
            st.execute("alter table " + partition + " drop constraint " + table + "_segment");
        }
    }
}
