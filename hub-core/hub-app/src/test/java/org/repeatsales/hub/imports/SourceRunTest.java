package org.repeatsales.hub.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
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

    @Test
    void shouldGiveAKnownClientTheEmailALaterRunBrings() {
        try (SourceRun run = imports.startSourceRun("onec-test", "Document_X", "onec-odata")) {
            run.write(page(receiptBy("A", new Buyer("Орлова Вера", "+79160001122", null, null, null, "Тверь"), "500.00")), null);
            run.succeed("ok");
        }
        try (SourceRun run = imports.startSourceRun("onec-test", "Document_X", "onec-odata")) {
            run.write(page(receiptBy("B", new Buyer(null, "+79160001122", "vera@example.ru", null, null, null), "300.00")), null);
            run.succeed("ok");
        }

        assertThat(jdbc.queryForList("select concat_ws(' ', name, phone, email, city) from client", String.class))
                .containsExactly("Орлова Вера +79160001122 vera@example.ru Тверь");
    }

    @Test
    void shouldPlanTheStoreLookupsOfEveryPageForThatPageHoweverManyPagesThePollWrites() {
        // analyzed while empty, as a store is before its first poll of a big base: a plan made now and
        // kept would take the tables for empty while the poll fills them
        jdbc.execute("vacuum analyze client, client_identity, receipt");
        long[] firstPage = null;
        long[] lastPage = new long[2];
        try (SourceRun run = imports.startSourceRun("onec-test", "Document_X", "onec-odata")) {
            for (int p = 0; p < 15; p++) {
                List<ReceiptRecord> receipts = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    int person = (p * 40 + i) % 100; // a hundred counterparties buy again page after page
                    receipts.add(receiptBy("D" + p + "-" + i, new Buyer("Покупатель " + person,
                            "+7916" + String.format("%07d", person), person % 3 == 0 ? "buyer" + person + "@example.ru" : null,
                            "cp-" + person, null, null), "100.00"));
                }
                run.write(new SourcePage(receipts, List.of(), "onec-test", List.of()),
                        c -> plansOfTheConnection(c, lastPage));
                if (firstPage == null) {
                    firstPage = lastPage.clone();
                }
            }
            run.succeed("15 pages");
        }

        assertThat(lastPage[1] - firstPage[1]).as("executions of other statements with a plan made for an earlier page")
                .isPositive(); // the run was long enough for the server to keep generic plans
        assertThat(lastPage[0] - firstPage[0]).as("key lookups with a plan made for an earlier page").isZero();
        assertThat(jdbc.queryForObject("select count(*) from client", Integer.class)).isEqualTo(100);
        assertThat(jdbc.queryForObject("select count(*) from receipt", Integer.class)).isEqualTo(600);
        StoreAssertions.assertStatsExact(jdbc);
        StoreAssertions.assertRunsAddUp(jdbc);
    }

    /**
     * How often the connection's prepared statements have run with a generic plan so far: the lookups
     * of identities and stored receipts by key, and any statement with parameters (one without
     * parameters has one plan whatever the setting).
     */
    private static void plansOfTheConnection(Connection c, long[] plans) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "select coalesce(sum(generic_plans) filter (where statement like '%from client_identity i%'"
                        + "   or statement like '%from receipt r join%'), 0),"
                        + " coalesce(sum(generic_plans), 0) from pg_prepared_statements"
                        + " where cardinality(parameter_types) > 0")) {
            rs.next();
            plans[0] = rs.getLong(1);
            plans[1] = rs.getLong(2);
        }
    }

    private static SourcePage page(ReceiptRecord... receipts) {
        return new SourcePage(List.of(receipts), List.of(), "onec-test", List.of());
    }

    private static ReceiptRecord receipt(String key, String phone, String total) {
        return receiptBy(key, phone == null ? Buyer.ANONYMOUS : new Buyer("Орлова Вера", "+" + phone, null, null, null, null), total);
    }

    private static ReceiptRecord receiptBy(String key, Buyer buyer, String total) {
        return new ReceiptRecord("onec-test", key, 1, 1, Instant.parse("2025-01-05T07:00:00Z"), new BigDecimal(total),
                null, null, null, false, buyer,
                List.of(new ReceiptLine(1, "Крем", null, BigDecimal.ONE, new BigDecimal(total), new BigDecimal(total))));
    }
}
