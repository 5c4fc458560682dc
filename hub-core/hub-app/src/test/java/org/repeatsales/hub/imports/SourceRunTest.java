package org.repeatsales.hub.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.StoreAssertions;
import org.repeatsales.hub.ingest.Buyer;
import org.repeatsales.hub.ingest.ReceiptLine;
import org.repeatsales.hub.ingest.ReceiptRecord;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/** Canonical receipts fed through the batch writer by a live source, with work committed alongside. */
@SpringBootTest(properties = "hub.inbox.enabled=false")
class SourceRunTest {

    @Autowired
    ImportService imports;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void emptyStore() {
        StoreAssertions.emptyStore(jdbc);
        jdbc.execute("create table if not exists hook_probe (note text)");
        jdbc.execute("truncate hook_probe");
    }

    @Test
    void shouldStoreCanonicalReceiptsWithAnImportRun() {
        ImportReport report;
        try (SourceRun run = imports.startSourceRun("onec-test", "Document_X", "onec-odata")) {
            run.write(page(receipt("A", "79160001122", "500.00"), receipt("B", null, "100.00")), null);
            report = run.succeed("2 documents");
        }

        assertThat(report.source()).isEqualTo("onec-test");
        assertThat(report.status()).isEqualTo("succeeded");
        assertThat(report.inserted()).isEqualTo(2);
        assertThat(jdbc.queryForObject("select revenue from client_stats", BigDecimal.class)).isEqualByComparingTo("500");
        StoreAssertions.assertRunsAddUp(jdbc);
    }

    @Test
    void shouldCommitTheHookTogetherWithThePage() {
        try (SourceRun run = imports.startSourceRun("onec-test", "Document_X", "onec-odata")) {
            run.write(page(receipt("A", "79160001122", "500.00")), c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("insert into hook_probe values ('page 1')");
                }
            });
            run.succeed("ok");
        }

        assertThat(jdbc.queryForList("select note from hook_probe", String.class)).containsExactly("page 1");
        assertThat(jdbc.queryForObject("select count(*) from receipt", Integer.class)).isEqualTo(1);
    }

    @Test
    void shouldStoreNothingOfThePageWhenTheHookFails() {
        try (SourceRun run = imports.startSourceRun("onec-test", "Document_X", "onec-odata")) {
            assertThatThrownBy(() -> run.write(page(receipt("A", "79160001122", "500.00")), c -> {
                throw new SQLException("watermark row is locked");
            })).hasMessageContaining("watermark row is locked");
            run.fail("hook failed");
        }

        assertThat(jdbc.queryForObject("select count(*) from receipt", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from client_stats where purchases > 0", Integer.class)).isZero();
    }

    @Test
    void shouldRemoveDeletedReceiptAndItsClientStats() {
        try (SourceRun run = imports.startSourceRun("onec-test", "Document_X", "onec-odata")) {
            run.write(page(receipt("A", "79160001122", "500.00"), receipt("B", "79160001122", "300.00")), null);
            run.succeed("ok");
        }
        try (SourceRun run = imports.startSourceRun("onec-test", "Document_X", "onec-odata")) {
            run.write(new SourcePage(List.of(), List.of(), "onec-test", List.of("A")), null);
            run.succeed("ok");
            assertThat(run.removed()).isEqualTo(1);
        }

        assertThat(jdbc.queryForList("select natural_key from receipt", String.class)).containsExactly("B");
        assertThat(jdbc.queryForObject("select count(*) from receipt_line", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select revenue from client_stats", BigDecimal.class)).isEqualByComparingTo("300");
        StoreAssertions.assertStatsExact(jdbc);
    }

    private static SourcePage page(ReceiptRecord... receipts) {
        return new SourcePage(List.of(receipts), List.of(), "onec-test", List.of());
    }

    private static ReceiptRecord receipt(String key, String phone, String total) {
        Buyer buyer = phone == null ? Buyer.ANONYMOUS : new Buyer("Орлова Вера", "+" + phone, null, null, null, null);
        return new ReceiptRecord("onec-test", key, 1, 1, Instant.parse("2025-01-05T07:00:00Z"), new BigDecimal(total),
                null, null, null, false, buyer,
                List.of(new ReceiptLine(1, "Крем", null, BigDecimal.ONE, new BigDecimal(total), new BigDecimal(total))));
    }
}
