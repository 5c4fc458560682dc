package org.repeatsales.hub.imports;

import static org.repeatsales.hub.store.jooq.Tables.IMPORT_RUN;
import static org.repeatsales.hub.store.jooq.Tables.REJECTED_ROW;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.repeatsales.hub.ops.HubMetrics;
import org.repeatsales.hub.store.jooq.tables.records.ImportRunRecord;
import org.springframework.stereotype.Repository;

/** The record of every import: started, progressed (by the batch writer), finished. */
@Repository
public class ImportRuns {

    private final DSLContext db;
    private final HubMetrics metrics;
    /**
     * Runs this hub process started: at start-up the inbox may open a run before the check for runs
     * a stop cut off has looked, and that run is alive, not cut off.
     */
    private final Set<Long> ownRuns = ConcurrentHashMap.newKeySet();

    ImportRuns(DSLContext db, HubMetrics metrics) {
        this.db = db;
        this.metrics = metrics;
    }

    synchronized long start(String source, String file, String format, String mapping, Long bytesTotal) {
        long runId = db.insertInto(IMPORT_RUN)
                .set(IMPORT_RUN.SOURCE, source)
                .set(IMPORT_RUN.FILE, file)
                .set(IMPORT_RUN.FORMAT, format)
                .set(IMPORT_RUN.MAPPING, mapping)
                .set(IMPORT_RUN.STATUS, "running")
                .set(IMPORT_RUN.BYTES_TOTAL, bytesTotal)
                .returning(IMPORT_RUN.ID)
                .fetchOne()
                .getId();
        ownRuns.add(runId);
        return runId;
    }

    void finish(long runId, String status, String message, String format, String mapping) {
        db.update(IMPORT_RUN)
                .set(IMPORT_RUN.STATUS, status)
                .set(IMPORT_RUN.MESSAGE, message)
                .set(IMPORT_RUN.FORMAT, format)
                .set(IMPORT_RUN.MAPPING, mapping)
                .set(IMPORT_RUN.FINISHED_AT, OffsetDateTime.now())
                .where(IMPORT_RUN.ID.eq(runId))
                .execute();
        ownRuns.remove(runId);
        ImportRunRecord run = db.fetchOne(IMPORT_RUN, IMPORT_RUN.ID.eq(runId));
        if (run != null) {
            metrics.importFinished(run.getSource(), status, run.getInserted(), run.getUpdated(), run.getUnchanged(), run.getRejected());
        }
    }

    /** Runs still "running" when the hub starts, other than its own, were cut off by a stop or crash. */
    public synchronized int markInterrupted() {
        return db.update(IMPORT_RUN)
                .set(IMPORT_RUN.STATUS, "interrupted")
                .set(IMPORT_RUN.MESSAGE, "The hub stopped during this import; batches committed before the stop are kept."
                        + " Import the file again to complete it: nothing is duplicated.")
                .set(IMPORT_RUN.FINISHED_AT, OffsetDateTime.now())
                .where(IMPORT_RUN.STATUS.eq("running"))
                .and(ownRuns.isEmpty() ? DSL.noCondition() : IMPORT_RUN.ID.notIn(ownRuns))
                .execute();
    }

    public Optional<ImportReport> report(long runId, int rejectionLimit) {
        return Optional.ofNullable(db.fetchOne(IMPORT_RUN, IMPORT_RUN.ID.eq(runId)))
                .map(run -> toReport(run, rejections(runId, 0, rejectionLimit)));
    }

    public List<ImportReport> latest(int limit) {
        return db.selectFrom(IMPORT_RUN)
                .orderBy(IMPORT_RUN.ID.desc())
                .limit(limit)
                .fetch(run -> toReport(run, null));
    }

    public List<ImportReport.RejectedRow> rejections(long runId, int offset, int limit) {
        return db.select(REJECTED_ROW.LINE, REJECTED_ROW.REASON, REJECTED_ROW.RAW)
                .from(REJECTED_ROW)
                .where(REJECTED_ROW.RUN_ID.eq(runId))
                .orderBy(REJECTED_ROW.LINE, REJECTED_ROW.ID)
                .offset(offset)
                .limit(limit)
                .fetch(r -> new ImportReport.RejectedRow(r.value1(), r.value2(), r.value3()));
    }

    private static ImportReport toReport(ImportRunRecord run, List<ImportReport.RejectedRow> rejections) {
        return new ImportReport(run.getId(), run.getSource(), run.getFile(), run.getFormat(), run.getMapping(),
                run.getStatus(), run.getMessage(), run.getStartedAt(), run.getFinishedAt(), run.getBytesTotal(),
                run.getBytesRead(), run.getRowsRead(), run.getInserted(), run.getUpdated(), run.getUnchanged(),
                run.getRejected(), rejections);
    }
}
