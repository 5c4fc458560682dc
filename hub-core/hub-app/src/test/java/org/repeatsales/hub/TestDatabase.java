package org.repeatsales.hub;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One real PostgreSQL per test JVM, and a fresh database in it for every Spring context, so test
 * classes never see each other's rows (nor files left by an earlier run in target/). Registered for all contexts in META-INF/spring.factories.
 */
public class TestDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        if (Boolean.getBoolean("hub.test.own-database")) {
            return; // a hub started as a child process by a test, told which database to use
        }
        String database = "hub_test_" + DATABASES.incrementAndGet();
        EmbeddedPostgres pg = server();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("create database " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database " + database, e);
        }
        TestPropertyValues.of(
                "hub.db.url=" + pg.getJdbcUrl("postgres", database),
                "hub.db.user=postgres",
                "hub.data-dir=target/test-data/" + ProcessHandle.current().pid() + "/" + database)
                .applyTo(context);
    }

    /** A new, empty database on the JVM's server, for a test that migrates or starts a hub itself. */
    public static PGSimpleDataSource freshDatabase(String name) {
        EmbeddedPostgres pg = server();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database " + name, e);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(pg.getJdbcUrl("postgres", name));
        ds.setUser("postgres");
        return ds;
    }

    /** The JVM's server, started on first use and stopped when the JVM exits. */
    public static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                // one server for every Spring context the JVM caches, each with its own pool
                // the WAL settings of EmbeddedStore, so that tests write membership the way the hub does
                postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "400")
                        .setServerConfig("wal_level", "minimal").setServerConfig("max_wal_senders", "0").start();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start the embedded PostgreSQL for tests", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                // JVM shutdown hooks run at once: stopped before Spring's hook has closed the cached
                // contexts, the server left every closing dispatcher waiting 30 s for a connection
                // per attempt, and the test JVM outlived surefire's exit timeout by minutes
                awaitSpringShutdown();
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the server's directory is temporary
                }
            }));
        }
        return postgres;
    }

    private static void awaitSpringShutdown() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("SpringApplicationShutdownHook") && t != Thread.currentThread()) {
                try {
                    t.join(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
