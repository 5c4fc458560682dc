package org.repeatsales.hub.sources;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.repeatsales.hub.imports.ImportService;
import org.repeatsales.hub.imports.SourcePage;
import org.repeatsales.hub.imports.SourceRun;
import org.repeatsales.hub.ingest.ReceiptRecord;
import org.repeatsales.hub.routes.sources.RawResponse;
import org.repeatsales.hub.routes.sources.SourceStore;
import org.springframework.stereotype.Component;

/** Live sources' pages go through the import service's batch writer; the watermark rides in each page's transaction. */
@Component
class StoreBackedSources implements SourceStore {

    private final ImportService imports;
    private final SourceStates states;

    StoreBackedSources(ImportService imports, SourceStates states) {
        this.imports = imports;
        this.states = states;
    }

    @Override
    public String watermark(String sourceId) {
        return states.watermark(sourceId);
    }

    @Override
    public Map<String, DocumentVersion> documentVersions(String sourceId, LocalDateTime from) {
        return states.documentVersions(sourceId, from);
    }

    @Override
    public PollRun startPoll(String sourceId, String kind, String description) {
        states.register(sourceId, kind, true);
        SourceRun run = imports.startSourceRun(sourceId, description, kind);
        states.pollStarted(sourceId, run.runId());
        return new PollRun() {
            @Override
            public long runId() {
                return run.runId();
            }

            @Override
            public void storePage(List<ReceiptRecord> receipts, List<String> contentHashes, List<String> removedKeys, String watermark,
                                  Instant watermarkAt, List<DocumentVersion> versions) {
                run.write(new SourcePage(receipts, contentHashes, List.of(), sourceId, removedKeys), connection -> {
                    SourceStates.advanceWatermark(connection, sourceId, watermark, watermarkAt);
                    SourceStates.recordVersions(connection, sourceId, versions);
                });
            }

            @Override
            public void keepRaw(RawResponse raw, String reason) {
                states.keepRaw(sourceId, run.runId(), raw, reason);
            }

            @Override
            public long rowsStored() {
                return run.rowsRead();
            }

            @Override
            public void succeeded(String message) {
                run.succeed(message);
                states.pollSucceeded(sourceId, run.rowsRead());
            }

            @Override
            public void failed(String message) {
                run.fail(message);
                states.pollFailed(sourceId, run.rowsRead(), message);
            }

            @Override
            public void close() {
                run.close();
            }
        };
    }
}
