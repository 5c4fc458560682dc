package org.repeatsales.hub.imports;

import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One import run fed with canonical receipts instead of a file (a poll of a live source). Each
 * {@link #write page} is one transaction through the same batch writer as file imports, so
 * receipts are upserted by natural key, identities resolved and client statistics kept; the page's
 * {@link InTransaction hook} commits with it. Not thread-safe: one poll, one thread.
 */
public final class SourceRun implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SourceRun.class);

    private final Connection connection;
    private final ReceiptBatchWriter writer;
    private final ImportRuns runs;
    private final long runId;
    private final int reportRejections;
    private final String kind;
    private long removed;
    private boolean finished;

    SourceRun(Connection connection, ImportRuns runs, long runId, String kind, int reportRejections) throws SQLException {
        this.kind = kind;
        this.connection = connection;
        this.runs = runs;
        this.runId = runId;
        this.reportRejections = reportRejections;
        this.writer = new ReceiptBatchWriter(connection, runId, null);
    }

    public long runId() {
        return runId;
    }

    /** Stores one page and runs {@code hook} in the same transaction; nothing of it is stored if either fails. */
    public void write(SourcePage page, InTransaction hook) {
        BatchCollector.Batch batch = new BatchCollector.Batch(page.receipts(), page.contentHashes(), page.rejections(), 0);
        removed += writer.write(batch, page.keySource(), page.removedKeys(), hook);
    }

    /** Data records stored or rejected so far (receipts count their rows, removals are not rows). */
    public long rowsRead() {
        return writer.counts().rowsRead();
    }

    /** Stored receipts removed because the source deleted them. */
    public long removed() {
        return removed;
    }

    public ImportReport succeed(String message) {
        return finish("succeeded", message);
    }

    public ImportReport fail(String message) {
        return finish("failed", message);
    }

    private ImportReport finish(String status, String message) {
        finished = true;
        log.debug("Import run {} store time: {}", runId, writer.stepTimes());
        runs.finish(runId, status, message, kind, null);
        return runs.report(runId, reportRejections).orElseThrow();
    }

    /** Releases the connection; a run nobody finished (a bug upstream) is recorded as failed. */
    @Override
    public void close() {
        if (!finished) {
            fail("The poll stopped without finishing its run");
        }
        try {
            connection.setAutoCommit(true);
            connection.close();
        } catch (SQLException e) {
            log.warn("Import run {}: closing its connection failed: {}", runId, e.getMessage());
        }
    }
}
