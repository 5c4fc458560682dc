package org.repeatsales.hub.bench;

import static org.repeatsales.hub.bench.BenchSupport.deleteRecursively;
import static org.repeatsales.hub.bench.BenchSupport.peakHeapMb;
import static org.repeatsales.hub.bench.BenchSupport.resetPeakHeap;
import static org.repeatsales.hub.bench.BenchSupport.seconds;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.repeatsales.hub.HubApplication;
import org.repeatsales.hub.imports.ImportReport;
import org.repeatsales.hub.imports.ImportService;
import org.repeatsales.hub.ingest.FileFormat;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.PluginView;
import org.repeatsales.hub.segment.SegmentRefresher;
import org.repeatsales.hub.segment.SegmentService;
import org.repeatsales.hub.segment.SegmentViews;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The segment benchmark: a fresh embedded store under {@code target/bench-segments} filled with
 * generated clients and receipts (set-based SQL), every bundled strategy plugin refreshed through
 * the hub's real refresh path, and one hand-written SQL query per strategy computing its cells as the
 * reference. Prints seconds, peak heap, the ratio to the references and whether the cells agree.
 */
public final class SegmentBenchmark {

    private SegmentBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clients = 1_000_000;
        int receiptsPerClient = 10;
        int dayReceipts = 10_000;
        Path dir = Path.of("target", "bench-segments");
        Path pluginZips = Path.of("plugins", "target", "dist");
        List<String> only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i].replace("_", ""));
                case "--receipts-per-client" -> receiptsPerClient = Integer.parseInt(args[++i]);
                case "--day-receipts" -> dayReceipts = Integer.parseInt(args[++i].replace("_", ""));
                case "--dir" -> dir = Path.of(args[++i]);
                case "--plugins" -> pluginZips = Path.of(args[++i]);
                case "--strategies" -> only = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("Unknown option " + args[i]
                        + "; known: --clients N --receipts-per-client N --day-receipts N --strategies ID,ID --dir PATH --plugins PATH");
            }
        }
        deleteRecursively(dir);
        Path plugins = Files.createDirectories(dir.resolve("data").resolve("plugins"));
        try (var zips = Files.newDirectoryStream(pluginZips, "*.zip")) {
            for (Path zip : zips) {
                Files.copy(zip, plugins.resolve(zip.getFileName()));
            }
        }

        try (ConfigurableApplicationContext hub = new SpringApplicationBuilder(HubApplication.class)
                .web(WebApplicationType.NONE)
                .run("--hub.data-dir=" + dir.resolve("data"), "--hub.inbox.enabled=false", "--hub.demo.enabled=false",
                        "--hub.db.url=", "--hub.admin-password=bench", "--hub.segments.auto-refresh=false")) {
            DataSource store = hub.getBean(DataSource.class);
            List<String> strategies = new ArrayList<>();
            for (PluginView p : hub.getBean(PluginRegistry.class).list()) {
                if (p.state() == PluginState.STARTED) {
                    strategies.addAll(p.strategies());
                } else {
                    System.out.printf("plugin %s: %s %s%n", p.id(), p.state(), p.reason());
                }
            }
            if (only != null) {
                // a shorter run on a busy machine: the strategies named, e.g. lifecycle,rfm for the references
                strategies.retainAll(only);
            }
            Instant asOf = Instant.parse("2026-01-01T09:00:00Z");
            System.out.printf(Locale.ROOT, "machine load average (1 min) at start: %.2f%n", loadAverage());

            long t0 = System.nanoTime();
            long receipts = generate(store, clients, receiptsPerClient, asOf);
            System.out.printf(Locale.ROOT, "generated %d clients, %d receipts in %.1f s%n", clients, receipts, seconds(t0));

            SegmentService segments = hub.getBean(SegmentService.class);
            SegmentRefresher refresher = hub.getBean(SegmentRefresher.class);
            Map<String, double[]> results = new LinkedHashMap<>();
            Map<String, Map<String, Long>> cellsOf = new LinkedHashMap<>();
            for (String strategy : strategies) {
                long id = segments.create("bench " + strategy, strategy, Map.of()).id();
                resetPeakHeap();
                t0 = System.nanoTime();
                SegmentViews.Refresh r = refresher.refresh(id, asOf);
                double first = seconds(t0);
                // again, as a scheduled refresh finds it: membership in place, nothing moves
                t0 = System.nanoTime();
                refresher.refresh(id, asOf);
                results.put(strategy, new double[] {first, peakHeapMb(), r.members(), seconds(t0)});
                cellsOf.put(strategy, memberCells(store, id));
            }
            Map<String, Reference> references = new LinkedHashMap<>();
            for (var e : REFERENCES.entrySet()) {
                if (results.containsKey(e.getKey())) {
                    references.put(e.getKey(), reference(store, e.getKey(), e.getValue().replace("$AS_OF", asOf.toString())));
                }
            }

            long maxHeap = Runtime.getRuntime().maxMemory() / (1024 * 1024);
            System.out.println();
            System.out.printf(Locale.ROOT, "%-14s %10s %9s %9s %8s %10s %7s  %s%n", "strategy", "members", "seconds", "again s", "peak MB",
                    "SQL ref s", "ratio", "cells vs reference");
            double[] sums = new double[3]; // first refreshes, again, references
            double[] referenced = new double[3]; // the same for lifecycle and rfm only
            for (var e : results.entrySet()) {
                Reference ref = references.get(e.getKey());
                double[] v = e.getValue();
                String cells = ref == null ? "-"
                        : !EXACT_REFERENCES.contains(e.getKey()) ? "not compared (groups differ)"
                        : ref.cells().equals(cellsOf.get(e.getKey())) ? "equal, " + ref.cells().size() + " cells"
                        : "DIFFER: strategy " + cellsOf.get(e.getKey()) + " reference " + ref.cells();
                System.out.printf(Locale.ROOT, "%-14s %10d %9.2f %9.2f %8.0f %10s %7s  %s%n", e.getKey(), (long) v[2], v[0], v[3], v[1],
                        ref == null ? "-" : String.format(Locale.ROOT, "%.2f", ref.seconds()),
                        ref == null ? "-" : String.format(Locale.ROOT, "%.2f", v[0] / ref.seconds()), cells);
                if (ref != null) {
                    double[] into = e.getKey().equals("lifecycle") || e.getKey().equals("rfm") ? referenced : null;
                    for (double[] sum : into == null ? List.of(sums) : List.of(sums, into)) {
                        sum[0] += v[0];
                        sum[1] += v[3];
                        sum[2] += ref.seconds();
                    }
                }
            }
            System.out.println();
            if (references.containsKey("lifecycle") && references.containsKey("rfm")) {
                System.out.printf(Locale.ROOT, "lifecycle + rfm: %.2f s vs hand-written SQL %.2f s -> %.2fx (again: %.2f s -> %.2fx)%n",
                        referenced[0], referenced[2], referenced[0] / referenced[2], referenced[1], referenced[1] / referenced[2]);
            }
            if (sums[2] > 0) {
                System.out.printf(Locale.ROOT, "each alone, all %d strategies with a reference: %.2f s vs hand-written SQL %.2f s -> %.2fx;"
                                + " again (membership in place): %.2f s -> %.2fx%n",
                        references.size(), sums[0], sums[2], sums[0] / sums[2], sums[1], sums[1] / sums[2]);
            }
            if (sums[2] > 0 && strategies.size() > 1) {
                cycle(segments, refresher, strategies, asOf, sums[2]);
            }
            System.out.printf(Locale.ROOT, "heap limit %d MB%n", maxHeap);
            System.out.printf(Locale.ROOT, "machine load average (1 min) after the refreshes: %.2f%n", loadAverage());

            if (strategies.contains("lifecycle") && strategies.contains("rfm")) {
                dayAfter(hub, dir, asOf, clients, dayReceipts);
            }
        }
    }

    /**
     * All strategies in one refresh cycle, as the hub's own refresh runs them (after imports and at the
     * refresh cron): one read of the store for all, window sums shared; on new segments, then again.
     */
    private static void cycle(SegmentService segments, SegmentRefresher refresher, List<String> strategies, Instant asOf,
                              double references) {
        List<Long> ids = new ArrayList<>();
        for (String strategy : strategies) {
            ids.add(segments.create("cycle " + strategy, strategy, Map.of()).id());
        }
        resetPeakHeap();
        long t0 = System.nanoTime();
        List<SegmentRefresher.Outcome> first = refresher.refreshAll(ids, asOf);
        double firstSeconds = seconds(t0);
        t0 = System.nanoTime();
        List<SegmentRefresher.Outcome> again = refresher.refreshAll(ids, asOf);
        double againSeconds = seconds(t0);
        for (SegmentRefresher.Outcome o : first) {
            if (o.failure() != null) {
                throw new IllegalStateException("The cycle's refresh of segment " + o.segmentId() + " failed", o.failure());
            }
        }
        System.out.printf(Locale.ROOT, "all %d strategies together, one refresh cycle as the hub runs them: %.2f s vs"
                        + " hand-written SQL %.2f s -> %.2fx (target 1.5x); again: %.2f s -> %.2fx; peak heap %d MB; %d failed%n",
                strategies.size(), firstSeconds, references, firstSeconds / references, againSeconds, againSeconds / references,
                peakHeapMb(), again.stream().filter(o -> o.failure() != null).count());
    }

    /**
     * An ordinary day: a day's receipts imported through the real import path, then the refresh that
     * follows it for the per-client strategies, which reads only the clients the day touched or
     * moved across a day boundary.
     */
    private static void dayAfter(ConfigurableApplicationContext hub, Path dir, Instant asOf, int clients, int receipts)
            throws Exception {
        SegmentService segments = hub.getBean(SegmentService.class);
        SegmentRefresher refresher = hub.getBean(SegmentRefresher.class);
        long lifecycle = segments.create("day lifecycle", "lifecycle", Map.of()).id();
        long rfm = segments.create("day rfm thresholds", "rfm", Map.of("mode", "thresholds")).id();
        for (long id : List.of(lifecycle, rfm)) {
            refresher.refresh(id, asOf, SegmentRefresher.Mode.FULL);
        }

        // the day after asOf, 10:00 to 20:00 in Moscow, for random known clients (by phone)
        Path csv = dir.resolve("day.csv");
        java.util.Random random = new java.util.Random(7);
        java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm")
                .withZone(java.time.ZoneId.of("Europe/Moscow"));
        try (var out = Files.newBufferedWriter(csv, java.nio.charset.StandardCharsets.UTF_8)) {
            out.write("Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Скидка;Сумма;Вид операции;Категория\n");
            for (int i = 0; i < receipts; i++) {
                int client = 1 + random.nextInt(clients);
                Instant at = asOf.plus(java.time.Duration.ofHours(1 + random.nextInt(10))).plusSeconds(random.nextInt(3600));
                int amount = 100 + random.nextInt(4900);
                out.write(format.format(at) + ";DAY-" + i + ";Клиент " + client + ";" + phone(client) + ";;Товар;1;" + amount
                        + ";0;" + amount + ";Продажа;Разное\n");
            }
        }
        long t0 = System.nanoTime();
        ImportReport imported = hub.getBean(ImportService.class).importFile(
                new ImportService.ImportRequest(csv, csv.getFileName().toString(), "bench-day", FileFormat.CSV, null));
        double importSeconds = seconds(t0);
        if (!imported.succeeded() || imported.rejected() > 0) {
            throw new IllegalStateException("The day's import did not store every receipt: " + imported);
        }
        Instant nextDay = asOf.plus(java.time.Duration.ofDays(1));
        System.out.printf(Locale.ROOT, "%nday after: %d receipts imported in %.2f s; refresh as of %s (target < 5 s each)%n",
                receipts, importSeconds, nextDay);
        System.out.printf(Locale.ROOT, "%-22s %12s %12s %10s %9s%n", "segment", "mode", "clients read", "members", "seconds");
        for (long id : List.of(lifecycle, rfm)) {
            t0 = System.nanoTime();
            SegmentViews.Refresh r = refresher.refresh(id, nextDay);
            System.out.printf(Locale.ROOT, "%-22s %12s %12d %10d %9.2f%n", segments.get(id).name(), r.mode(), r.clients(),
                    r.members(), seconds(t0));
        }
        System.out.printf(Locale.ROOT, "machine load average (1 min) after the day's refreshes: %.2f%n", loadAverage());
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String phone(long client) {
        return "+7900" + String.format(Locale.ROOT, "%07d", client);
    }

    /** Clients with 1..2n receipts each over 400 days, about 3 % refunds, and their statistics. */
    private static long generate(DataSource store, int clients, int perClient, Instant asOf) throws Exception {
        try (Connection c = store.getConnection(); Statement st = c.createStatement()) {
            st.execute("select setseed(0.42)");
            // stamped as written the day before: in a real store the base is older than the last refresh
            st.execute("insert into client (name, phone, created_at, updated_at) select 'Клиент ' || g, '+7900' || lpad(g::text, 7, '0'), "
                    + "timestamptz '" + asOf + "' - interval '1 day', timestamptz '" + asOf + "' - interval '1 day' "
                    + "from generate_series(1, " + clients + ") g");
            st.execute("insert into client_identity (client_id, kind, value, source) select id, 'phone', phone, 'bench' from client");
            st.execute("""
                    insert into receipt (source, natural_key, client_id, purchased_at, total, is_refund, content_hash)
                    select 'bench', c.id || '-' || r, c.id,
                           timestamptz '%s' - random() * interval '400 days',
                           round((100 + random() * 4900)::numeric, 2), random() < 0.03, 'bench'
                    from client c
                    cross join lateral generate_series(1, 1 + (random() * %d * 2 + c.id * 0)::int) r
                    """.formatted(asOf, perClient));
            st.execute("""
                    insert into client_stats (client_id, first_purchase_at, last_purchase_at, purchases, refunds, revenue,
                                              average_check, updated_at)
                    select client_id,
                           min(purchased_at) filter (where not is_refund), max(purchased_at) filter (where not is_refund),
                           count(*) filter (where not is_refund), count(*) filter (where is_refund),
                           sum(case when is_refund then -total else total end),
                           round(avg(total) filter (where not is_refund), 2), timestamptz '%s' - interval '1 day'
                    from receipt group by client_id
                    """.formatted(asOf));
            // as in a store whose receipts were written long ago: hint bits set, statistics current
            st.execute("vacuum analyze");
            try (ResultSet rs = st.executeQuery("select count(*) from receipt")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Seconds of one hand-written query and the number of clients it put in each cell. */
    private record Reference(double seconds, Map<String, Long> cells) {
    }

    /**
     * One hand-written query per strategy that computes every client's cell into a table, with the
     * strategy's default parameters and the same window (365 days before the refresh).
     */
    private static final Map<String, String> REFERENCES = new LinkedHashMap<>();

    /** References that name their cells as the strategy does, so their counts per cell must match. */
    private static final List<String> EXACT_REFERENCES = List.of("lifecycle", "abc", "golden", "customer-types");

    static {
        REFERENCES.put("lifecycle", """
                create temp table ref_lifecycle as
                select client_id,
                       case when purchases >= 4 then 'regular' when purchases >= 2 then 'repeat' else 'new' end || '-' ||
                       case when d <= 30 then 'active' when d <= 90 then 'fading' else 'sleeping' end as cell
                from (select client_id, purchases,
                             (timestamptz '$AS_OF' at time zone 'Europe/Moscow')::date - (last_purchase_at at time zone 'Europe/Moscow')::date as d
                      from client_stats where purchases > 0) s
                """);
        // quintile scores by ntile and three groups: the same work as the strategy's scoring, not its exact groups
        REFERENCES.put("rfm", """
                create temp table ref_rfm as
                with w as (
                  select r.client_id, max(r.purchased_at) filter (where not r.is_refund) as last_at,
                         count(*) filter (where not r.is_refund) as f, sum(case when r.is_refund then -r.total else r.total end) as m
                  from receipt r where r.purchased_at >= timestamptz '$AS_OF' - interval '365 days' group by r.client_id
                  having count(*) filter (where not r.is_refund) > 0),
                s as (
                  select client_id, 6 - ntile(5) over (order by last_at desc) as r_rev,
                         ntile(5) over (order by f) as f_score, ntile(5) over (order by m) as m_score from w)
                select client_id, case when r_rev >= 4 and f_score >= 4 and m_score >= 4 then 'champions'
                                       when r_rev >= 3 and f_score >= 3 then 'loyal' else 'other' end as cell
                from s
                """);
        // A: the clients richer than them bring under 80 % of the revenue, B under 95 %; "richer" is the running
        // sum down to their revenue less their equals (a frame that excludes the peers is quadratic in PostgreSQL)
        REFERENCES.put("abc", """
                create temp table ref_abc as
                with w as (
                  select client_id, sum(case when is_refund then -total else total end) as m
                  from receipt where client_id is not null and purchased_at >= timestamptz '$AS_OF' - interval '365 days'
                  group by client_id),
                p as (
                  select client_id, m, sum(m) over () as total,
                         sum(m) over (order by m desc) - m * count(*) over (partition by m) as richer
                  from w where m > 0)
                select client_id, case when richer * 100 < 80 * total then 'a' when richer * 100 < 95 * total then 'b' else 'c' end as cell
                from p
                """);
        // golden: fewer than 20 % of the window's buyers strictly above them in revenue, purchases and average check
        REFERENCES.put("golden", """
                create temp table ref_golden as
                with w as (
                  select client_id, count(*) filter (where not is_refund) as f, sum(case when is_refund then -total else total end) as m
                  from receipt where client_id is not null and purchased_at >= timestamptz '$AS_OF' - interval '365 days'
                  group by client_id having count(*) filter (where not is_refund) > 0),
                s as (
                  select client_id, count(*) over () as n, rank() over (order by m desc) - 1 as richer,
                         rank() over (order by f desc) - 1 as more_often, rank() over (order by floor(m * 10000 / f) desc) - 1 as dearer
                  from w)
                select client_id, case when richer * 100 < 20 * n and more_often * 100 < 20 * n and dearer * 100 < 20 * n
                                       then 'golden' else 'others' end as cell
                from s
                """);
        // months of the year with a purchase (in the business's zone), discounted purchases, purchases
        REFERENCES.put("customer-types", """
                create temp table ref_customer_types as
                with w as (
                  select client_id, count(*) filter (where not is_refund) as f,
                         count(distinct extract(month from purchased_at at time zone 'Europe/Moscow')) filter (where not is_refund) as months,
                         count(*) filter (where not is_refund and discount > 0) as discounted
                  from receipt where client_id is not null and purchased_at >= timestamptz '$AS_OF' - interval '365 days'
                  group by client_id having count(*) filter (where not is_refund) > 0)
                select client_id, case when months >= 8 then 'regular' when discounted * 100 >= 60 * f then 'discount'
                                       when f >= 2 and months <= 3 then 'seasonal' else 'other' end as cell
                from w
                """);
    }

    /** Runs a reference in a transaction it rolls back, timing the query and counting its cells. */
    private static Reference reference(DataSource store, String strategy, String sql) throws Exception {
        try (Connection c = store.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            st.execute(sql);
            double s = seconds(t0);
            Map<String, Long> cells = new java.util.TreeMap<>();
            try (ResultSet rs = st.executeQuery("select cell, count(*) from ref_" + strategy.replace('-', '_') + " group by cell")) {
                while (rs.next()) {
                    cells.put(rs.getString(1), rs.getLong(2));
                }
            }
            c.rollback();
            c.setAutoCommit(true);
            return new Reference(s, cells);
        }
    }

    /** The number of members in each cell of a refreshed segment. */
    private static Map<String, Long> memberCells(DataSource store, long segmentId) throws Exception {
        Map<String, Long> cells = new java.util.TreeMap<>();
        try (Connection c = store.getConnection();
             var st = c.prepareStatement("select cell, count(*) from segment_member where segment_id = ? group by cell")) {
            st.setLong(1, segmentId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    cells.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return cells;
    }
}
