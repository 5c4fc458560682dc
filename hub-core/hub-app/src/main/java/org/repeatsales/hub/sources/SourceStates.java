package org.repeatsales.hub.sources;

import static org.repeatsales.hub.store.jooq.Tables.SOURCE_RAW_RESPONSE;
import static org.repeatsales.hub.store.jooq.Tables.SOURCE_STATE;

import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record3;
import org.jooq.impl.DSL;
import org.repeatsales.hub.routes.sources.RawResponse;
import org.repeatsales.hub.routes.sources.SourceStore;
import org.repeatsales.hub.store.jooq.tables.records.SourceStateRecord;
import org.springframework.stereotype.Repository;

/** The state row of each live source instance and the responses its polls could not use. */
@Repository
class SourceStates {

    /** Kept bodies are cut here: enough to see what went wrong, not a copy of a huge page. */
    private static final int RAW_LIMIT = 1_000_000;

    private final DSLContext db;

    SourceStates(DSLContext db) {
        this.db = db;
    }

    /** Makes sure every configured instance has a row, and that its enabled flag shows. */
    void register(String sourceId, String kind, boolean enabled) {
        db.insertInto(SOURCE_STATE)
                .set(SOURCE_STATE.SOURCE_ID, sourceId)
                .set(SOURCE_STATE.KIND, kind)
                .set(SOURCE_STATE.STATE, enabled ? "ok" : "disabled")
                .onConflict(SOURCE_STATE.SOURCE_ID)
                .doNothing()
                .execute();
        if (!enabled) {
            db.update(SOURCE_STATE).set(SOURCE_STATE.STATE, "disabled").where(SOURCE_STATE.SOURCE_ID.eq(sourceId)).execute();
        } else {
            db.update(SOURCE_STATE)
                    .set(SOURCE_STATE.STATE, DSL.when(SOURCE_STATE.CONSECUTIVE_FAILURES.gt(0), "failing").otherwise("ok"))
                    .where(SOURCE_STATE.SOURCE_ID.eq(sourceId).and(SOURCE_STATE.STATE.eq("disabled")))
                    .execute();
        }
    }

    Optional<SourceStateRecord> find(String sourceId) {
        return Optional.ofNullable(db.fetchOne(SOURCE_STATE, SOURCE_STATE.SOURCE_ID.eq(sourceId)));
    }

    List<SourceStateRecord> all() {
        return db.selectFrom(SOURCE_STATE).orderBy(SOURCE_STATE.SOURCE_ID).fetch();
    }

    String watermark(String sourceId) {
        return db.select(SOURCE_STATE.WATERMARK).from(SOURCE_STATE).where(SOURCE_STATE.SOURCE_ID.eq(sourceId)).fetchOne(SOURCE_STATE.WATERMARK);
    }

    /** Runs on the batch's connection, inside its transaction: the watermark commits with the rows it covers. */
    static void advanceWatermark(Connection connection, String sourceId, String watermark, Instant watermarkAt) {
        DSL.using(connection).update(SOURCE_STATE)
                .set(SOURCE_STATE.WATERMARK, watermark)
                .set(SOURCE_STATE.WATERMARK_AT, watermarkAt == null ? null : watermarkAt.atOffset(ZoneOffset.UTC))
                .set(SOURCE_STATE.UPDATED_AT, OffsetDateTime.now())
                .where(SOURCE_STATE.SOURCE_ID.eq(sourceId))
                .execute();
    }

    /**
     * Runs in the page's transaction: the versions of the documents it stores. Documents dated
     * before the page's poll could read are forgotten in {@link #documentVersions}.
     */
    static void recordVersions(Connection connection, String sourceId, List<SourceStore.DocumentVersion> versions) {
        if (versions.isEmpty()) {
            return;
        }
        DSLContext tx = DSL.using(connection);
        String[] keys = new String[versions.size()];
        String[] stamps = new String[versions.size()];
        LocalDateTime[] dates = new LocalDateTime[versions.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = versions.get(i).key();
            stamps[i] = versions.get(i).version();
            dates[i] = versions.get(i).date();
        }
        tx.execute("insert into source_document_version (source_id, document_key, data_version, document_date)"
                + " select ?, k, v, d from unnest(?::text[], ?::text[], ?::timestamp[]) as u(k, v, d)"
                + " on conflict (source_id, document_key) do update"
                + " set data_version = excluded.data_version, document_date = excluded.document_date",
                sourceId, keys, stamps, dates);
    }

    /** The stored versions of documents dated at or after {@code from}; older ones are deleted, no poll reads them again. */
    Map<String, SourceStore.DocumentVersion> documentVersions(String sourceId, LocalDateTime from) {
        db.execute("delete from source_document_version where source_id = ? and document_date < ?", sourceId, from);
        Map<String, SourceStore.DocumentVersion> versions = new HashMap<>();
        for (Record3<String, String, LocalDateTime> r : db.resultQuery(
                "select document_key, data_version, document_date from source_document_version where source_id = ?", sourceId)
                .coerce(DSL.field("document_key", String.class), DSL.field("data_version", String.class),
                        DSL.field("document_date", LocalDateTime.class))) {
            versions.put(r.value1(), new SourceStore.DocumentVersion(r.value1(), r.value2(), r.value3()));
        }
        return versions;
    }

    void pollStarted(String sourceId, long runId) {
        db.update(SOURCE_STATE)
                .set(SOURCE_STATE.LAST_POLL_AT, OffsetDateTime.now())
                .set(SOURCE_STATE.LAST_RUN_ID, runId)
                .where(SOURCE_STATE.SOURCE_ID.eq(sourceId))
                .execute();
    }

    void pollSucceeded(String sourceId, long rows) {
        OffsetDateTime now = OffsetDateTime.now();
        db.update(SOURCE_STATE)
                .set(SOURCE_STATE.STATE, "ok")
                .set(SOURCE_STATE.LAST_SUCCESS_AT, now)
                .set(SOURCE_STATE.ROWS_LAST_RUN, rows)
                .set(SOURCE_STATE.CONSECUTIVE_FAILURES, 0)
                .setNull(SOURCE_STATE.LAST_ERROR)
                .set(SOURCE_STATE.UPDATED_AT, now)
                .where(SOURCE_STATE.SOURCE_ID.eq(sourceId))
                .execute();
    }

    void pollFailed(String sourceId, long rows, String error) {
        db.update(SOURCE_STATE)
                .set(SOURCE_STATE.STATE, "failing")
                .set(SOURCE_STATE.ROWS_LAST_RUN, rows)
                .set(SOURCE_STATE.CONSECUTIVE_FAILURES, SOURCE_STATE.CONSECUTIVE_FAILURES.plus(1))
                .set(SOURCE_STATE.LAST_ERROR, error)
                .set(SOURCE_STATE.UPDATED_AT, OffsetDateTime.now())
                .where(SOURCE_STATE.SOURCE_ID.eq(sourceId))
                .execute();
    }

    void keepRaw(String sourceId, long runId, RawResponse raw, String reason) {
        String body = raw.body() == null || raw.body().length() <= RAW_LIMIT ? raw.body() : raw.body().substring(0, RAW_LIMIT);
        db.insertInto(SOURCE_RAW_RESPONSE)
                .set(SOURCE_RAW_RESPONSE.SOURCE_ID, sourceId)
                .set(SOURCE_RAW_RESPONSE.RUN_ID, runId)
                .set(SOURCE_RAW_RESPONSE.ENTITY, raw.entity())
                .set(SOURCE_RAW_RESPONSE.PAGE, raw.page())
                .set(SOURCE_RAW_RESPONSE.URL, raw.url())
                .set(SOURCE_RAW_RESPONSE.HTTP_STATUS, raw.httpStatus())
                .set(SOURCE_RAW_RESPONSE.REASON, reason)
                .set(SOURCE_RAW_RESPONSE.BODY, body)
                .execute();
    }
}
