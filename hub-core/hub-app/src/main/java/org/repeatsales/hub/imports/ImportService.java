package org.repeatsales.hub.imports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import javax.sql.DataSource;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.ingest.FileFormat;
import org.repeatsales.hub.ingest.MappingCatalog;
import org.repeatsales.hub.ingest.ReadResult;
import org.repeatsales.hub.ingest.SalesFileReader;
import org.repeatsales.hub.ingest.UnreadableFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Imports one sales file into the store: opens an import run, streams the file through the
 * reader into the batch writer, and closes the run with its counts. Whatever happens, the run
 * record says what was read, stored and rejected.
 */
@Service
public class ImportService {

    private static final Logger log = LoggerFactory.getLogger(ImportService.class);

    private final DataSource dataSource;
    private final ImportRuns runs;
    private final HubProperties hub;

    ImportService(DataSource dataSource, ImportRuns runs, HubProperties hub) {
        this.dataSource = dataSource;
        this.runs = runs;
        this.hub = hub;
    }

    /** What to import and how to call it in the run record. */
    public record ImportRequest(Path file, String fileName, String source, FileFormat format, String mapping) {
    }

    public ImportReport importFile(ImportRequest request) {
        return importInto(openRun(request), request);
    }

    /**
     * Opens the run of an import that {@link #importInto} will carry out, so a caller that imports in
     * the background can show the run (and its progress) at once.
     */
    public long openRun(ImportRequest request) {
        return runs.start(request.source(), request.fileName(),
                request.format() == null ? null : request.format().id(), request.mapping(), sizeOf(request.file()));
    }

    /** Imports the file into a run {@link #openRun} opened, and finishes the run whatever happens. */
    public ImportReport importInto(long runId, ImportRequest request) {
        Long size = sizeOf(request.file());
        log.info("Import run {} started: {} from {}", runId, request.fileName(), request.source());
        String status;
        String message;
        String format = request.format() == null ? null : request.format().id();
        String mapping = request.mapping();
        ReceiptBatchWriter writer = null;
        try (Connection connection = dataSource.getConnection()) {
            // Mappings are read for every import, so a layout an admin adds to config/mappings is
            // used at once, without a restart.
            SalesFileReader reader = new SalesFileReader(MappingCatalog.load(hub.mappingsPath()), hub.timezone());
            writer = new ReceiptBatchWriter(connection, runId, size);
            ReadResult result = readAndWrite(reader, request, writer);
            format = result.format().id();
            mapping = result.mapping();
            log.debug("Import run {} store time: {}", runId, writer.stepTimes());
            status = "succeeded";
            message = describe(result, writer.counts());
            connection.setAutoCommit(true);
        } catch (UnreadableFileException e) {
            status = "failed";
            message = e.getMessage();
        } catch (IOException e) {
            status = "failed";
            message = "Cannot read " + request.fileName() + ": " + e.getMessage();
        } catch (SQLException | RuntimeException e) {
            log.error("Import run {} failed", runId, e);
            status = "failed";
            message = "Import stopped: " + e.getMessage()
                    + (writer != null && writer.counts().rowsRead() > 0
                            ? " (" + writer.counts().rowsRead() + " rows before it are stored; import the file again to complete it)"
                            : "");
        }
        runs.finish(runId, status, message, format, mapping);
        ImportReport report = runs.report(runId, hub.imports().reportRejections()).orElseThrow();
        log.info("Import run {} {}: read {}, inserted {}, updated {}, unchanged {}, rejected {}", runId, status,
                report.rowsRead(), report.inserted(), report.updated(), report.unchanged(), report.rejected());
        return report;
    }

    /**
     * Opens an import run for receipts that arrive already canonical (a poll of a live source),
     * written page by page through the same batch writer as files. The caller finishes and closes it.
     *
     * @param source the source instance id, recorded as the run's source
     * @param description what the run reads (shown where a file import shows its file name)
     * @param kind the kind of source (recorded as the run's format)
     */
    public SourceRun startSourceRun(String source, String description, String kind) {
        long runId = runs.start(source, description, kind, null, null);
        log.info("Import run {} started: {} from {}", runId, description, source);
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            return new SourceRun(connection, runs, runId, kind, hub.imports().reportRejections());
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            runs.finish(runId, "failed", "Cannot open the store: " + e.getMessage(), kind, null);
            throw new StoreWriteException("Import run " + runId + ": cannot open the store: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the original failure is what the caller needs to see
            }
        }
    }

    /**
     * Parses on a reader thread while this thread writes the batches it hands over, in order.
     * Records the reader delivered before it failed are still written (like a crash, re-importing
     * completes the file); a writer failure stops the reader.
     */
    private ReadResult readAndWrite(SalesFileReader reader, ImportRequest request, ReceiptBatchWriter writer)
            throws IOException, UnreadableFileException {
        BatchCollector collector = new BatchCollector(hub.imports().batchRows());
        FutureTask<ReadResult> reading = new FutureTask<>(() -> {
            long bytes = 0;
            try {
                ReadResult result = reader.read(request.file(), request.format(), request.mapping(), collector);
                bytes = result.bytes();
                return result;
            } finally {
                collector.finish(bytes);
            }
        });
        Thread thread = new Thread(reading, "import-reader");
        thread.setDaemon(true);
        thread.start();
        try {
            for (BatchCollector.Batch batch = collector.take(); batch != null; batch = collector.take()) {
                writer.write(batch);
            }
            return reading.get();
        } catch (RuntimeException e) {
            collector.abort();
            throw e;
        } catch (InterruptedException e) {
            collector.abort();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Import interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnreadableFileException u) {
                throw u;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static String describe(ReadResult result, ImportCounts counts) {
        String encoding = result.encoding() == null ? "" : ", encoding " + result.encoding();
        return "Read " + counts.rowsRead() + " rows as " + result.format().id()
                + (result.mapping() == null ? "" : " with mapping " + result.mapping()) + encoding;
    }

    private static Long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return null;
        }
    }
}
