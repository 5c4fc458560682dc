package org.repeatsales.hub.imports;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.repeatsales.hub.ingest.ReceiptLine;
import org.repeatsales.hub.ingest.ReceiptRecord;
import org.repeatsales.hub.ingest.Rejection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the batches a {@link BatchCollector} gathers into the store, each batch one transaction that also
 * records the run's progress: a crash loses at most the batch in flight, and re-reading the file
 * completes the run without duplicates because receipts are upserted by natural key.
 *
 * <p>Every data record is counted exactly once as inserted, updated, unchanged or rejected, in the
 * order the file presents them: the first sight of a new receipt inserts it, an identical repeat
 * is unchanged, a different repeat updates it.
 */
final class ReceiptBatchWriter {

    private static final Logger log = LoggerFactory.getLogger(ReceiptBatchWriter.class);

    private final Connection connection;
    private final long runId;
    private final int rawLimit;
    private final Long bytesTotal;

    private final ImportCounts counts = new ImportCounts();
    /** The identity keys this run's committed batches resolved. */
    private final RunIdentities runIdentities = new RunIdentities(RunIdentities.CAPACITY);
    /** The identity epoch the batch in flight started at, and what the run may remember of it once committed. */
    private long batchEpoch;
    private IdentityResolver.Learned learned;
    private String proofFile;
    /**
     * Nanoseconds spent per step of the batch, summed over the run (logged at debug level); the
     * last two are the parts of "receipts" spent in the COPY of new receipts and of their lines.
     */
    private final long[] stepNanos = new long[8];
    private static final String[] STEPS = {"lock+classify", "identities", "receipts", "stats", "rejections", "commit",
        "receipt rows", "receipt lines"};

    ReceiptBatchWriter(Connection connection, long runId, Long bytesTotal) throws SQLException {
        this.connection = connection;
        this.runId = runId;
        this.rawLimit = 2000;
        this.bytesTotal = bytesTotal;
        connection.setAutoCommit(true);
        try (Statement st = connection.createStatement()) {
            st.execute("create temp table if not exists stage_receipt (id bigint, client_id bigint,"
                    + " purchased_at timestamptz, total numeric, discount numeric, payment text, point_of_sale text,"
                    + " is_refund boolean, content_hash text) on commit delete rows");
        }
        connection.setAutoCommit(false);
    }

    /** Counts committed so far. */
    ImportCounts counts() {
        return counts;
    }

    /** Writes one batch in one transaction, with the run's progress. */
    void write(BatchCollector.Batch batch) {
        write(batch, null, List.of(), null);
    }

    /**
     * Writes one batch in one transaction, with the run's progress, then removes the receipts a
     * live source says are gone (keys in {@code removalSource}), then runs {@code hook} (a live
     * source's watermark) before the commit: the hook's effect is stored exactly when the rows are.
     *
     * @return how many stored receipts were removed
     */
    long write(BatchCollector.Batch batch, String removalSource, List<String> removedKeys, InTransaction hook) {
        long removed;
        learned = IdentityResolver.Learned.NOTHING;
        try {
            ImportCounts written = writeBatch(batch);
            // Still under the ingest lock, so only the batch's own merges can have moved the epoch; whatever
            // moves it later in the transaction (removals, the hook) makes the next batch forget.
            long endEpoch = learned.absorbedInto().isEmpty() ? batchEpoch : RunIdentities.epochOf(connection);
            removed = removedKeys.isEmpty() ? 0 : remove(removalSource, removedKeys);
            if (hook != null) {
                hook.run(connection);
            }
            long t = System.nanoTime();
            recordProgress(written, batch.bytesRead());
            connection.commit();
            stepNanos[5] += System.nanoTime() - t;
            runIdentities.learn(learned, batchEpoch, endEpoch);
            counts.add(written);
        } catch (SQLException e) {
            rollbackQuietly();
            throw new StoreWriteException("Import run " + runId + ": writing a batch failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
        if (bytesTotal != null && bytesTotal > 0) {
            log.info("Import run {}: {} rows, {}% of the file", runId, counts.rowsRead(), batch.bytesRead() * 100 / bytesTotal);
        } else {
            log.info("Import run {}: {} rows", runId, counts.rowsRead());
        }
        return removed;
    }

    /**
     * Deletes receipts the source no longer has (a 1C document marked for deletion) with their
     * lines, and recomputes their clients' statistics. Runs inside the batch's transaction and
     * under the ingest lock the batch already took.
     */
    private long remove(String source, List<String> keys) throws SQLException {
        List<Long> receiptIds = new ArrayList<>();
        Set<Long> clients = new HashSet<>();
        try (PreparedStatement st = connection.prepareStatement(
                "delete from receipt r where r.source = ? and r.natural_key = any(?) returning r.id, r.client_id")) {
            st.setString(1, source);
            st.setArray(2, connection.createArrayOf("text", keys.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    receiptIds.add(rs.getLong(1));
                    long client = rs.getLong(2);
                    if (!rs.wasNull()) {
                        clients.add(client);
                    }
                }
            }
        }
        if (!receiptIds.isEmpty()) {
            try (PreparedStatement st = connection.prepareStatement("delete from receipt_line where receipt_id = any(?)")) {
                st.setArray(1, connection.createArrayOf("bigint", receiptIds.toArray()));
                st.executeUpdate();
            }
        }
        ClientStats.recompute(connection, clients);
        return receiptIds.size();
    }

    private ImportCounts writeBatch(BatchCollector.Batch input) throws SQLException {
        List<ReceiptRecord> receipts = input.receipts();
        List<Rejection> rejections = input.rejections();
        long t = System.nanoTime();
        try (Statement st = connection.createStatement()) {
            st.execute("select pg_advisory_xact_lock(" + IngestLock.KEY + ")");
        }
        batchEpoch = runIdentities.startBatch(connection);
        ImportCounts batch = new ImportCounts();
        batch.rejected(rejections.size());

        Map<ReceiptKey, StoredReceipt> stored = loadStored(receipts);
        Map<ReceiptKey, ReceiptRecord> toWrite = new LinkedHashMap<>();
        Map<ReceiptRecord, String> hashOf = new IdentityHashMap<>();
        Map<ReceiptKey, String> currentHash = new HashMap<>();
        stored.forEach((k, s) -> currentHash.put(k, s.hash()));
        for (int i = 0; i < receipts.size(); i++) {
            ReceiptRecord r = receipts.get(i);
            ReceiptKey key = new ReceiptKey(r.source(), r.naturalKey());
            String hash = input.hashes().get(i);
            hashOf.put(r, hash);
            String previous = currentHash.put(key, hash);
            if (previous == null) {
                batch.inserted(r.rows());
            } else if (previous.equals(hash)) {
                batch.unchanged(r.rows());
            } else {
                batch.updated(r.rows());
            }
            StoredReceipt s = stored.get(key);
            if (s == null || !s.hash().equals(hash)) {
                toWrite.put(key, r);
            } else {
                toWrite.remove(key);
            }
        }
        t = lap(0, t);

        ClientStats.Delta added = new ClientStats.Delta();
        Set<Long> recompute = new HashSet<>();
        if (!toWrite.isEmpty()) {
            List<ReceiptRecord> writes = new ArrayList<>(toWrite.values());
            IdentityResolver.Resolution resolution = new IdentityResolver(connection, runIdentities).resolve(writes);
            learned = resolution.learned();
            recompute.addAll(resolution.mergedInto());
            t = lap(1, t);

            List<ReceiptRecord> fresh = new ArrayList<>();
            List<ReceiptRecord> changed = new ArrayList<>();
            for (Map.Entry<ReceiptKey, ReceiptRecord> e : toWrite.entrySet()) {
                StoredReceipt s = stored.get(e.getKey());
                Long client = resolution.clientOf().get(e.getValue());
                if (s == null) {
                    fresh.add(e.getValue());
                    added.add(client, e.getValue());
                } else {
                    changed.add(e.getValue());
                    if (s.clientId() != null) {
                        recompute.add(s.clientId());
                    }
                    if (client != null) {
                        recompute.add(client);
                    }
                }
            }
            insertFresh(fresh, resolution.clientOf(), hashOf);
            updateChanged(changed, stored, resolution.clientOf(), hashOf);
            ImportedConsents.record(connection, writes, resolution.clientOf(), proofFile());
            t = lap(2, t);
        }
        // Clients whose receipts changed or who merged are recomputed from scratch; the rest only
        // gained new receipts, which add to their statistics.
        added.removeAll(recompute);
        ClientStats.add(connection, added);
        ClientStats.recompute(connection, recompute);
        t = lap(3, t);
        storeRejections(rejections);
        lap(4, t);
        return batch;
    }

    /** How consent proofs name this run's file, read once. */
    private String proofFile() throws SQLException {
        if (proofFile == null) {
            try (PreparedStatement st = connection.prepareStatement("select file from import_run where id = ?")) {
                st.setLong(1, runId);
                try (ResultSet rs = st.executeQuery()) {
                    String file = rs.next() ? rs.getString(1) : null;
                    proofFile = (file == null ? "" : file + " ") + "(import run " + runId + ")";
                }
            }
        }
        return proofFile;
    }

    private long lap(int step, long since) {
        long now = System.nanoTime();
        stepNanos[step] += now - since;
        return now;
    }

    /** Where the run's time went, step by step (for tuning; logged at debug level). */
    String stepTimes() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < STEPS.length; i++) {
            s.append(i == 0 ? "" : ", ").append(STEPS[i]).append(' ').append(stepNanos[i] / 1_000_000).append(" ms");
        }
        return s.toString();
    }

    private Map<ReceiptKey, StoredReceipt> loadStored(List<ReceiptRecord> receipts) throws SQLException {
        Map<ReceiptKey, StoredReceipt> stored = new HashMap<>();
        if (receipts.isEmpty()) {
            return stored;
        }
        String[] sources = new String[receipts.size()];
        String[] keys = new String[receipts.size()];
        for (int i = 0; i < receipts.size(); i++) {
            sources[i] = receipts.get(i).source();
            keys[i] = receipts.get(i).naturalKey();
        }
        try (PreparedStatement st = KeyLookups.prepare(connection,
                "select r.source, r.natural_key, r.id, r.client_id, r.content_hash from receipt r"
                        + " join (select distinct * from unnest(?::text[], ?::text[])) as k(source, natural_key)"
                        + " on r.source = k.source and r.natural_key = k.natural_key")) {
            st.setArray(1, connection.createArrayOf("text", sources));
            st.setArray(2, connection.createArrayOf("text", keys));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long clientId = rs.getLong(4);
                    stored.put(new ReceiptKey(rs.getString(1), rs.getString(2)),
                            new StoredReceipt(rs.getLong(3), rs.wasNull() ? null : clientId, rs.getString(5)));
                }
            }
        }
        return stored;
    }

    /**
     * Receipts the store has never seen go straight into their tables with COPY: ids are drawn
     * from the sequence first, so lines can be written with their receipt id and no lookup.
     * Safe because every writer of receipts holds the ingest lock.
     */
    private void insertFresh(List<ReceiptRecord> fresh, Map<ReceiptRecord, Long> clientOf, Map<ReceiptRecord, String> hashOf)
            throws SQLException {
        if (fresh.isEmpty()) {
            return;
        }
        long[] ids = nextIds("receipt_id_seq", fresh.size());
        CopyRows receiptRows = new CopyRows();
        CopyRows lineRows = new CopyRows();
        for (int i = 0; i < fresh.size(); i++) {
            ReceiptRecord r = fresh.get(i);
            receiptRows.number(ids[i]).text(r.source()).text(r.naturalKey()).id(clientOf.get(r)).time(r.purchasedAt())
                    .number(r.total()).number(r.discount()).text(r.payment()).text(r.pointOfSale())
                    .bool(r.refund()).text(hashOf.get(r)).number(runId).endRow();
            appendLines(lineRows, ids[i], r);
        }
        long t = System.nanoTime();
        receiptRows.copyInto(connection, "receipt (id, source, natural_key, client_id, purchased_at, total, discount,"
                + " payment, point_of_sale, is_refund, content_hash, import_run_id)");
        t = lap(6, t);
        lineRows.copyInto(connection, "receipt_line (receipt_id, line_no, item, category, quantity, price, amount)");
        lap(7, t);
    }

    /** Receipts that changed since they were stored: new values, lines replaced. */
    private void updateChanged(List<ReceiptRecord> changed, Map<ReceiptKey, StoredReceipt> stored,
                               Map<ReceiptRecord, Long> clientOf, Map<ReceiptRecord, String> hashOf) throws SQLException {
        if (changed.isEmpty()) {
            return;
        }
        CopyRows receiptRows = new CopyRows();
        CopyRows lineRows = new CopyRows();
        Long[] ids = new Long[changed.size()];
        for (int i = 0; i < changed.size(); i++) {
            ReceiptRecord r = changed.get(i);
            long id = stored.get(new ReceiptKey(r.source(), r.naturalKey())).id();
            ids[i] = id;
            receiptRows.number(id).id(clientOf.get(r)).time(r.purchasedAt()).number(r.total()).number(r.discount())
                    .text(r.payment()).text(r.pointOfSale()).bool(r.refund()).text(hashOf.get(r)).endRow();
            appendLines(lineRows, id, r);
        }
        receiptRows.copyInto(connection, "stage_receipt (id, client_id, purchased_at, total, discount, payment,"
                + " point_of_sale, is_refund, content_hash)");
        try (PreparedStatement st = connection.prepareStatement(
                "update receipt r set client_id = s.client_id, purchased_at = s.purchased_at, total = s.total,"
                        + " discount = s.discount, payment = s.payment, point_of_sale = s.point_of_sale,"
                        + " is_refund = s.is_refund, content_hash = s.content_hash, import_run_id = ?, updated_at = now()"
                        + " from stage_receipt s where r.id = s.id")) {
            st.setLong(1, runId);
            st.executeUpdate();
        }
        try (PreparedStatement st = connection.prepareStatement("delete from receipt_line where receipt_id = any(?)")) {
            st.setArray(1, connection.createArrayOf("bigint", ids));
            st.executeUpdate();
        }
        lineRows.copyInto(connection, "receipt_line (receipt_id, line_no, item, category, quantity, price, amount)");
    }

    private static void appendLines(CopyRows rows, long receiptId, ReceiptRecord r) {
        for (ReceiptLine l : r.lines()) {
            rows.number(receiptId).number(l.lineNo()).text(l.item()).text(l.category())
                    .number(l.quantity()).number(l.price()).number(l.amount()).endRow();
        }
    }

    private long[] nextIds(String sequence, int count) throws SQLException {
        long[] ids = new long[count];
        try (PreparedStatement st = connection.prepareStatement("select nextval('" + sequence + "') from generate_series(1, ?)")) {
            st.setInt(1, count);
            try (ResultSet rs = st.executeQuery()) {
                for (int i = 0; rs.next(); i++) {
                    ids[i] = rs.getLong(1);
                }
            }
        }
        return ids;
    }

    private void storeRejections(List<Rejection> rejections) throws SQLException {
        CopyRows rows = new CopyRows();
        for (Rejection r : rejections) {
            String raw = r.raw() == null || r.raw().length() <= rawLimit ? r.raw() : r.raw().substring(0, rawLimit);
            rows.number(runId).number(r.line()).text(raw).text(r.reason()).endRow();
        }
        rows.copyInto(connection, "rejected_row (run_id, line, raw, reason)");
    }

    private void recordProgress(ImportCounts batch, long bytesRead) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "update import_run set rows_read = rows_read + ?, inserted = inserted + ?, updated = updated + ?,"
                        + " unchanged = unchanged + ?, rejected = rejected + ?, bytes_read = ? where id = ?")) {
            st.setLong(1, batch.rowsRead());
            st.setLong(2, batch.inserted());
            st.setLong(3, batch.updated());
            st.setLong(4, batch.unchanged());
            st.setLong(5, batch.rejected());
            st.setLong(6, bytesRead);
            st.setLong(7, runId);
            st.executeUpdate();
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.warn("Import run {}: rollback failed: {}", runId, e.getMessage());
        }
    }

    private record ReceiptKey(String source, String naturalKey) {
    }

    private record StoredReceipt(long id, Long clientId, String hash) {
    }
}
