package org.repeatsales.hub.bench;

import static org.repeatsales.hub.bench.BenchSupport.deleteRecursively;
import static org.repeatsales.hub.bench.BenchSupport.peakHeapMb;
import static org.repeatsales.hub.bench.BenchSupport.resetPeakHeap;
import static org.repeatsales.hub.bench.BenchSupport.seconds;

import java.io.BufferedWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Locale;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.repeatsales.hub.HubApplication;
import org.repeatsales.hub.imports.ImportReport;
import org.repeatsales.hub.imports.ImportService;
import org.repeatsales.hub.ingest.FileFormat;
import org.repeatsales.hub.ingest.demo.SalesGenerator;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The import benchmark: generates a 1C-style CSV (1,000,000 receipt lines, about 100,000 clients
 * by default), loads it with PostgreSQL's own COPY into a plain table (the reference), imports it
 * through the hub's real import path into a fresh embedded PostgreSQL, imports it again, and
 * prints rates and ratios side by side. Run with the heap capped: {@code bin/hub bench-import}
 * uses -Xmx512m.
 *
 * <p>Options: {@code --rows N}, {@code --clients N}, {@code --dir PATH} (work folder, default
 * target/bench), {@code --keep} (keep the database and file).
 */
public final class ImportBenchmark {

    private ImportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        int clients = 100_000;
        Path dir = Path.of("target", "bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i].replace("_", ""));
                case "--clients" -> clients = Integer.parseInt(args[++i].replace("_", ""));
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("Unknown option " + args[i] + "; known: --rows N --clients N --dir PATH");
            }
        }
        deleteRecursively(dir);
        Files.createDirectories(dir);
        Path csv = dir.resolve("bench-sales.csv");

        long t0 = System.nanoTime();
        SalesGenerator.GeneratedSummary generated;
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            generated = SalesGenerator.write(new SalesGenerator.Settings(clients, 365, LocalDate.of(2025, 12, 31), 42L, rows), out);
        }
        double generateSeconds = seconds(t0);
        System.out.printf(Locale.ROOT, "generated %s: %d rows, %d receipts, %d clients, %.1f MB in %.1f s%n",
                csv, generated.rows(), generated.receipts(), generated.clients(), Files.size(csv) / 1e6, generateSeconds);

        try (ConfigurableApplicationContext hub = new SpringApplicationBuilder(HubApplication.class)
                .web(WebApplicationType.NONE)
                // command-line arguments, so they win over config/application.yml and the environment
                .run("--hub.data-dir=" + dir.resolve("data"), "--hub.inbox.enabled=false", "--hub.demo.enabled=false",
                        "--hub.db.url=", "--hub.admin-password=bench", "--logging.level.org.repeatsales.hub.imports=WARN",
                        "--logging.level.org.repeatsales.hub.imports.ImportService=DEBUG")) {
            DataSource store = hub.getBean(DataSource.class);
            ImportService imports = hub.getBean(ImportService.class);

            long copyRows;
            t0 = System.nanoTime();
            try (Connection c = store.getConnection(); Statement st = c.createStatement();
                 Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
                st.execute("create table bench_copy (purchased text, receipt_number text, buyer text, phone text, email text,"
                        + " item text, category text, quantity text, price text, amount text)");
                copyRows = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                        "COPY bench_copy FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)", in);
            }
            double copySeconds = seconds(t0);
            Floor floor = floor(store, dir);

            resetPeakHeap();
            t0 = System.nanoTime();
            ImportReport first = imports.importFile(new ImportService.ImportRequest(csv, csv.getFileName().toString(), "bench",
                    FileFormat.CSV, "1c-retail"));
            double firstSeconds = seconds(t0);
            long firstHeap = peakHeapMb();
            check(first);

            resetPeakHeap();
            t0 = System.nanoTime();
            ImportReport again = imports.importFile(new ImportService.ImportRequest(csv, csv.getFileName().toString(), "bench",
                    FileFormat.CSV, "1c-retail"));
            double againSeconds = seconds(t0);
            long againHeap = peakHeapMb();
            check(again);

            long maxHeap = Runtime.getRuntime().maxMemory() / (1024 * 1024);
            System.out.println();
            System.out.printf(Locale.ROOT, "%-34s %10s %9s %12s %8s%n", "run", "rows", "seconds", "rows/s", "ratio");
            System.out.printf(Locale.ROOT, "%-34s %10d %9.2f %12.0f %8s%n", "reference: COPY into plain table", copyRows, copySeconds,
                    copyRows / copySeconds, "1.00");
            System.out.printf(Locale.ROOT, "%-34s %10d %9.2f %12.0f %8.2f%n", "floor: COPY into receipt tables", floor.lines(),
                    floor.seconds(), floor.lines() / floor.seconds(), (floor.lines() / floor.seconds()) / (copyRows / copySeconds));
            System.out.printf(Locale.ROOT, "%-34s %10d %9.2f %12.0f %8.2f%n", "hub import (first)", first.rowsRead(), firstSeconds,
                    first.rowsRead() / firstSeconds, (first.rowsRead() / firstSeconds) / (copyRows / copySeconds));
            System.out.printf(Locale.ROOT, "%-34s %10d %9.2f %12.0f %8.2f%n", "hub re-import (same file)", again.rowsRead(), againSeconds,
                    again.rowsRead() / againSeconds, (again.rowsRead() / againSeconds) / (copyRows / copySeconds));
            System.out.println();
            System.out.printf(Locale.ROOT, "first import:  inserted %d, updated %d, unchanged %d, rejected %d; peak heap %d MB of %d MB%n",
                    first.inserted(), first.updated(), first.unchanged(), first.rejected(), firstHeap, maxHeap);
            System.out.printf(Locale.ROOT, "re-import:     inserted %d, updated %d, unchanged %d, rejected %d; peak heap %d MB of %d MB%n",
                    again.inserted(), again.updated(), again.unchanged(), again.rejected(), againHeap, maxHeap);
            System.out.printf(Locale.ROOT, "target: import >= 0.50 of COPY's rate -> %.2f (%s); re-import not slower than first -> %.2fx (%s)%n",
                    (first.rowsRead() / firstSeconds) / (copyRows / copySeconds),
                    (first.rowsRead() / firstSeconds) / (copyRows / copySeconds) >= 0.5 ? "met" : "NOT met",
                    firstSeconds / againSeconds, againSeconds <= firstSeconds ? "met" : "NOT met");
        }
    }

    /** How long the store's own indexed receipt tables take to load the same rows, already in their final form. */
    private record Floor(long receipts, long lines, double seconds) {
    }

    /**
     * The floor under any import: the file's receipts and lines, shaped into rows of the hub's receipt
     * and receipt_line tables beforehand (outside the clock: no parsing, no identities, no statistics),
     * COPYed into empty tables built {@code like} them with all their indexes and constraints. What
     * the hub's import spends above this is its own work; what this spends above the plain-table
     * reference is the store's indexes. Receipts carry no client here, so the client foreign key's
     * check (which the import pays) is not in the floor. The tables are dropped afterwards.
     */
    private static Floor floor(DataSource store, Path dir) throws Exception {
        Path receiptRows = dir.resolve("floor-receipts.tsv");
        Path lineRows = dir.resolve("floor-lines.tsv");
        try (Connection c = store.getConnection(); Statement st = c.createStatement()) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            st.execute("create temp table bench_floor_source as select row_number() over () as n, * from bench_copy");
            try (Writer out = Files.newBufferedWriter(receiptRows, StandardCharsets.UTF_8)) {
                copy.copyOut("COPY (select dense_rank() over (order by receipt_number), '1c-retail', min(purchased) || '|' || receipt_number,"
                        + " null, to_timestamp(min(purchased), 'DD.MM.YYYY HH24:MI:SS'),"
                        + " sum(replace(replace(amount, ' ', ''), ',', '.')::numeric), 0, null, null, false,"
                        + " md5(string_agg(item || amount, '|')), null"
                        + " from bench_floor_source group by receipt_number order by min(n)) TO STDOUT", out);
            }
            try (Writer out = Files.newBufferedWriter(lineRows, StandardCharsets.UTF_8)) {
                copy.copyOut("COPY (select dense_rank() over (order by receipt_number),"
                        + " row_number() over (partition by receipt_number order by n), item, category,"
                        + " replace(quantity, ',', '.')::numeric, replace(replace(price, ' ', ''), ',', '.')::numeric,"
                        + " replace(replace(amount, ' ', ''), ',', '.')::numeric"
                        + " from bench_floor_source order by n) TO STDOUT", out);
            }
            st.execute("drop table bench_floor_source");
            st.execute("create table bench_floor_receipt (like receipt including all)");
            st.execute("create table bench_floor_line (like receipt_line including all)");
            long t0 = System.nanoTime();
            long receipts;
            long lines;
            try (Reader in = Files.newBufferedReader(receiptRows, StandardCharsets.UTF_8)) {
                receipts = copy.copyIn("COPY bench_floor_receipt (id, source, natural_key, client_id, purchased_at, total,"
                        + " discount, payment, point_of_sale, is_refund, content_hash, import_run_id) FROM STDIN", in);
            }
            try (Reader in = Files.newBufferedReader(lineRows, StandardCharsets.UTF_8)) {
                lines = copy.copyIn("COPY bench_floor_line (receipt_id, line_no, item, category, quantity, price, amount)"
                        + " FROM STDIN", in);
            }
            double seconds = seconds(t0);
            st.execute("drop table bench_floor_receipt");
            st.execute("drop table bench_floor_line");
            return new Floor(receipts, lines, seconds);
        } finally {
            Files.deleteIfExists(receiptRows);
            Files.deleteIfExists(lineRows);
        }
    }

    private static void check(ImportReport report) {
        if (!report.succeeded()) {
            throw new IllegalStateException("Benchmark import failed: " + report.message());
        }
    }
}
