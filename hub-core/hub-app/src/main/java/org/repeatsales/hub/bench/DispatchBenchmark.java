package org.repeatsales.hub.bench;

import static org.repeatsales.hub.bench.BenchSupport.deleteRecursively;
import static org.repeatsales.hub.bench.BenchSupport.peakHeapMb;
import static org.repeatsales.hub.bench.BenchSupport.resetPeakHeap;
import static org.repeatsales.hub.bench.BenchSupport.seconds;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.repeatsales.hub.HubApplication;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.ChannelConnector;
import org.repeatsales.hub.api.channel.ContentLimits;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.api.channel.Readiness;
import org.repeatsales.hub.campaign.MessageRenderer;
import org.repeatsales.hub.campaign.dispatch.CampaignDispatcher;
import org.repeatsales.hub.campaign.dispatch.ConnectorAccess;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The dispatch benchmark: a fresh embedded store under {@code target/bench-dispatch} with one run
 * of 1,000,000 queued deliveries (clients with e-mail consent and address, set-based SQL), sent by
 * the hub's real dispatcher (claims, consent re-check, frequency-cap reservation, rendering,
 * pacing, outcome writes, run finishing) through a connector that accepts every message at once,
 * so what is measured is the queue in PostgreSQL. Prints messages per second.
 */
public final class DispatchBenchmark {

    private DispatchBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int deliveries = 1_000_000;
        int workers = 1;
        int batch = 1000;
        Path dir = Path.of("target", "bench-dispatch");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--deliveries" -> deliveries = Integer.parseInt(args[++i].replace("_", ""));
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("Unknown option " + args[i]
                        + "; known: --deliveries N --workers N --batch N --dir PATH");
            }
        }
        deleteRecursively(dir);
        try (ConfigurableApplicationContext hub = new SpringApplicationBuilder(HubApplication.class)
                .web(WebApplicationType.NONE)
                .initializers(context -> {
                    GenericApplicationContext g = (GenericApplicationContext) context;
                    g.registerBean("benchConnectors", ConnectorAccess.class, () -> new NoopConnectors(g.getBean(PluginRegistry.class)),
                            bd -> ((AbstractBeanDefinition) bd).setPrimary(true));
                    // the template engine's renderer when installed; a plain one otherwise
                    g.registerBean("benchRenderer", MessageRenderer.class, PlainRenderer::new,
                            bd -> ((AbstractBeanDefinition) bd).setFallback(true));
                })
                .run("--hub.data-dir=" + dir.resolve("data"), "--hub.inbox.enabled=false", "--hub.demo.enabled=false",
                        "--hub.db.url=", "--hub.admin-password=bench", "--hub.segments.auto-refresh=false",
                        "--hub.campaigns.dispatch.enabled=false", "--hub.campaigns.dispatch.batch-size=" + batch,
                        "--hub.campaigns.dispatch.max-in-flight-per-channel=" + batch * 8,
                        "--hub.campaigns.dispatch.idle-poll=100ms")) {
            DataSource store = hub.getBean(DataSource.class);
            long t0 = System.nanoTime();
            long run = queue(store, deliveries);
            System.out.printf(Locale.ROOT, "queued %d deliveries (clients with e-mail consent and address) in %.1f s%n",
                    deliveries, seconds(t0));
            MessageRenderer renderer = hub.getBeanProvider(MessageRenderer.class).getIfAvailable();
            System.out.printf("renderer: %s; workers: %d; batch: %d%n", renderer == null ? "none" : renderer.getClass().getName(),
                    workers, batch);

            CampaignDispatcher dispatcher = hub.getBean(CampaignDispatcher.class);
            resetPeakHeap();
            t0 = System.nanoTime();
            List<Runnable> stops = dispatcher.startWorkers(workers);
            long lastReport = System.nanoTime();
            while (!"finished".equals(state(store, run))) {
                Thread.sleep(200);
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    long done = count(store, "select count(*) from delivery where run_id = " + run + " and status = 'delivered'");
                    System.out.printf(Locale.ROOT, "  %.0f s: %d delivered (%.0f/s)%n", seconds(t0), done, done / seconds(t0));
                    lastReport = System.nanoTime();
                }
            }
            double took = seconds(t0);
            stops.forEach(Runnable::run);

            Map<String, Long> statuses = new HashMap<>();
            try (Connection c = store.getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select status, count(*) from delivery group by status")) {
                while (rs.next()) {
                    statuses.put(rs.getString(1), rs.getLong(2));
                }
            }
            long delivered = statuses.getOrDefault("delivered", 0L);
            System.out.println();
            System.out.printf(Locale.ROOT, "dispatched %d deliveries in %.1f s: %.0f messages/s (target 5,000/s); statuses %s;"
                    + " peak heap %d MB of %d MB; %d cores%n", delivered, took, delivered / took, statuses, peakHeapMb(),
                    Runtime.getRuntime().maxMemory() / (1024 * 1024), Runtime.getRuntime().availableProcessors());
        }
    }

    private static long queue(DataSource store, int deliveries) throws Exception {
        try (Connection c = store.getConnection(); Statement st = c.createStatement()) {
            st.execute("insert into client (name) select 'Клиент ' || g from generate_series(1, " + deliveries + ") g");
            st.execute("insert into client_address (client_id, channel, address) select id, 'EMAIL', 'client' || id || '@example.org' from client");
            st.execute("insert into consent (client_id, channel, state, at, source) select id, 'EMAIL', 'given', now(), 'bench' from client");
            String definition = """
                    {"channels": [{"channel": "EMAIL", "connector": "noop", "template": {"subject": "Скидка 10%% к Новому году",
                      "text": "Здравствуйте, {{firstName}}! Ваш промокод {{promoCode}}.", "html": null}}],
                     "variables": {"promoCode": "NY10"}, "policy": {"frequencyCap": "P7D"}}""";
            st.execute("insert into campaign (name, state, definition, schedule_kind) values ('bench', 'active', '"
                    + definition.replace("%%", "%") + "', 'manual')");
            st.execute("insert into campaign_run (campaign_id, slot, state, definition, planned_at, targeted) select id, now(),"
                    + " 'planning', definition, now(), " + deliveries + " from campaign");
            st.execute("insert into delivery (run_id, client_id, status, channels) select r.id, c.id, 'queued', '{EMAIL}'"
                    + " from campaign_run r cross join client c");
            st.execute("update campaign_run set state = 'dispatching'");
            st.execute("vacuum analyze");
            try (ResultSet rs = st.executeQuery("select id from campaign_run")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String state(DataSource store, long run) throws Exception {
        try (Connection c = store.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select state from campaign_run where id = " + run)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(DataSource store, String sql) throws Exception {
        try (Connection c = store.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The plugins' connectors plus {@code noop}, which accepts every message at once. */
    private record NoopConnectors(PluginRegistry plugins) implements ConnectorAccess {
        private static final ChannelConnector NOOP = new ChannelConnector() {
            @Override
            public String id() {
                return "noop";
            }

            @Override
            public Channel channel() {
                return Channel.EMAIL;
            }

            @Override
            public Readiness readiness() {
                return Readiness.ready();
            }

            @Override
            public ContentLimits contentLimits() {
                return new ContentLimits(998, Integer.MAX_VALUE, true, Long.MAX_VALUE);
            }

            @Override
            public DeliveryOutcome send(OutboundMessage message) {
                return new DeliveryOutcome.Delivered("noop-" + message.correlationId());
            }
        };

        @Override
        public <T> T withConnector(String connectorId, Function<ChannelConnector, T> work) {
            return "noop".equals(connectorId) ? work.apply(NOOP) : plugins.withConnector(connectorId, work);
        }
    }

    /** Subject and text of the template as they are, for when no template engine is installed. */
    private static final class PlainRenderer implements MessageRenderer {
        @Override
        public Map<Long, Result> render(Batch batch, List<Recipient> recipients) {
            Map<Long, Result> results = new HashMap<>();
            for (Recipient r : recipients) {
                results.put(r.deliveryId(), new Result.Rendered(new OutboundMessage(r.address(), batch.step().template().subject(),
                        null, batch.step().template().text(), Map.of(), String.valueOf(r.deliveryId()))));
            }
            return results;
        }
    }
}
