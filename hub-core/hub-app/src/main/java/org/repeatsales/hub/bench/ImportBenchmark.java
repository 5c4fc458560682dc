package org.repeatsales.hub.bench;

import static org.repeatsales.hub.bench.BenchSupport.deleteRecursively;
import static org.repeatsales.hub.bench.BenchSupport.peakHeapMb;
import static org.repeatsales.hub.bench.BenchSupport.resetPeakHeap;
import static org.repeatsales.hub.bench.BenchSupport.seconds;

import java.io.BufferedWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Locale;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
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

    private static void check(ImportReport report) {
        if (!report.succeeded()) {
            throw new IllegalStateException("Benchmark import failed: " + report.message());
        }
    }
}
