package org.repeatsales.hub.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.StoreAssertions;
import org.repeatsales.hub.ingest.Buyer;
import org.repeatsales.hub.ingest.ReceiptLine;
import org.repeatsales.hub.ingest.ReceiptRecord;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A run remembers the identity keys its committed batches resolved and looks up only the keys it has
 * not met; the store must end the same as if every batch had looked everything up, whatever other
 * runs merge or delete in between and whichever batches roll back.
 */
@SpringBootTest(properties = "hub.inbox.enabled=false")
class RunIdentitiesTest {

    private static final String ANNA_PHONE = "+79160000001";
    private static final String BORIS_EMAIL = "boris@example.ru";
    private static final String CLARA_PHONE = "+79160000003";

    @Autowired
    ImportService imports;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void emptyStore() {
        StoreAssertions.emptyStore(jdbc);
    }

    /**
     * Anna comes back page after page gaining a name, a city and an e-mail; Boris and Clara turn out
     * to be one person on page 2 and are named by their old counterparty keys afterwards.
     */
    private static final List<List<ReceiptRecord>> PAGES = List.of(
            List.of(receipt("D1", new Buyer(null, ANNA_PHONE, null, "cp-1", null, null)),
                    receipt("D2", new Buyer("Борис", null, BORIS_EMAIL, "cp-2", null, null)),
                    receipt("D3", new Buyer("Клара", CLARA_PHONE, null, "cp-3", null, null))),
            List.of(receipt("D4", new Buyer("Анна", ANNA_PHONE, null, "cp-1", null, "Тверь")),
                    receipt("D5", new Buyer(null, CLARA_PHONE, BORIS_EMAIL, null, null, null))),
            List.of(receipt("D6", new Buyer(null, null, null, "cp-2", null, null)),
                    receipt("D7", new Buyer(null, ANNA_PHONE, "anna@example.ru", "cp-1", null, null)),
                    receipt("D8", new Buyer("Дмитрий", "+79160000004", null, "cp-4", null, null))),
            List.of(receipt("D9", new Buyer(null, ANNA_PHONE, null, null, null, null)),
                    receipt("D10", new Buyer(null, null, null, "cp-3", null, null))));

    @Test
    void shouldEndWithTheSameClientsAndIdentitiesAsRunsOfOnePageEach() {
        try (SourceRun run = imports.startSourceRun("onec-test", "Document_X", "onec-odata")) {
            PAGES.forEach(page -> run.write(page(page), null));
            run.succeed("4 pages");
        }
        Map<String, String> oneRun = clientOfEveryReceipt();
        int clients = count("client");
        int identities = count("client_identity");
        StoreAssertions.assertStatsExact(jdbc);

        StoreAssertions.emptyStore(jdbc);
        for (List<ReceiptRecord> page : PAGES) {
            try (SourceRun run = imports.startSourceRun("onec-test", "Document_X", "onec-odata")) {
                run.write(page(page), null);
                run.succeed("1 page");
            }
        }

        assertThat(oneRun).isEqualTo(clientOfEveryReceipt());
        assertThat(clients).isEqualTo(count("client")).isEqualTo(3);
        assertThat(identities).isEqualTo(count("client_identity")).isEqualTo(9);
        assertThat(oneRun.get("D9")).isEqualTo(oneRun.get("D1"))
                .isEqualTo("Анна +79160000001 anna@example.ru Тверь [email:anna@example.ru, phone:+79160000001,"
                        + " source_key:onec-test:cp-1]");
        assertThat(oneRun.get("D10")).isEqualTo(oneRun.get("D6")).isEqualTo(oneRun.get("D2"));
    }

    @Test
    void shouldAttachToTheSurvivorWhenAnotherRunMergedAwayAClientTheRunRemembers() {
        try (SourceRun earlier = imports.startSourceRun("onec-test", "Document_X", "onec-odata")) {
            earlier.write(page(List.of(receipt("W1", new Buyer("Вера", null, "vera@example.ru", null, null, null)))), null);
            earlier.succeed("1 page");
        }
        long vera = clientOf("W1");
        try (SourceRun a = imports.startSourceRun("onec-test", "Document_A", "onec-odata");
             SourceRun b = imports.startSourceRun("onec-test", "Document_B", "onec-odata")) {
            a.write(page(List.of(receipt("A1", new Buyer(null, ANNA_PHONE, null, "cp-7", null, null)))), null);
            long remembered = clientOf("A1");

            // run B learns that the phone of run A's buyer is Vera's: her client absorbs A's
            b.write(page(List.of(receipt("B1", new Buyer(null, ANNA_PHONE, "vera@example.ru", null, null, null)))), null);
            b.succeed("1 page");
            assertThat(count("client where id = " + remembered)).isZero();

            a.write(page(List.of(receipt("A2", new Buyer(null, ANNA_PHONE, null, "cp-7", null, null)))), null);
            a.succeed("2 pages");
        }

        assertThat(clientOf("A2")).isEqualTo(clientOf("A1")).isEqualTo(clientOf("B1")).isEqualTo(vera);
        assertThat(count("client")).isEqualTo(1);
        StoreAssertions.assertStatsExact(jdbc);
    }

    @Test
    void shouldCreateTheBuyerAgainWhenTheClientTheRunRemembersWasDeleted() {
        try (SourceRun run = imports.startSourceRun("onec-test", "Document_A", "onec-odata")) {
            run.write(page(List.of(receipt("A1", new Buyer(null, ANNA_PHONE, null, "cp-7", null, null)))), null);
            long remembered = clientOf("A1");

            // erased between two pages of the poll, receipts first (they keep their client)
            jdbc.update("delete from receipt_line where receipt_id in (select id from receipt where client_id = ?)", remembered);
            jdbc.update("delete from receipt where client_id = ?", remembered);
            jdbc.update("delete from client where id = ?", remembered);

            run.write(page(List.of(receipt("A2", new Buyer(null, ANNA_PHONE, null, "cp-7", null, null)))), null);
            run.succeed("2 pages");
            assertThat(clientOf("A2")).isNotEqualTo(remembered);
        }

        assertThat(jdbc.queryForList("select kind || ':' || value from client_identity i join receipt r"
                + " on r.client_id = i.client_id where r.natural_key = 'A2' order by 1", String.class))
                .containsExactly("phone:" + ANNA_PHONE, "source_key:onec-test:cp-7");
        StoreAssertions.assertStatsExact(jdbc);
    }

    @Test
    void shouldRememberNothingOfAPageThatRolledBack() {
        try (SourceRun run = imports.startSourceRun("onec-test", "Document_A", "onec-odata")) {
            assertThatThrownBy(() -> run.write(page(List.of(receipt("A1", new Buyer(null, ANNA_PHONE, null, "cp-7", null, null)))),
                    c -> {
                        throw new SQLException("watermark row is locked");
                    })).hasMessageContaining("watermark row is locked");

            run.write(page(List.of(receipt("A2", new Buyer(null, ANNA_PHONE, null, "cp-7", null, null)))), null);
            run.succeed("1 of 2 pages");
        }

        assertThat(jdbc.queryForList("select natural_key from receipt", String.class)).containsExactly("A2");
        assertThat(count("client")).isEqualTo(1);
        assertThat(count("client_identity where client_id = " + clientOf("A2"))).isEqualTo(2);
        StoreAssertions.assertStatsExact(jdbc);
    }

    @Test
    void shouldStillFillWhatAKnownClientLacksAfterOnePageNamedThemTwiceByKeysOfTheirOwn() {
        try (SourceRun run = imports.startSourceRun("onec-test", "Document_X", "onec-odata")) {
            run.write(page(List.of(receipt("E1", new Buyer("Ева", "+79160000005", null, "cp-5", null, null)))), null);
            run.succeed("Eva is known by phone and counterparty");
        }
        try (SourceRun run = imports.startSourceRun("onec-test", "Document_X", "onec-odata")) {
            // one page names Eva by her phone (with an e-mail) and by her counterparty key (with a city):
            // two groups of keys, one client, only one of the two fills lands
            run.write(page(List.of(receipt("E2", new Buyer(null, "+79160000005", "eva@example.ru", null, null, null)),
                    receipt("E3", new Buyer(null, null, null, "cp-5", null, "Казань")))), null);
            // the next page brings both again: whatever the first one left out must be filled now
            run.write(page(List.of(receipt("E4", new Buyer(null, "+79160000005", "eva@example.ru", "cp-5", null, "Казань")))),
                    null);
            run.succeed("2 pages");
        }

        assertThat(count("client")).isEqualTo(1);
        assertThat(jdbc.queryForObject("select concat_ws(' ', name, phone, email, city) from client", String.class))
                .isEqualTo("Ева +79160000005 eva@example.ru Казань");
    }

    /** Each receipt's client as a person: profile and identities, whatever ids the store gave. */
    private Map<String, String> clientOfEveryReceipt() {
        Map<String, String> clients = new TreeMap<>();
        jdbc.query("""
                select r.natural_key, concat_ws(' ', c.name, c.phone, c.email, c.city) || ' ['
                       || (select string_agg(i.kind || ':' || i.value, ', ' order by i.kind, i.value)
                           from client_identity i where i.client_id = c.id) || ']'
                from receipt r join client c on c.id = r.client_id
                """, rs -> {
            clients.put(rs.getString(1), rs.getString(2));
        });
        return clients;
    }

    private long clientOf(String naturalKey) {
        return jdbc.queryForObject("select client_id from receipt where natural_key = ?", Long.class, naturalKey);
    }

    private int count(String from) {
        return jdbc.queryForObject("select count(*) from " + from, Integer.class);
    }

    private static SourcePage page(List<ReceiptRecord> receipts) {
        return new SourcePage(receipts, List.of(), "onec-test", List.of());
    }

    private static ReceiptRecord receipt(String key, Buyer buyer) {
        BigDecimal total = new BigDecimal("100.00");
        return new ReceiptRecord("onec-test", key, 1, 1, Instant.parse("2025-01-05T07:00:00Z"), total, null, null, null,
                false, buyer, List.of(new ReceiptLine(1, "Крем", null, BigDecimal.ONE, total, total)));
    }
}
