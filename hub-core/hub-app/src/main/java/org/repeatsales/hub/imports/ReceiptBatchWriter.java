package org.repeatsales.hub.imports;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.repeatsales.hub.ingest.ReceiptLine;
import org.repeatsales.hub.ingest.ReceiptRecord;
import org.repeatsales.hub.ingest.RecordSink;
import org.repeatsales.hub.ingest.Rejection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what a reader produces into the store in batches, each batch one transaction that also
 * records the run's progress: a crash loses at most the batch in flight, and re-reading the file
 * completes the run without duplicates because receipts are upserted by natural key.
 *
 * <p>Every data record is counted exactly once as inserted, updated, unchanged or rejected, in the
 * order the file presents them: the first sight of a new receipt inserts it, an identical repeat
 * is unchanged, a different repeat updates it.
 */
final class ReceiptBatchWriter implements RecordSink {

    private static final Logger log = LoggerFactory.getLogger(ReceiptBatchWriter.class);

    /** All ingest batches take this lock, so identity resolution never races another import. */
    private static final long INGEST_LOCK = 0x48554249L;

    private final Connection connection;
    private final long runId;
    private final int batchRows;
    private final int rawLimit;
    private final Long bytesTotal;

    private final List<ReceiptRecord> receipts = new ArrayList<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private int pendingRows;
    private long bytesRead;

    private final ImportCounts counts = new ImportCounts();

    ReceiptBatchWriter(Connection connection, long runId, int batchRows, Long bytesTotal) throws SQLException {
        this.connection = connection;
        this.runId = runId;
        this.batchRows = batchRows;
        this.rawLimit = 2000;
        this.bytesTotal = bytesTotal;
        connection.setAutoCommit(true);
        try (Statement st = connection.createStatement()) {
            st.execute("create temp table if not exists stage_receipt (source text, natural_key text, client_id bigint,"
                    + " purchased_at timestamptz, total numeric, discount numeric, payment text, point_of_sale text,"
                    + " is_refund boolean, content_hash text) on commit delete rows");
            st.execute("create temp table if not exists stage_line (source text, natural_key text, line_no int, item text,"
                    + " category text, quantity numeric, price numeric, amount numeric) on commit delete rows");
        }
        connection.setAutoCommit(false);
    }

    @Override
    public void receipt(ReceiptRecord receipt) {
        receipts.add(receipt);
        pendingRows += receipt.rows();
        flushIfFull();
    }

    @Override
    public void rejected(Rejection rejection) {
        rejections.add(rejection);
        pendingRows++;
        flushIfFull();
    }

    @Override
    public void progress(long bytesRead) {
        this.bytesRead = bytesRead;
    }

    /** Counts committed so far. */
    ImportCounts counts() {
        return counts;
    }

    /** Commits what is pending. */
    void finish(long bytesRead) {
        this.bytesRead = Math.max(this.bytesRead, bytesRead);
        flush();
    }

    private void flushIfFull() {
        if (pendingRows >= batchRows) {
            flush();
        }
    }

    private void flush() {
        try {
            ImportCounts batch = writeBatch();
            recordProgress(batch);
            connection.commit();
            counts.add(batch);
        } catch (SQLException e) {
            rollbackQuietly();
            throw new StoreWriteException("Import run " + runId + ": writing a batch failed: " + e.getMessage(), e);
        }
        receipts.clear();
        rejections.clear();
        pendingRows = 0;
        if (bytesTotal != null && bytesTotal > 0) {
            log.info("Import run {}: {} rows, {}% of the file", runId, counts.rowsRead(), bytesRead * 100 / bytesTotal);
        } else {
            log.info("Import run {}: {} rows", runId, counts.rowsRead());
        }
    }

    private ImportCounts writeBatch() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("select pg_advisory_xact_lock(" + INGEST_LOCK + ")");
        }
        ImportCounts batch = new ImportCounts();
        batch.rejected(rejections.size());

        Map<ReceiptKey, StoredReceipt> stored = loadStored();
        Map<ReceiptKey, ReceiptRecord> toWrite = new LinkedHashMap<>();
        Map<ReceiptKey, String> currentHash = new HashMap<>();
        stored.forEach((k, s) -> currentHash.put(k, s.hash()));
        for (ReceiptRecord r : receipts) {
            ReceiptKey key = new ReceiptKey(r.source(), r.naturalKey());
            String hash = r.contentHash();
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

        Set<Long> touchedClients = new HashSet<>();
        if (!toWrite.isEmpty()) {
            List<ReceiptRecord> writes = new ArrayList<>(toWrite.values());
            IdentityResolver.Resolution resolution = new IdentityResolver(connection).resolve(writes);
            touchedClients.addAll(resolution.mergedInto());
            stage(writes, resolution.clientOf());
            upsertReceipts(stored, toWrite.keySet());
            for (ReceiptKey k : toWrite.keySet()) {
                StoredReceipt s = stored.get(k);
                if (s != null && s.clientId() != null) {
                    touchedClients.add(s.clientId());
                }
            }
            for (Long clientId : resolution.clientOf().values()) {
                touchedClients.add(clientId);
            }
        }
        ClientStatsUpdater.recompute(connection, touchedClients);
        storeRejections();
        return batch;
    }

    private Map<ReceiptKey, StoredReceipt> loadStored() throws SQLException {
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
        try (PreparedStatement st = connection.prepareStatement(
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

    private void stage(List<ReceiptRecord> writes, Map<ReceiptRecord, Long> clientOf) throws SQLException {
        CopyRows receiptRows = new CopyRows();
        CopyRows lineRows = new CopyRows();
        for (ReceiptRecord r : writes) {
            receiptRows.text(r.source()).text(r.naturalKey()).id(clientOf.get(r)).time(r.purchasedAt())
                    .number(r.total()).number(r.discount()).text(r.payment()).text(r.pointOfSale())
                    .bool(r.refund()).text(r.contentHash()).endRow();
            for (ReceiptLine l : r.lines()) {
                lineRows.text(r.source()).text(r.naturalKey()).number(l.lineNo()).text(l.item()).text(l.category())
                        .number(l.quantity()).number(l.price()).number(l.amount()).endRow();
            }
        }
        receiptRows.copyInto(connection, "stage_receipt (source, natural_key, client_id, purchased_at, total, discount,"
                + " payment, point_of_sale, is_refund, content_hash)");
        lineRows.copyInto(connection, "stage_line (source, natural_key, line_no, item, category, quantity, price, amount)");
    }

    private void upsertReceipts(Map<ReceiptKey, StoredReceipt> stored, Set<ReceiptKey> written) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "insert into receipt as r (source, natural_key, client_id, purchased_at, total, discount, payment,"
                        + " point_of_sale, is_refund, content_hash, import_run_id)"
                        + " select source, natural_key, client_id, purchased_at, total, discount, payment, point_of_sale,"
                        + " is_refund, content_hash, ? from stage_receipt"
                        + " on conflict (source, natural_key) do update set client_id = excluded.client_id,"
                        + " purchased_at = excluded.purchased_at, total = excluded.total, discount = excluded.discount,"
                        + " payment = excluded.payment, point_of_sale = excluded.point_of_sale,"
                        + " is_refund = excluded.is_refund, content_hash = excluded.content_hash,"
                        + " import_run_id = excluded.import_run_id, updated_at = now()")) {
            st.setLong(1, runId);
            st.executeUpdate();
        }
        List<Long> replaced = new ArrayList<>();
        for (ReceiptKey k : written) {
            StoredReceipt s = stored.get(k);
            if (s != null) {
                replaced.add(s.id());
            }
        }
        if (!replaced.isEmpty()) {
            try (PreparedStatement st = connection.prepareStatement("delete from receipt_line where receipt_id = any(?)")) {
                st.setArray(1, connection.createArrayOf("bigint", replaced.toArray()));
                st.executeUpdate();
            }
        }
        try (Statement st = connection.createStatement()) {
            st.executeUpdate("insert into receipt_line (receipt_id, line_no, item, category, quantity, price, amount)"
                    + " select r.id, l.line_no, l.item, l.category, l.quantity, l.price, l.amount from stage_line l"
                    + " join receipt r on r.source = l.source and r.natural_key = l.natural_key");
        }
    }

    private void storeRejections() throws SQLException {
        CopyRows rows = new CopyRows();
        for (Rejection r : rejections) {
            String raw = r.raw() == null || r.raw().length() <= rawLimit ? r.raw() : r.raw().substring(0, rawLimit);
            rows.number(runId).number(r.line()).text(raw).text(r.reason()).endRow();
        }
        rows.copyInto(connection, "rejected_row (run_id, line, raw, reason)");
    }

    private void recordProgress(ImportCounts batch) throws SQLException {
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
