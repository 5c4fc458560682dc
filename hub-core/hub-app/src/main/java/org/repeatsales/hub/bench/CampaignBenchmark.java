package org.repeatsales.hub.bench;

import static org.repeatsales.hub.bench.BenchSupport.deleteRecursively;
import static org.repeatsales.hub.bench.BenchSupport.peakHeapMb;
import static org.repeatsales.hub.bench.BenchSupport.resetPeakHeap;
import static org.repeatsales.hub.bench.BenchSupport.seconds;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;
import org.repeatsales.hub.HubApplication;
import org.repeatsales.hub.campaign.CampaignService;
import org.repeatsales.hub.campaign.CampaignViews;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The campaign planning benchmark: a fresh embedded store under {@code target/bench-campaigns}
 * filled set-based with clients, statistics, lifecycle-like segment membership, consents,
 * addresses, recent contacts and client time zones; then one run of a campaign (segment cells plus a
 * condition, Telegram then e-mail, default contact policy) planned through the hub's real
 * {@link CampaignService#run} path, and a dry run of it. Prints seconds and the frozen counts.
 */
public final class CampaignBenchmark {

    private static final double TARGET_SECONDS = 20;

    private CampaignBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clients = 1_000_000;
        Path dir = Path.of("target", "bench-campaigns");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i].replace("_", ""));
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("Unknown option " + args[i] + "; known: --clients N --dir PATH");
            }
        }
        deleteRecursively(dir);
        try (ConfigurableApplicationContext hub = new SpringApplicationBuilder(HubApplication.class)
                .web(WebApplicationType.NONE)
                .run("--hub.data-dir=" + dir.resolve("data"), "--hub.inbox.enabled=false", "--hub.demo.enabled=false",
                        "--hub.db.url=", "--hub.admin-password=bench", "--hub.segments.auto-refresh=false",
                        "--hub.campaigns.scheduler=false")) {
            DataSource store = hub.getBean(DataSource.class);
            long t0 = System.nanoTime();
            long campaignId = generate(store, clients);
            System.out.printf(Locale.ROOT, "generated %d clients with statistics, segment cells, consents, addresses and contacts in %.1f s%n",
                    clients, seconds(t0));

            CampaignService campaigns = hub.getBean(CampaignService.class);
            resetPeakHeap();
            t0 = System.nanoTime();
            CampaignViews.Run run = campaigns.run(campaignId, false);
            double planned = seconds(t0);
            long heap = peakHeapMb();
            t0 = System.nanoTime();
            CampaignViews.Run dry = campaigns.run(campaignId, true);
            double dryPlanned = seconds(t0);

            System.out.println();
            System.out.printf(Locale.ROOT, "%-10s %9s %9s %9s %9s %9s %9s %9s %8s%n", "run", "audience", "targeted", "held out",
                    "capped", "no cons.", "deferred", "seconds", "state");
            print("real", run, planned);
            print("dry", dry, dryPlanned);
            System.out.printf(Locale.ROOT, "%nplanning %d clients: %.2f s (target < %.0f s: %s); peak heap %d MB of %d MB%n",
                    clients, planned, TARGET_SECONDS, planned < TARGET_SECONDS ? "met" : "NOT met", heap,
                    Runtime.getRuntime().maxMemory() / (1024 * 1024));
        }
    }

    private static void print(String name, CampaignViews.Run r, double seconds) {
        System.out.printf(Locale.ROOT, "%-10s %9d %9d %9d %9d %9d %9d %9.2f %8s%n", name, r.audience(), r.targeted(), r.heldOut(),
                r.capped(), r.noConsent(), r.deferred(), seconds, r.state());
    }

    /**
     * Clients (5 % in Vladivostok, 5 % in Yekaterinburg, the rest in the business's zone), their
     * statistics, a segment with nine cells, e-mail consent with address for 60 %, Telegram for 30 %,
     * 5 % who withdrew e-mail later, 10 % contacted two days ago; an active campaign over six cells
     * and clients with at least one purchase.
     *
     * @return the campaign's id
     */
    private static long generate(DataSource store, int clients) throws Exception {
        try (Connection c = store.getConnection(); Statement st = c.createStatement()) {
            st.execute("select setseed(0.42)");
            st.execute("""
                    insert into client (name, city, birthday, time_zone)
                    select 'Клиент ' || g, case when g %% 10 = 0 then 'Казань' else 'Москва' end,
                           date '1960-01-01' + (random() * 16000)::int,
                           case g %% 20 when 0 then 'Asia/Vladivostok' when 1 then 'Asia/Yekaterinburg' end
                    from generate_series(1, %d) g
                    """.formatted(clients));
            st.execute("""
                    insert into client_stats (client_id, first_purchase_at, last_purchase_at, purchases, refunds, revenue, average_check)
                    select id, f, f + (random() * (now() - f)), p, 0, p * 1500, 1500
                    from (select id, now() - random() * interval '700 days' as f, (random() * 12)::int as p from client) s
                    """);
            st.execute("insert into segment (name, strategy, parameters) values ('bench lifecycle', 'lifecycle', '{}')");
            st.execute("""
                    insert into segment_member (segment_id, client_id, cell, since)
                    select (select max(id) from segment), id,
                           (array['new-active','new-fading','new-sleeping','repeat-active','repeat-fading','repeat-sleeping',
                                  'regular-active','regular-fading','regular-sleeping'])[1 + id % 9],
                           now() - interval '30 days'
                    from client
                    """);
            st.execute("insert into consent (client_id, channel, state, at, source) select id, 'EMAIL', 'given', now() - interval '200 days', 'bench' from client where id % 10 < 6");
            st.execute("insert into client_address (client_id, channel, address) select id, 'EMAIL', 'c' || id || '@example.org' from client where id % 10 < 6");
            st.execute("insert into consent (client_id, channel, state, at, source) select id, 'TELEGRAM', 'given', now() - interval '100 days', 'bench' from client where id % 10 in (5, 6, 7)");
            st.execute("insert into client_address (client_id, channel, address) select id, 'TELEGRAM', (100000 + id)::text from client where id % 10 in (5, 6, 7)");
            st.execute("insert into consent (client_id, channel, state, at, source) select id, 'EMAIL', 'withdrawn', now() - interval '10 days', 'bench' from client where id % 20 = 3");
            st.execute("insert into client_contact (client_id, last_contact_at) select id, now() - interval '2 days' from client where id % 10 = 9");
            st.execute("vacuum analyze");
        }
        String definition = """
                {"name": "Бенчмарк", "audience": {"segments": [{"segment": %d, "cells": ["repeat-active", "repeat-fading", "repeat-sleeping",
                  "regular-active", "regular-fading", "regular-sleeping"]}], "conditions": {"field": "purchases", "min": 1}},
                 "channels": [{"channel": "TELEGRAM", "connector": "telegram", "template": {"text": "{{firstName}}, скидка {{discount}}"}},
                              {"channel": "EMAIL", "connector": "email", "template": {"subject": "Скидка", "text": "Скидка {{discount}}"}}],
                 "schedule": {"kind": "manual"}, "variables": {"discount": "10%%"}}
                """;
        try (Connection c = store.getConnection()) {
            long segment;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select max(id) from segment")) {
                rs.next();
                segment = rs.getLong(1);
            }
            // inserted as stored, not through validation: this store has no started connectors
            try (PreparedStatement ps = c.prepareStatement("insert into campaign (name, state, definition, schedule_kind)"
                    + " values ('Бенчмарк', 'active', ?::jsonb, 'manual') returning id")) {
                ps.setString(1, definition.formatted(segment));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }
    }
}
