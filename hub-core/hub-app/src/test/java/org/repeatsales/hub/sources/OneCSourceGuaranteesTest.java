package org.repeatsales.hub.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.StoreAssertions;
import org.repeatsales.hub.bench.OneCODataSimulator;
import org.repeatsales.hub.routes.onec.OneCFields;
import org.repeatsales.hub.routes.onec.OneCSettings;
import org.repeatsales.hub.routes.onec.OneCSource;
import org.repeatsales.hub.routes.sources.Backoff;
import org.repeatsales.hub.routes.sources.PollOutcome;
import org.repeatsales.hub.routes.sources.SourceHttp;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The live-source guarantees against a 1C base that changes while it is polled (WireMock playing
 * the base, {@link OneCODataSimulator}): a poll stopped half-way and picked up by a new process,
 * documents arriving between two page requests, a store failure after some pages. Each ends, after
 * the next poll, with exactly the base's documents in the store: none twice, none missing.
 */
@SpringBootTest(properties = "hub.inbox.enabled=false")
class OneCSourceGuaranteesTest {

    private static final String ID = "onec-guarantees";
    private static final String CLIENT = "b7569bcd-f670-11ea-8591-000c29b45b09";
    private static final String ITEM = "2d4fe75f-48a4-11ec-ad72-000c29b45b09";

    @Autowired
    StoreBackedSources store;

    @Autowired
    JdbcTemplate jdbc;

    private OneCODataSimulator base;
    private WireMockServer server;

    @BeforeEach
    void start() {
        StoreAssertions.emptyStore(jdbc);
        jdbc.update("delete from source_state where source_id = ?", ID);
        jdbc.update("delete from source_document_version where source_id = ?", ID);
        base = new OneCODataSimulator("/buh", "Document_РеализацияТоваровУслуг");
        base.putCatalogEntry("Catalog_Контрагенты", CLIENT, OneCODataSimulator.counterparty(CLIENT, "Орлова Вера", "+7 916 000-11-22", null));
        base.putCatalogEntry("Catalog_Номенклатура", ITEM, OneCODataSimulator.catalogItem(ITEM, "Кофе зерновой 1 кг", null, false));
        server = base.start(12);
    }

    @AfterEach
    void stop() {
        server.stop();
        jdbc.execute("drop trigger if exists refuse_receipt on receipt");
    }

    @Test
    void shouldEndWithExactlyTheBasesDocumentsWhenAPollStoppedHalfWayIsTakenUpByANewProcess() throws Exception {
        for (int i = 1; i <= 7; i++) {
            add(i, "2025-01-05T1" + i + ":00:00");
        }
        // page 3 is on its way when the hub stops
        base.beforePage(4, () -> sleep(10_000));
        AtomicReference<PollOutcome> stopped = new AtomicReference<>();
        Thread poll = new Thread(() -> stopped.set(source().poll("test")), "poll-before-restart");
        poll.start();
        awaitWatermark("2025-01-05T14:00");
        poll.interrupt();
        poll.join(10_000);

        assertThat(stopped.get().succeeded()).isFalse();
        assertThat(storedKeys()).containsExactlyInAnyOrderElementsOf(keys(1, 2, 3, 4));

        // a new process: a new source object over the same store
        PollOutcome after = source().poll("test");

        assertThat(after.succeeded()).as(after.message()).isTrue();
        assertExactlyTheBase();
    }

    @Test
    void shouldEndWithExactlyTheBasesDocumentsWhenDocumentsArriveBetweenPageRequests() {
        for (int i = 1; i <= 5; i++) {
            add(i, "2025-01-05T1" + i + ":00:00");
        }
        // between page 1 and page 2: one document dated inside the range already read, one after it
        base.beforePage(2, () -> {
            add(8, "2025-01-05T11:30:00");
            add(9, "2025-01-05T18:00:00");
        });

        PollOutcome first = source().poll("test");
        PollOutcome next = source().poll("test");

        assertThat(first.succeeded()).as(first.message()).isTrue();
        assertThat(next.succeeded()).as(next.message()).isTrue();
        assertExactlyTheBase();
        // the shifted page read one document twice: the second time it was unchanged, not a new receipt
        assertThat(jdbc.queryForObject("select inserted from import_run where id = ?", Long.class, first.runId())).isEqualTo(6);
    }

    @Test
    void shouldLeaveTheWatermarkAtTheLastStoredPageWhenTheStoreFailsAfterSomePages() {
        for (int i = 1; i <= 7; i++) {
            add(i, "2025-01-05T1" + i + ":00:00");
        }
        // the store refuses one receipt of page 3 (as a full disk or a broken constraint would)
        jdbc.execute("create or replace function refuse_receipt() returns trigger language plpgsql as $$ begin "
                + "if new.natural_key = '" + key(5) + "' then raise exception 'store refused %', new.natural_key; end if; "
                + "return new; end $$");
        jdbc.execute("create trigger refuse_receipt before insert on receipt for each row execute function refuse_receipt()");

        PollOutcome failed = source().poll("test");

        assertThat(failed.succeeded()).isFalse();
        assertThat(jdbc.queryForObject("select watermark from source_state where source_id = ?", String.class, ID))
                .isEqualTo("2025-01-05T14:00");
        // nothing of page 3, not even its other document
        assertThat(storedKeys()).containsExactlyInAnyOrderElementsOf(keys(1, 2, 3, 4));
        assertThat(jdbc.queryForObject("select status from import_run where id = ?", String.class, failed.runId())).isEqualTo("failed");
        StoreAssertions.assertRunsAddUp(jdbc);

        jdbc.execute("drop trigger refuse_receipt on receipt");
        PollOutcome next = source().poll("test");

        assertThat(next.succeeded()).as(next.message()).isTrue();
        assertExactlyTheBase();
    }

    @Test
    void shouldStoreThePagesReadWhileItWroteTheLastOnesInOneTransactionWithTheWatermarkTheyReach() {
        for (int i = 1; i <= 6; i++) {
            add(i, "2025-01-05T1" + i + ":00:00");
        }
        // page 2 answers a second late, so page 1 is stored on its own; writing it takes four seconds, time
        // enough to read pages 2 and 3; the store refuses document 5
        base.beforePage(2, () -> sleep(1_000));
        jdbc.execute("create or replace function refuse_receipt() returns trigger language plpgsql as $$ begin "
                + "if new.natural_key = '" + key(1) + "' then perform pg_sleep(4); end if; "
                + "if new.natural_key = '" + key(5) + "' then raise exception 'store refused %', new.natural_key; end if; "
                + "return new; end $$");
        jdbc.execute("create trigger refuse_receipt before insert on receipt for each row execute function refuse_receipt()");

        // up to four documents a transaction: pages 2 and 3 (documents 3-6) are one, document 5 takes the other three with it
        PollOutcome failed = source(false, 4).poll("test");

        assertThat(failed.succeeded()).isFalse();
        assertThat(storedKeys()).containsExactlyInAnyOrderElementsOf(keys(1, 2));
        assertThat(jdbc.queryForObject("select watermark from source_state where source_id = ?", String.class, ID))
                .isEqualTo("2025-01-05T12:00");
        StoreAssertions.assertRunsAddUp(jdbc);
    }

    @Test
    void shouldStoreWhatItReadWhileTheBaseIsSlowToAnswerTheNextPage() throws Exception {
        for (int i = 1; i <= 4; i++) {
            add(i, "2025-01-05T1" + i + ":00:00");
        }
        base.beforePage(2, () -> sleep(5_000));

        // up to four documents a transaction, but page 1 is not kept waiting for page 2
        AtomicReference<PollOutcome> outcome = new AtomicReference<>();
        Thread poll = new Thread(() -> outcome.set(source(false, 4).poll("test")), "poll-of-a-slow-base");
        poll.start();
        awaitWatermark("2025-01-05T12:00");

        assertThat(storedKeys()).containsExactlyInAnyOrderElementsOf(keys(1, 2));
        assertThat(outcome.get()).as("the poll still waits for page 2").isNull();
        poll.join(30_000);
        assertThat(outcome.get().succeeded()).as(outcome.get().message()).isTrue();
        assertExactlyTheBase();
    }

    @Test
    void shouldLeaveOutDocumentsWhoseDataVersionItAlreadyStoredAndStoreTheChangedOne() {
        for (int i = 1; i <= 3; i++) {
            add(i, "2025-01-05T1" + i + ":00:00");
        }
        OneCSource versioned = source(true);
        assertThat(versioned.poll("test").succeeded()).isTrue();
        // document 2 is changed in 1C: a new amount and a new version stamp
        base.putDocument(key(2), "2025-01-05T12:00:00", OneCODataSimulator.document(key(2), "0000-000002", "2025-01-05T12:00:00",
                CLIENT, "700", List.of(new OneCODataSimulator.Line(ITEM, "1", "700", "700")), List.of())
                .replace("AAAACgAAAAA=", "AAAAFQAAAAA="));

        PollOutcome again = versioned.poll("test");

        assertThat(again.succeeded()).as(again.message()).isTrue();
        assertThat(again.message()).contains("без изменений по DataVersion 2");
        assertThat(jdbc.queryForObject("select updated from import_run where id = ?", Long.class, again.runId())).isEqualTo(1);
        assertThat(jdbc.queryForObject("select rows_read from import_run where id = ?", Long.class, again.runId())).isEqualTo(1);
        assertThat(jdbc.queryForObject("select total from receipt where natural_key = ?", java.math.BigDecimal.class, key(2)))
                .isEqualByComparingTo("700");
        assertExactlyTheBase();
    }

    @Test
    void shouldStillLeaveOutUnchangedDocumentsAfterARestartBecauseTheirVersionsAreStoredWithThem() {
        for (int i = 1; i <= 3; i++) {
            add(i, "2025-01-05T1" + i + ":00:00");
        }
        assertThat(source(true).poll("test").succeeded()).isTrue();
        assertThat(jdbc.queryForObject("select count(*) from source_document_version where source_id = ?", Integer.class, ID))
                .isEqualTo(3);
        base.putDocument(key(2), "2025-01-05T12:00:00", OneCODataSimulator.document(key(2), "0000-000002", "2025-01-05T12:00:00",
                CLIENT, "700", List.of(new OneCODataSimulator.Line(ITEM, "1", "700", "700")), List.of())
                .replace("AAAACgAAAAA=", "AAAAFQAAAAA="));

        // a new process: a new source object, nothing in memory from the first poll
        PollOutcome afterRestart = source(true).poll("test");

        assertThat(afterRestart.succeeded()).as(afterRestart.message()).isTrue();
        assertThat(afterRestart.message()).contains("без изменений по DataVersion 2");
        assertThat(jdbc.queryForObject("select rows_read from import_run where id = ?", Long.class, afterRestart.runId())).isEqualTo(1);
        assertThat(jdbc.queryForObject("select data_version from source_document_version where source_id = ? and document_key = ?",
                String.class, ID, key(2))).isEqualTo("AAAAFQAAAAA=");
        assertExactlyTheBase();
    }

    @Test
    void shouldNotRememberTheVersionsOfAPageTheStoreRefused() {
        for (int i = 1; i <= 3; i++) {
            add(i, "2025-01-05T1" + i + ":00:00");
        }
        jdbc.execute("create or replace function refuse_receipt() returns trigger language plpgsql as $$ begin "
                + "if new.natural_key = '" + key(3) + "' then raise exception 'store refused %', new.natural_key; end if; "
                + "return new; end $$");
        jdbc.execute("create trigger refuse_receipt before insert on receipt for each row execute function refuse_receipt()");

        assertThat(source(true).poll("test").succeeded()).isFalse();

        // page 1 (documents 1 and 2) committed with its versions; page 2 rolled back with its own
        assertThat(jdbc.queryForList("select document_key from source_document_version where source_id = ?", String.class, ID))
                .containsExactlyInAnyOrderElementsOf(keys(1, 2));
        jdbc.execute("drop trigger refuse_receipt on receipt");
        PollOutcome next = source(true).poll("test");
        assertThat(next.succeeded()).as(next.message()).isTrue();
        assertThat(next.message()).contains("без изменений по DataVersion 2");
        assertExactlyTheBase();
    }

    private void assertExactlyTheBase() {
        assertThat(storedKeys()).containsExactlyInAnyOrderElementsOf(base.documentKeys());
        assertThat(jdbc.queryForObject("select count(*) from receipt_line", Integer.class)).isEqualTo(base.documentKeys().size());
        StoreAssertions.assertStatsExact(jdbc);
        StoreAssertions.assertRunsAddUp(jdbc);
    }

    /**
     * A source as a freshly started hub builds it: two documents a page, each page its own
     * transaction (so the tests see the watermark move page by page), a day of overlap (the
     * default is two): documents that arrive late with an earlier date are found again by the next
     * poll as long as the overlap reaches back to their date.
     */
    private OneCSource source() {
        return source(false);
    }

    private OneCSource source(boolean skipUnchangedVersions) {
        return source(skipUnchangedVersions, 2);
    }

    private OneCSource source(boolean skipUnchangedVersions, int storeBatch) {
        OneCSettings settings = new OneCSettings(ID, "http://localhost:" + server.port() + "/buh", "odata", "HUB_TEST_1C_PASSWORD",
                "Document_РеализацияТоваровУслуг", "Catalog_Контрагенты", OneCFields.defaults(), 2, Duration.ofDays(1),
                LocalDateTime.parse("2025-01-01T00:00:00"), false, ZoneId.of("Europe/Moscow"), null, true, skipUnchangedVersions, 40, storeBatch, 4);
        SourceHttp http = new SourceHttp(Duration.ofSeconds(2), Duration.ofSeconds(30), 1,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(20)));
        return new OneCSource(settings, () -> "secret", http, store);
    }

    private void add(int n, String date) {
        base.putDocument(key(n), date, OneCODataSimulator.document(key(n), "0000-00000" + n, date, CLIENT, "500",
                List.of(new OneCODataSimulator.Line(ITEM, "1", "500", "500")), List.of()));
    }

    private static String key(int n) {
        return String.format("%08x-6332-11ec-ad72-000c29b45b09", n);
    }

    private static List<String> keys(int... ns) {
        List<String> keys = new ArrayList<>();
        for (int n : ns) {
            keys.add(key(n));
        }
        return keys;
    }

    private List<String> storedKeys() {
        return jdbc.queryForList("select natural_key from receipt where source = ?", String.class, ID);
    }

    private void awaitWatermark(String expected) throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < until) {
            List<String> mark = jdbc.queryForList("select watermark from source_state where source_id = ?", String.class, ID);
            if (!mark.isEmpty() && expected.equals(mark.get(0))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the poll did not store up to " + expected + " in time");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
