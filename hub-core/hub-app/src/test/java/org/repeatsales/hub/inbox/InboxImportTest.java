package org.repeatsales.hub.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.config.HubProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/** Files dropped into the inbox are imported once and moved away with their run id. */
@SpringBootTest
class InboxImportTest {

    @Autowired
    HubProperties hub;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void shouldImportDroppedExportAndMoveItToProcessedWithItsRunId() throws Exception {
        Path inbox = hub.inboxDir();
        Files.createDirectories(inbox);
        Path file = inbox.resolve("z-report.csv");
        Files.writeString(file, "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма\n"
                + "05.01.2025 10:00;IN-1;Орлова Вера;89160001122;;Крем;1;500;500\n", StandardCharsets.UTF_8);

        Path processed = awaitFile(inbox.resolve("processed"), "-z-report.csv");

        Long runId = jdbc.queryForObject("select id from import_run where file = 'z-report.csv'", Long.class);
        assertThat(processed.getFileName().toString()).isEqualTo(runId + "-z-report.csv");
        assertThat(jdbc.queryForObject("select source from import_run where id = ?", String.class, runId)).isEqualTo("inbox");
        assertThat(jdbc.queryForObject("select count(*) from receipt where natural_key = '2025-01-05|IN-1'", Integer.class)).isEqualTo(1);
        assertThat(file).doesNotExist();
    }

    @Test
    void shouldMoveUnreadableFileToFailed() throws Exception {
        Path inbox = hub.inboxDir();
        Files.createDirectories(inbox);
        Files.write(inbox.resolve("scan.csv"), new byte[] {0, 1, 2, 3, 0, 0, 5});

        Path failed = awaitFile(inbox.resolve("failed"), "-scan.csv");

        assertThat(failed.getFileName().toString()).endsWith("-scan.csv");
        long runId = Long.parseLong(failed.getFileName().toString().split("-")[0]);
        assertThat(jdbc.queryForObject("select status from import_run where id = ?", String.class, runId)).isEqualTo("failed");
    }

    private static Path awaitFile(Path folder, String suffix) throws InterruptedException, IOException {
        for (int i = 0; i < 100; i++) {
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    var found = files.filter(f -> f.getFileName().toString().endsWith(suffix)).findFirst();
                    if (found.isPresent()) {
                        return found.get();
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing arrived in " + folder + " within 10 s");
    }
}
