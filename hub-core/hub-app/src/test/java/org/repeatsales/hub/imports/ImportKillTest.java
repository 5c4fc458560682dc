package org.repeatsales.hub.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.repeatsales.hub.StoreAssertions;
import org.repeatsales.hub.TestDatabase;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The hub is killed (SIGKILL, no shutdown hooks) in the middle of importing an inbox file. The
 * store must hold exactly the committed batches, consistent; the restarted hub marks the cut-off
 * run interrupted, imports the file still lying in the inbox again, and ends with every receipt
 * exactly once.
 */
class ImportKillTest {

    private static final int RECEIPTS = 30_000;

    @TempDir
    Path dir;

    @Test
    void shouldRecoverFromKillDuringImportWithoutLossOrDuplicates() throws Exception {
        EmbeddedPostgres pg = TestDatabase.server();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("create database hub_kill_test");
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(pg.getJdbcUrl("postgres", "hub_kill_test"));
        ds.setUser("postgres");
        JdbcTemplate jdbc = new JdbcTemplate(ds);

        Path inbox = Files.createDirectories(dir.resolve("data/inbox"));
        Path staging = dir.resolve("sales.csv");
        try (Writer out = Files.newBufferedWriter(staging, StandardCharsets.UTF_8)) {
            out.write("Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма\n");
            for (int i = 1; i <= RECEIPTS; i++) {
                out.write(String.format("%02d.%02d.2025 10:00;K-%d;Клиент %d;+7916%07d;;Товар;1;%d;%d%n",
                        1 + i % 28, 1 + i % 12, i, i % 5000, i % 5000, 100 + i % 900, 100 + i % 900));
            }
        }

        Process hub = startHub(pg.getJdbcUrl("postgres", "hub_kill_test"), Path.of("target", "kill-test-first.log"));
        try {
            // a child JVM starting Spring on a machine shared with other builds took over 90 s
            awaitTrue(() -> jdbc.queryForObject("select count(*) from hub_user", Integer.class) > 0, Duration.ofSeconds(240), hub);
            Files.move(staging, inbox.resolve("sales.csv"));
            awaitTrue(() -> count(jdbc, "select coalesce(max(rows_read), 0) from import_run") >= 2_000, Duration.ofSeconds(60), hub);
        } finally {
            hub.destroyForcibly().waitFor();
        }

        long committed = count(jdbc, "select rows_read from import_run");
        assertThat(jdbc.queryForObject("select status from import_run", String.class)).isEqualTo("running");
        assertThat(committed).as("killed before the end").isLessThan(RECEIPTS);
        assertThat(count(jdbc, "select count(*) from receipt")).as("the store holds exactly the committed batches").isEqualTo(committed);
        StoreAssertions.assertStatsExact(jdbc);
        assertThat(inbox.resolve("sales.csv")).as("the file stays in the inbox until imported").exists();

        Process again = startHub(pg.getJdbcUrl("postgres", "hub_kill_test"), Path.of("target", "kill-test-second.log"));
        try {
            awaitTrue(() -> count(jdbc, "select count(*) from import_run where status = 'succeeded'") == 1, Duration.ofSeconds(120), again);
        } finally {
            again.destroy();
            again.waitFor();
        }

        assertThat(jdbc.queryForList("select status from import_run order by id", String.class))
                .containsExactly("interrupted", "succeeded");
        assertThat(count(jdbc, "select count(*) from receipt")).isEqualTo(RECEIPTS);
        assertThat(count(jdbc, "select count(distinct natural_key) from receipt")).isEqualTo(RECEIPTS);
        assertThat(count(jdbc, "select unchanged from import_run where status = 'succeeded'")).isEqualTo(committed);
        assertThat(count(jdbc, "select count(*) from client")).isEqualTo(5000);
        assertThat(Files.list(inbox.resolve("processed")).toList()).hasSize(1);
        StoreAssertions.assertStatsExact(jdbc);
    }

    private Process startHub(String dbUrl, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx512m", "-Dhub.test.own-database=true", "-cp", System.getProperty("java.class.path"),
                "org.repeatsales.hub.HubApplication",
                "--hub.db.url=" + dbUrl, "--hub.db.user=postgres", "--server.port=0",
                "--hub.data-dir=" + dir.resolve("data"), "--hub.mappings-dir=" + Path.of("../../config/mappings").toAbsolutePath(),
                "--hub.admin-password=kill-test", "--hub.inbox.poll-delay=200", "--hub.inbox.min-age=200",
                "--hub.imports.batch-rows=500");
        return new ProcessBuilder(command)
                .directory(new File(System.getProperty("user.dir")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static long count(JdbcTemplate jdbc, String sql) {
        Long value = jdbc.queryForObject(sql, Long.class);
        return value == null ? 0 : value;
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout, Process process) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the hub process exited with " + process.exitValue());
            }
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // tables appear only once the hub has migrated the database
                last = notYet;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not met within " + timeout, last);
    }
}
