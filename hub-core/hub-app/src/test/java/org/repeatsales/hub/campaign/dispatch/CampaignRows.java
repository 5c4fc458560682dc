package org.repeatsales.hub.campaign.dispatch;

import java.sql.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes what campaign planning would leave behind, straight in SQL: clients with consent and an
 * address per channel, a run with its frozen definition, and one queued delivery per client.
 */
final class CampaignRows {

    private static final AtomicInteger CAMPAIGNS = new AtomicInteger();

    private final JdbcTemplate jdbc;

    CampaignRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** {@code count} new clients with consent and an address on each of {@code channels}. */
    List<Long> clients(int count, String... channels) {
        List<Long> ids = jdbc.queryForList("""
                insert into client (name) select 'Клиент ' || g from generate_series(1, ?) g returning id""", Long.class, count);
        for (String channel : channels) {
            consent(ids, channel);
        }
        return ids;
    }

    /** Consent given on {@code channel}, with an address derived from the client id. */
    void consent(List<Long> clients, String channel) {
        consent(clients, channel, c -> address(channel, c));
    }

    /** Consent given on {@code channel} at the address {@code addressOf} gives each client. */
    void consent(List<Long> clients, String channel, Function<Long, String> addressOf) {
        Long[] ids = clients.toArray(Long[]::new);
        String[] addresses = clients.stream().map(addressOf).toArray(String[]::new);
        jdbc.update(c -> {
            var st = c.prepareStatement("""
                    insert into client_address (client_id, channel, address)
                    select u.id, ?, u.address from unnest(?::bigint[], ?::text[]) u(id, address)""");
            st.setString(1, channel);
            st.setArray(2, c.createArrayOf("bigint", ids));
            st.setArray(3, c.createArrayOf("text", addresses));
            return st;
        });
        consentState(clients, channel, "given");
    }

    void consentState(List<Long> clients, String channel, String state) {
        Long[] ids = clients.toArray(Long[]::new);
        jdbc.update(c -> {
            var st = c.prepareStatement("""
                    insert into consent (client_id, channel, state, at, source)
                    select id, ?, ?, now(), 'test' from unnest(?::bigint[]) id""");
            st.setString(1, channel);
            st.setString(2, state);
            st.setArray(3, c.createArrayOf("bigint", ids));
            return st;
        });
    }

    static String address(String channel, long clientId) {
        return channel.toLowerCase() + "-" + clientId;
    }

    /** A run's definition: the channel order with the sink connectors, variables and a cap. */
    static String definition(String capIso, String... channels) {
        List<String> steps = new ArrayList<>();
        for (String channel : channels) {
            steps.add("""
                    {"channel": "%s", "connector": "sink-%s", "template": {"subject": "Скидка", "text": "Здравствуйте!", "html": null}}"""
                    .formatted(channel, channel.toLowerCase()));
        }
        return """
                {"channels": [%s], "variables": {"promoCode": "NY10"}, "policy": {"frequencyCap": "%s"}}"""
                .formatted(String.join(", ", steps), capIso);
    }

    /** A dispatching run of a new campaign with one queued delivery per client on {@code channels}. */
    long run(List<Long> clients, String... channels) {
        return run(clients, definition("P7D", channels), false, channels);
    }

    long run(List<Long> clients, String definition, boolean dryRun, String... channels) {
        long campaign = jdbc.queryForObject("""
                insert into campaign (name, state, definition, schedule_kind) values (?, 'active', ?::jsonb, 'manual')
                returning id""", Long.class, "Кампания " + CAMPAIGNS.incrementAndGet() + " " + System.nanoTime(), definition);
        long run = jdbc.queryForObject("""
                insert into campaign_run (campaign_id, slot, dry_run, state, definition, planned_at, targeted)
                values (?, now(), ?, 'planning', ?::jsonb, now(), ?) returning id""", Long.class, campaign, dryRun,
                definition, clients.size());
        Long[] ids = clients.toArray(Long[]::new);
        jdbc.update(c -> {
            var st = c.prepareStatement("""
                    insert into delivery (run_id, client_id, status, channels)
                    select ?, id, 'queued', ?::text[] from unnest(?::bigint[]) id""");
            st.setLong(1, run);
            Array order = c.createArrayOf("text", channels);
            st.setArray(2, order);
            st.setArray(3, c.createArrayOf("bigint", ids));
            return st;
        });
        jdbc.update("update campaign_run set state = 'dispatching' where id = ?", run);
        return run;
    }

    String runState(long run) {
        return jdbc.queryForObject("select state from campaign_run where id = ?", String.class, run);
    }

    /** Deliveries of a run by status. */
    Map<String, Long> statuses(long run) {
        return jdbc.queryForList("select status, count(*) n from delivery where run_id = ? group by status", run).stream()
                .collect(Collectors.toMap(r -> (String) r.get("status"), r -> ((Number) r.get("n")).longValue()));
    }

    long count(String sql, Object... args) {
        Long n = jdbc.queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }
}
