package org.repeatsales.hub.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL the hub runs itself when no external database is configured. Its data
 * directory is kept across restarts, so the store survives like any installed database.
 */
public final class EmbeddedStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStore.class);

    private final EmbeddedPostgres postgres;

    private EmbeddedStore(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedStore start(Path dataDirectory) {
        try {
            Files.createDirectories(dataDirectory);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "60")
                    .setServerConfig("shared_buffers", "256MB")
                    .setServerConfig("max_wal_size", "2GB")
                    // nothing replicates from or archives this server: it lives and dies with the hub,
                    // and its data directory is the copy to back up. Minimal WAL lets a table created
                    // in the transaction that fills it skip the WAL (a segment's membership built anew
                    // by a refresh, BulkMembership); minimal WAL admits no WAL senders
                    .setServerConfig("wal_level", "minimal")
                    .setServerConfig("max_wal_senders", "0")
                    .start();
            log.info("Embedded PostgreSQL started on port {} with data in {}", pg.getPort(), dataDirectory.toAbsolutePath());
            return new EmbeddedStore(pg);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + dataDirectory.toAbsolutePath(), e);
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public void close() throws IOException {
        postgres.close();
        log.info("Embedded PostgreSQL stopped");
    }
}
