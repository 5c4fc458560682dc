package org.repeatsales.hub.routes.sources;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.repeatsales.hub.ingest.ReceiptRecord;

/**
 * What a live source needs from the store: its watermark, and a run that stores pages. The hub
 * implements it over its batch writer; sources know nothing of SQL.
 */
public interface SourceStore {

    /** The watermark the last stored page left, or null before the first one. */
    String watermark(String sourceId);

    /** A stored document's version stamp (1C's {@code DataVersion}) and date, by the document's key. */
    record DocumentVersion(String key, String version, LocalDateTime date) {
    }

    /**
     * The versions {@link PollRun#storePage} recorded for this source's documents dated at or
     * after {@code from}; older ones are forgotten, since no poll reads them again.
     */
    Map<String, DocumentVersion> documentVersions(String sourceId, LocalDateTime from);

    /** Opens an import run for one poll. */
    PollRun startPoll(String sourceId, String kind, String description);

    /** One poll's import run. Used by one thread. */
    interface PollRun extends AutoCloseable {

        long runId();

        /**
         * Stores one page in one transaction: receipts upserted by natural key, receipts with
         * {@code removedKeys} (in the source's key namespace) deleted, and the watermark set, so
         * the watermark never covers rows that are not stored.
         */
        default void storePage(List<ReceiptRecord> receipts, List<String> removedKeys, String watermark, Instant watermarkAt) {
            storePage(receipts, removedKeys, watermark, watermarkAt, List.of());
        }

        /** As above, and records the versions of the page's documents in the same transaction. */
        default void storePage(List<ReceiptRecord> receipts, List<String> removedKeys, String watermark, Instant watermarkAt,
                               List<DocumentVersion> versions) {
            storePage(receipts, receipts.stream().map(ReceiptRecord::contentHash).toList(), removedKeys, watermark, watermarkAt,
                    versions);
        }

        /**
         * As above, with each receipt's {@link ReceiptRecord#contentHash()} (in the same order) computed
         * by the caller: a source that maps on a thread of its own digests there, and the store's
         * thread, the one the whole poll waits for, does not.
         */
        void storePage(List<ReceiptRecord> receipts, List<String> contentHashes, List<String> removedKeys, String watermark,
                       Instant watermarkAt, List<DocumentVersion> versions);

        /** Keeps a response the poll could not use, for diagnosis. */
        void keepRaw(RawResponse raw, String reason);

        /** Data records stored so far. */
        long rowsStored();

        /** Closes the run as succeeded and marks the source healthy. */
        void succeeded(String message);

        /** Closes the run as failed and marks the source failing; the watermark stays where the last page left it. */
        void failed(String message);

        @Override
        void close();
    }
}
