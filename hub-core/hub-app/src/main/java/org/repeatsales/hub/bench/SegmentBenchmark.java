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
 * the hub's real refresh path, and hand-written SQL computing the lifecycle and RFM cells as the
 * reference. Prints seconds, peak heap and the ratio to the references.
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
            }
            Map<String, Double> references = new LinkedHashMap<>();
            references.put("lifecycle", timed(store, LIFECYCLE_REFERENCE.replace("$AS_OF", asOf.toString())));
            references.put("rfm", timed(store, RFM_REFERENCE.replace("$AS_OF", asOf.toString())));

            long maxHeap = Runtime.getRuntime().maxMemory() / (1024 * 1024);
            System.out.println();
            System.out.printf(Locale.ROOT, "%-12s %10s %9s %9s %10s %12s %8s%n", "strategy", "members", "seconds", "again s", "peak MB",
                    "SQL ref s", "ratio");
            double strategySum = 0;
            double referenceSum = 0;
            for (var e : results.entrySet()) {
                Double ref = references.get(e.getKey());
                double[] v = e.getValue();
                System.out.printf(Locale.ROOT, "%-12s %10d %9.2f %9.2f %10.0f %12s %8s%n", e.getKey(), (long) v[2], v[0], v[3], v[1],
                        ref == null ? "-" : String.format(Locale.ROOT, "%.2f", ref),
                        ref == null ? "-" : String.format(Locale.ROOT, "%.2f", v[0] / ref));
                if (ref != null) {
                    strategySum += v[0];
                    referenceSum += ref;
                }
            }
            System.out.printf(Locale.ROOT, "%nlifecycle + rfm: %.2f s vs hand-written SQL %.2f s -> %.2fx (target 1.5x); heap limit %d MB%n",
                    strategySum, referenceSum, strategySum / referenceSum, maxHeap);
            System.out.printf(Locale.ROOT, "machine load average (1 min) after the refreshes: %.2f%n", loadAverage());

            if (strategies.contains("lifecycle") && strategies.contains("rfm")) {
                dayAfter(hub, dir, asOf, clients, dayReceipts);
            }
        }
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

    private static final String LIFECYCLE_REFERENCE = """
            create temp table ref_lifecycle as
            select client_id,
                   case when purchases >= 4 then 'regular' when purchases >= 2 then 'repeat' else 'new' end || '-' ||
                   case when d <= 30 then 'active' when d <= 90 then 'fading' else 'sleeping' end as cell
            from (select client_id, purchases,
                         (timestamptz '$AS_OF' at time zone 'Europe/Moscow')::date - (last_purchase_at at time zone 'Europe/Moscow')::date as d
                  from client_stats where purchases > 0) s
            """;

    private static final String RFM_REFERENCE = """
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
            """;

    private static double timed(DataSource store, String sql) throws Exception {
        try (Connection c = store.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            st.execute(sql);
            double s = seconds(t0);
            c.rollback();
            c.setAutoCommit(true);
            return s;
        }
    }
}
