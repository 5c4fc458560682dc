package org.repeatsales.hub.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.StoreAssertions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An import that dies half-way (here: the store refuses a batch, as it would when the database
 * goes away) leaves a consistent store, and importing the file again completes it without
 * duplicates. Batches are 50 rows in tests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "hub.inbox.enabled=false")
class ImportRecoveryTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ImportRuns runs;

    @Autowired
    ImportService imports;

    @TempDir
    Path dir;

    @BeforeEach
    void emptyStore() {
        StoreAssertions.emptyStore(jdbc);
    }

    Path salesFile(int receipts) throws IOException {
        StringBuilder csv = new StringBuilder("Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма\n");
        for (int i = 1; i <= receipts; i++) {
            csv.append(String.format("%02d.03.2025 10:00;R-%d;Клиент %d;+7916%07d;;Товар;1;%d;%d%n",
                    1 + i % 28, i, i % 60, i % 60, 100 + i, 100 + i));
        }
        Path file = dir.resolve("sales.csv");
        Files.writeString(file, csv, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void shouldKeepCommittedBatchesConsistentAndCompleteOnReimport() throws IOException {
        Path file = salesFile(300);
        jdbc.execute("""
                create or replace function fail_on_r200() returns trigger language plpgsql as $$
                begin
                  if new.natural_key like '%|R-200' then raise exception 'store went away'; end if;
                  return new;
                end $$""");
        jdbc.execute("create trigger fail_on_r200 before insert on receipt for each row execute function fail_on_r200()");
        try {
            HubApiClient.Response failed = HubApiClient.admin(port).upload("/api/v1/imports", file);

            assertThat(failed.status()).isEqualTo(422);
            JsonNode run = failed.json();
            assertThat(run.get("status").asText()).isEqualTo("failed");
            assertThat(run.get("message").asText()).contains("store went away").contains("import the file again");
            assertThat(run.get("rowsRead").asLong()).as("three batches of 50 committed before the failing one").isEqualTo(150);
            assertThat(jdbc.queryForObject("select count(*) from receipt", Integer.class)).isEqualTo(150);
            StoreAssertions.assertStatsExact(jdbc);
            StoreAssertions.assertRunsAddUp(jdbc);
        } finally {
            jdbc.execute("drop trigger fail_on_r200 on receipt");
        }

        JsonNode completed = HubApiClient.admin(port).upload("/api/v1/imports", file).json();

        assertThat(completed.get("status").asText()).isEqualTo("succeeded");
        assertThat(completed.get("unchanged").asLong()).isEqualTo(150);
        assertThat(completed.get("inserted").asLong()).isEqualTo(150);
        assertThat(jdbc.queryForObject("select count(*) from receipt", Integer.class)).isEqualTo(300);
        assertThat(jdbc.queryForObject("select count(distinct natural_key) from receipt", Integer.class)).isEqualTo(300);
        assertThat(jdbc.queryForObject("select count(*) from client", Integer.class)).isEqualTo(60);
        StoreAssertions.assertStatsExact(jdbc);
    }

    @Test
    void shouldMarkRunsLeftRunningByAStopAsInterrupted() {
        jdbc.update("insert into import_run (source, file, status) values ('inbox', 'big.csv', 'running')");

        assertThat(runs.markInterrupted()).isEqualTo(1);

        assertThat(jdbc.queryForObject("select status from import_run", String.class)).isEqualTo("interrupted");
        assertThat(jdbc.queryForObject("select message from import_run", String.class)).contains("Import the file again");
    }

    @Test
    void shouldLeaveRunsThisHubOpenedRunningWhenCheckingForCutOffRuns() throws IOException {
        // at start-up the inbox may open a run before the check for cut-off runs gets to look
        jdbc.update("insert into import_run (source, file, status) values ('inbox', 'cut-off.csv', 'running')");
        long alive = imports.openRun(new ImportService.ImportRequest(salesFile(1), "alive.csv", "inbox", null, null));

        assertThat(runs.markInterrupted()).isEqualTo(1);

        assertThat(jdbc.queryForObject("select status from import_run where id = ?", String.class, alive)).isEqualTo("running");
        assertThat(jdbc.queryForObject("select status from import_run where file = 'cut-off.csv'", String.class)).isEqualTo("interrupted");
        runs.finish(alive, "failed", "test over", null, null);
    }
}
