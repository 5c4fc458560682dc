package org.repeatsales.hub.bench;

import static org.repeatsales.hub.bench.BenchSupport.deleteRecursively;
import static org.repeatsales.hub.bench.BenchSupport.peakHeapMb;
import static org.repeatsales.hub.bench.BenchSupport.resetPeakHeap;
import static org.repeatsales.hub.bench.BenchSupport.seconds;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.repeatsales.hub.HubApplication;
import org.repeatsales.hub.imports.ImportReport;
import org.repeatsales.hub.imports.ImportService;
import org.repeatsales.hub.ingest.FileFormat;
import org.repeatsales.hub.routes.sources.PollOutcome;
import org.repeatsales.hub.sources.LiveSources;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The live-source benchmark: a 1C base of 100,000 generated sales documents (counterparties,
 * goods lines from a catalog, services) served through the standard OData interface by a peer
 * process of its own ({@link OneCPeer}, as a real 1C runs on its own server), polled by the hub's
 * real 1C source into an empty store, beside the file import of the same receipts as a 1C retail
 * CSV (the reference), both in one run on one fresh embedded PostgreSQL. Each channel runs once
 * untimed, then in timed rounds of one file import and one poll each, the store emptied (and
 * checkpointed) before each run. Prints receipts, lines, the median seconds and rates, each round's
 * times and ratio, and judges the target by the median of the rounds' ratios. Run with the heap capped: {@code bin/hub bench-sources}
 * uses -Xmx512m (the peer has its own heap).
 *
 * <p>Options: {@code --documents N}, {@code --counterparties N}, {@code --page-size N} (the
 * source's $top), {@code --rounds N} (timed rounds, default 5), {@code --dir PATH} (work folder,
 * default target/bench-sources).
 */
public final class SourceBenchmark {

    private static final String SOURCE = "bench-1c";
    private static final long SEED = 42L;
    /** The peer's own heap: the answers it remembers (about 1.5 KB a document) stay out of the hub's. */
    private static final int PEER_HEAP_MB = 1024;

    private SourceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int documents = 100_000;
        int counterparties = 20_000;
        int pageSize = 500;
        int rounds = 5;
        Path dir = Path.of("target", "bench-sources");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--documents" -> documents = Integer.parseInt(args[++i].replace("_", ""));
                case "--counterparties" -> counterparties = Integer.parseInt(args[++i].replace("_", ""));
                case "--page-size" -> pageSize = Integer.parseInt(args[++i].replace("_", ""));
                case "--rounds" -> rounds = Math.max(1, Integer.parseInt(args[++i]));
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("Unknown option " + args[i]
                        + "; known: --documents N --counterparties N --page-size N --rounds N --dir PATH");
            }
        }
        deleteRecursively(dir);
        Files.createDirectories(dir);

        // the peer starts (and builds its catalogs) while this process writes the CSV
        OneCPeer onec = OneCPeer.start(documents, counterparties, SEED, PEER_HEAP_MB);
        try {
            run(onec, documents, counterparties, pageSize, rounds, dir);
        } finally {
            onec.stop();
        }
    }

    private static void run(OneCPeer onec, int documents, int counterparties, int pageSize, int rounds, Path dir)
            throws Exception {
        OneCBenchBase data = new OneCBenchBase(documents, counterparties, SEED);
        Path csv = dir.resolve("bench-1c-sales.csv");
        long t0 = System.nanoTime();
        long csvRows;
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            csvRows = data.writeCsv(out);
        }
        System.out.printf(Locale.ROOT, "generated a 1C base of %d documents (%d counterparties, %d items) and %s: %d rows, %.1f MB in %.1f s%n",
                documents, counterparties, OneCBenchBase.ITEMS, csv, csvRows, Files.size(csv) / 1e6, seconds(t0));
        System.out.println(onec + ", heap " + PEER_HEAP_MB + " MB");

        try (ConfigurableApplicationContext hub = new SpringApplicationBuilder(HubApplication.class)
                .web(WebApplicationType.NONE)
                .run("--hub.data-dir=" + dir.resolve("data"), "--hub.inbox.enabled=false", "--hub.demo.enabled=false",
                        "--hub.db.url=", "--hub.admin-password=bench", "--hub.segments.auto-refresh=false",
                        "--logging.level.org.repeatsales.hub.imports=WARN",
                        "--logging.level.org.repeatsales.hub.imports.ImportService=DEBUG",
                        "--logging.level.org.repeatsales.hub.imports.SourceRun=DEBUG",
                        "--logging.level.org.repeatsales.hub.routes.onec.OneCSource=DEBUG",
                        "--hub.sources." + SOURCE + ".base-url=http://localhost:" + onec.port() + "/buh",
                        "--hub.sources." + SOURCE + ".user=odata",
                        "--hub.sources." + SOURCE + ".password-env=HUB_BENCH_1C_PASSWORD", "--HUB_BENCH_1C_PASSWORD=bench",
                        "--hub.sources." + SOURCE + ".page-size=" + pageSize,
                        "--hub.sources." + SOURCE + ".since=2024-12-31T00:00:00",
                        "--hub.sources." + SOURCE + ".first-poll-delay=1000d",
                        "--hub.sources." + SOURCE + ".poll-period=1000d")) {
            ImportService imports = hub.getBean(ImportService.class);
            LiveSources sources = hub.getBean(LiveSources.class);
            JdbcTemplate jdbc = new JdbcTemplate(hub.getBean(javax.sql.DataSource.class));
            ImportService.ImportRequest request = new ImportService.ImportRequest(csv, csv.getFileName().toString(), "bench",
                    FileFormat.CSV, "1c-retail");

            // Each channel runs once untimed into the empty store first: the JIT has compiled the hub's
            // code for both, and the peer has rendered every answer once and serves it from memory after.
            t0 = System.nanoTime();
            checked(imports.importFile(request));
            double fileWarmUp = seconds(t0);
            empty(jdbc);
            t0 = System.nanoTime();
            checked(sources.poll(SOURCE, "bench"));
            double pollWarmUp = seconds(t0);
            empty(jdbc);
            // and once more: the first poll had the peer render every answer, the timed ones have it
            // serve them from memory, a path that must be warm too or the first timed round pays for it
            t0 = System.nanoTime();
            checked(sources.poll(SOURCE, "bench"));
            double pollWarmUpAgain = seconds(t0);
            empty(jdbc);

            // Then timed rounds of one file import and one poll each: single runs of a few seconds on a
            // shared 2-core machine vary by a fifth, so the ratio is taken of the median times.
            double[] fileTimes = new double[rounds];
            double[] pollTimes = new double[rounds];
            long fileHeap = 0;
            long pollHeap = 0;
            ImportReport file = null;
            PollOutcome poll = null;
            long fileReceipts = 0;
            long fileLines = 0;
            long pollReceipts = 0;
            long pollLines = 0;
            long clients = 0;
            OneCPeer.Stats before = null;
            OneCPeer.Stats after = null;
            for (int round = 0; round < rounds; round++) {
                resetPeakHeap();
                t0 = System.nanoTime();
                file = checked(imports.importFile(request));
                fileTimes[round] = seconds(t0);
                fileHeap = Math.max(fileHeap, peakHeapMb());
                fileReceipts = count(jdbc, "select count(*) from receipt");
                fileLines = count(jdbc, "select count(*) from receipt_line");
                empty(jdbc);

                before = onec.stats();
                resetPeakHeap();
                t0 = System.nanoTime();
                poll = checked(sources.poll(SOURCE, "bench"));
                pollTimes[round] = seconds(t0);
                pollHeap = Math.max(pollHeap, peakHeapMb());
                after = onec.stats();
                pollReceipts = count(jdbc, "select count(*) from receipt");
                pollLines = count(jdbc, "select count(*) from receipt_line");
                clients = count(jdbc, "select count(*) from client");
                empty(jdbc);
            }
            double fileSeconds = median(fileTimes);
            double pollSeconds = median(pollTimes);

            long maxHeap = Runtime.getRuntime().maxMemory() / (1024 * 1024);
            System.out.println();
            System.out.printf(Locale.ROOT, "%-40s %9s %9s %9s %12s %8s   %s%n", "run (median of " + rounds + " rounds)", "receipts", "lines",
                    "seconds", "receipts/s", "time x", "rounds, s");
            System.out.printf(Locale.ROOT, "%-40s %9d %9d %9.2f %12.0f %8s   %s%n", "reference: file import of the CSV", fileReceipts,
                    fileLines, fileSeconds, fileReceipts / fileSeconds, "1.00", list(fileTimes));
            System.out.printf(Locale.ROOT, "%-40s %9d %9d %9.2f %12.0f %8.2f   %s%n", "1C poll over OData (WireMock), page " + pageSize,
                    pollReceipts, pollLines, pollSeconds, pollReceipts / pollSeconds, pollSeconds / fileSeconds, list(pollTimes));
            System.out.println();
            StringBuilder perRound = new StringBuilder();
            double[] ratios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                ratios[round] = pollTimes[round] / fileTimes[round];
                perRound.append(String.format(Locale.ROOT, "%s%.2fx", round == 0 ? "" : ", ", ratios[round]));
            }
            // each round's poll against the file import just before it (the machine's speed drifts
            // within a run): the target is judged by the median of these paired ratios
            double ratio = median(ratios);
            System.out.printf(Locale.ROOT, "ratio in each round: %s; median %.2fx%n", perRound, ratio);
            System.out.printf(Locale.ROOT, "warm-up runs (untimed in the table): file import %.2f s, poll %.2f s (the peer rendering each answer)"
                    + " and %.2f s (the peer serving them from memory)%n", fileWarmUp, pollWarmUp, pollWarmUpAgain);
            System.out.printf(Locale.ROOT, "file import: %d rows, peak heap %d MB of %d MB%n", file.rowsRead(), fileHeap, maxHeap);
            System.out.printf(Locale.ROOT, "1C poll:     %d document requests, %d catalog requests, %d clients; %s; peak heap %d MB of %d MB%n",
                    after.documentRequests() - before.documentRequests(), after.catalogRequests() - before.catalogRequests(),
                    clients, poll.message(), pollHeap, maxHeap);
            System.out.printf(Locale.ROOT, "1C peer:     its own process, %.1f MB of answers remembered%n", after.rememberedBytes() / 1e6);
            System.out.printf(Locale.ROOT, "target: the poll within 1.5x of the file import's time -> %.2fx, the median of the"
                    + " rounds' ratios (%s)%n", ratio, ratio <= 1.5 ? "met" : "NOT met");
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String list(double[] values) {
        StringBuilder out = new StringBuilder();
        for (double v : values) {
            out.append(out.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f", v));
        }
        return out.toString();
    }

    private static ImportReport checked(ImportReport report) {
        if (!report.succeeded() || report.rejected() > 0) {
            throw new IllegalStateException("Benchmark file import failed: " + report.message() + ", rejected " + report.rejected());
        }
        return report;
    }

    private static PollOutcome checked(PollOutcome poll) {
        if (!poll.succeeded()) {
            throw new IllegalStateException("Benchmark poll failed: " + poll.message());
        }
        return poll;
    }

    /** Empties what a run filled, the watermark included, so the next run starts from the same empty store. */
    private static void empty(JdbcTemplate jdbc) {
        jdbc.execute("truncate client, client_identity, receipt, receipt_line, client_stats, rejected_row, source_state,"
                + " source_document_version restart identity cascade");
        jdbc.execute("vacuum analyze");
        // the previous run's writes flushed now, not by a checkpoint that falls into the next timed run
        jdbc.execute("checkpoint");
    }

    private static long count(JdbcTemplate jdbc, String sql) {
        Long n = jdbc.queryForObject(sql, Long.class);
        return n == null ? 0 : n;
    }
}
