package org.repeatsales.hub.campaign.dispatch;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.repeatsales.hub.api.channel.Channel;
import org.springframework.stereotype.Component;

/**
 * The delivery queue in PostgreSQL, as the dispatcher uses it: workers and their heartbeats, claims
 * under a worker's lease, frequency-cap reservations, outcomes, and finishing runs. Every statement
 * works on a whole batch (arrays bound as one parameter), because the queue must never be what
 * limits a channel.
 */
@Component
class DeliveryQueue {

    /**
     * A delivery claimed by a worker: it is 'sending' under that worker's lease.
     *
     * @param attempts sends tried so far, over all channels
     * @param channelAttempts sends tried so far on its next channel ({@code channels[0]})
     */
    record Claimed(long id, long runId, long clientId, List<Channel> channels, int attempts, int channelAttempts,
            String leaseOwner) {
    }

    /**
     * What becomes of a claimed delivery. {@code status} is a delivery status; {@code queued} puts it
     * back for a later attempt (retry or next channel). {@code channelAttempts} is the count on the
     * delivery's next channel; {@code leftChannel} says why a channel was left for the next one (kept
     * beside the earlier ones), null when none was.
     */
    record Outcome(Claimed delivery, String status, List<Channel> channels, Channel channel, String address,
            Instant notBefore, int attempts, int channelAttempts, String providerMessageId, String reason,
            String leftChannel, boolean sent, boolean releaseCap) {
    }

    private final DataSource store;

    DeliveryQueue(DataSource store) {
        this.store = store;
    }

    void register(String workerId) {
        update("insert into dispatcher_worker (id) values (?)", workerId);
    }

    /** @return false when this worker was declared dead by another (its claims are gone) */
    boolean beat(String workerId) {
        return update("update dispatcher_worker set heartbeat_at = now() where id = ?", workerId) == 1;
    }

    void unregister(String workerId) {
        update("delete from dispatcher_worker where id = ?", workerId);
    }

    /**
     * Deletes workers that missed their beats and puts every delivery held by a worker that is no
     * longer registered back into the queue. Those may have left before their worker died: possible
     * duplicates, which is why the lease exists only while its worker beats.
     *
     * @return how many deliveries each former owner held
     */
    Map<String, Integer> reapDeadWorkers(Duration deadAfter) {
        try (Connection c = store.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement st = c.prepareStatement(
                        "delete from dispatcher_worker where heartbeat_at < now() - ? * interval '1 millisecond'")) {
                    st.setLong(1, deadAfter.toMillis());
                    st.executeUpdate();
                }
                Map<String, Integer> moved = new LinkedHashMap<>();
                try (PreparedStatement st = c.prepareStatement("""
                        with orphaned as (
                            select d.id, d.lease_owner from delivery d
                            where d.status = 'sending'
                              and not exists (select 1 from dispatcher_worker w where w.id = d.lease_owner)
                            for update of d skip locked)
                        update delivery d set status = 'queued', lease_owner = null, updated_at = now()
                        from orphaned o where d.id = o.id
                        returning o.lease_owner""");
                        ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        moved.merge(String.valueOf(rs.getString(1)), 1, Integer::sum);
                    }
                }
                c.commit();
                return moved;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Reaping dead dispatcher workers failed: " + e.getMessage(), e);
        }
    }

    /**
     * Claims up to {@code limit} due deliveries of dispatching (not dry) runs for {@code workerId},
     * skipping rows another worker is claiming, and deliveries whose next channel is one of
     * {@code skipChannels} (channels with enough in flight already).
     */
    List<Claimed> claim(String workerId, int limit, Collection<Channel> skipChannels) {
        // The ids are gathered in an array first so the update finds its rows by primary key: joined to
        // the subquery, the planner may hash-join against a scan of the whole table.
        String sql = """
                update delivery d set status = 'sending', lease_owner = ?, updated_at = now()
                where d.id = any (array(
                      select q.id from delivery q
                      where q.status = 'queued' and q.not_before <= now()
                        and q.run_id = any (array(select r.id from campaign_run r
                                                  where r.state = 'dispatching' and not r.dry_run))
                        and coalesce(q.channels[1], '') <> all (?::text[])
                      order by q.not_before, q.id
                      limit ?
                      for update skip locked))
                returning d.id, d.run_id, d.client_id, d.channels, d.attempts, d.channel_attempts""";
        try (Connection c = store.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, workerId);
            st.setArray(2, c.createArrayOf("text", skipChannels.stream().map(Channel::name).toArray()));
            st.setInt(3, limit);
            List<Claimed> claimed = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    List<Channel> channels = new ArrayList<>();
                    for (Object name : (Object[]) rs.getArray(4).getArray()) {
                        Channel channel = RunPlan.channel(String.valueOf(name));
                        if (channel != null) {
                            channels.add(channel);
                        }
                    }
                    claimed.add(new Claimed(rs.getLong(1), rs.getLong(2), rs.getLong(3), List.copyOf(channels),
                            rs.getInt(5), rs.getInt(6), workerId));
                }
            }
            claimed.sort(Comparator.comparingLong(Claimed::id));
            return claimed;
        } catch (SQLException e) {
            throw new IllegalStateException("Claiming deliveries for worker " + workerId + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Reserves the frequency cap of each client for its delivery: succeeds when the client's latest
     * contact is older than {@code cap}, or is this same delivery's own earlier reservation (a retry
     * or a delivery taken over from a dead worker). Concurrent reservations for one client wait for
     * each other in PostgreSQL, so of two campaigns only one gets the client. Clients are locked in
     * id order, so two workers cannot deadlock.
     *
     * @param deliveryByClient the delivery that wants each client (one per client)
     * @return the clients reserved
     */
    Set<Long> reserveCap(Map<Long, Long> deliveryByClient, Duration cap) {
        if (deliveryByClient.isEmpty()) {
            return Set.of();
        }
        List<Long> clients = deliveryByClient.keySet().stream().sorted().toList();
        String sql = """
                insert into client_contact as cc (client_id, last_contact_at, delivery_id)
                select u.client_id, now(), u.delivery_id
                from unnest(?::bigint[], ?::bigint[]) as u(client_id, delivery_id)
                order by u.client_id
                on conflict (client_id) do update set
                    previous_contact_at = case when cc.delivery_id = excluded.delivery_id
                                               then cc.previous_contact_at else cc.last_contact_at end,
                    previous_delivery_id = case when cc.delivery_id = excluded.delivery_id
                                                then cc.previous_delivery_id else cc.delivery_id end,
                    last_contact_at = excluded.last_contact_at,
                    delivery_id = excluded.delivery_id
                where cc.delivery_id = excluded.delivery_id
                   or cc.last_contact_at <= excluded.last_contact_at - ? * interval '1 millisecond'
                returning cc.client_id""";
        try (Connection c = store.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setArray(1, c.createArrayOf("bigint", clients.toArray()));
            st.setArray(2, c.createArrayOf("bigint", clients.stream().map(deliveryByClient::get).toArray()));
            st.setLong(3, cap.toMillis());
            Set<Long> reserved = new HashSet<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    reserved.add(rs.getLong(1));
                }
            }
            return reserved;
        } catch (SQLException e) {
            throw new IllegalStateException("Reserving the frequency cap failed: " + e.getMessage(), e);
        }
    }

    /**
     * Writes outcomes in one transaction: only rows still 'sending' under the lease they were
     * claimed with (a worker declared dead must not overwrite what its successor did), and releases
     * the cap reservations of those that asked for it.
     *
     * @return the ids of the runs whose rows were written
     */
    Set<Long> write(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return Set.of();
        }
        int n = outcomes.size();
        Long[] ids = new Long[n];
        String[] status = new String[n];
        String[] channels = new String[n];
        String[] channel = new String[n];
        String[] address = new String[n];
        String[] notBefore = new String[n];
        Integer[] attempts = new Integer[n];
        Integer[] channelAttempts = new Integer[n];
        String[] messageId = new String[n];
        String[] reason = new String[n];
        String[] leftChannel = new String[n];
        Boolean[] sent = new Boolean[n];
        String[] lease = new String[n];
        for (int i = 0; i < n; i++) {
            Outcome o = outcomes.get(i);
            ids[i] = o.delivery().id();
            status[i] = o.status();
            channels[i] = o.channels().stream().map(Channel::name).collect(Collectors.joining(","));
            channel[i] = o.channel() == null ? null : o.channel().name();
            address[i] = o.address();
            notBefore[i] = o.notBefore() == null ? null : o.notBefore().toString();
            attempts[i] = o.attempts();
            channelAttempts[i] = o.channelAttempts();
            messageId[i] = o.providerMessageId();
            reason[i] = shortened(o.reason());
            leftChannel[i] = shortened(o.leftChannel());
            sent[i] = o.sent();
            lease[i] = o.delivery().leaseOwner();
        }
        String sql = """
                update delivery d set
                    status = u.status,
                    channels = string_to_array(u.channels, ','),
                    channel = coalesce(u.channel, d.channel),
                    address = coalesce(u.address, d.address),
                    not_before = coalesce(u.not_before::timestamptz, d.not_before),
                    attempts = u.attempts,
                    channel_attempts = u.channel_attempts,
                    fallback_reason = case when u.left_channel is null then d.fallback_reason
                                           else concat_ws('; ', d.fallback_reason, u.left_channel) end,
                    provider_message_id = coalesce(u.message_id, d.provider_message_id),
                    reason = u.reason,
                    sent_at = case when u.sent then now() else d.sent_at end,
                    lease_owner = null,
                    updated_at = now()
                from unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::int[],
                            ?::text[], ?::text[], ?::text[], ?::boolean[], ?::text[])
                     as u(id, status, channels, channel, address, not_before, attempts, channel_attempts, message_id,
                          reason, left_channel, sent, lease)
                where d.id = u.id and d.lease_owner = u.lease
                  -- written so that the lease index cannot serve it: its row estimate is stale during a
                  -- run (analyzed while nothing was sending), and a plan over it compares every row
                  -- sending with every outcome; the primary key finds each row directly
                  and (d.status || '') = 'sending'
                returning d.id, d.run_id""";
        try (Connection c = store.getConnection()) {
            c.setAutoCommit(false);
            try {
                Set<Long> written = new HashSet<>();
                Set<Long> runs = new HashSet<>();
                try (PreparedStatement st = c.prepareStatement(sql)) {
                    st.setArray(1, c.createArrayOf("bigint", ids));
                    st.setArray(2, c.createArrayOf("text", status));
                    st.setArray(3, c.createArrayOf("text", channels));
                    st.setArray(4, c.createArrayOf("text", channel));
                    st.setArray(5, c.createArrayOf("text", address));
                    st.setArray(6, c.createArrayOf("text", notBefore));
                    st.setArray(7, c.createArrayOf("int4", attempts));
                    st.setArray(8, c.createArrayOf("int4", channelAttempts));
                    st.setArray(9, c.createArrayOf("text", messageId));
                    st.setArray(10, c.createArrayOf("text", reason));
                    st.setArray(11, c.createArrayOf("text", leftChannel));
                    st.setArray(12, c.createArrayOf("bool", sent));
                    st.setArray(13, c.createArrayOf("text", lease));
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            written.add(rs.getLong(1));
                            runs.add(rs.getLong(2));
                        }
                    }
                }
                List<Outcome> releases = outcomes.stream()
                        .filter(o -> o.releaseCap() && written.contains(o.delivery().id()))
                        .sorted(Comparator.comparingLong(o -> o.delivery().clientId()))
                        .toList();
                if (!releases.isEmpty()) {
                    release(c, releases);
                }
                c.commit();
                return runs;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Writing " + n + " delivery outcomes failed: " + e.getMessage(), e);
        }
    }

    private static String shortened(String text) {
        return text == null || text.length() <= 2000 ? text : text.substring(0, 2000);
    }

    /** Puts back the contact each reservation replaced (or removes a reservation that replaced none). */
    private static void release(Connection c, List<Outcome> releases) throws SQLException {
        Array clients = c.createArrayOf("bigint", releases.stream().map(o -> o.delivery().clientId()).toArray());
        Array deliveries = c.createArrayOf("bigint", releases.stream().map(o -> o.delivery().id()).toArray());
        try (PreparedStatement st = c.prepareStatement("""
                delete from client_contact cc using unnest(?::bigint[], ?::bigint[]) as r(client_id, delivery_id)
                where cc.client_id = r.client_id and cc.delivery_id = r.delivery_id and cc.previous_contact_at is null""")) {
            st.setArray(1, clients);
            st.setArray(2, deliveries);
            st.executeUpdate();
        }
        try (PreparedStatement st = c.prepareStatement("""
                update client_contact cc set last_contact_at = cc.previous_contact_at,
                                             delivery_id = cc.previous_delivery_id,
                                             previous_contact_at = null, previous_delivery_id = null
                from unnest(?::bigint[], ?::bigint[]) as r(client_id, delivery_id)
                where cc.client_id = r.client_id and cc.delivery_id = r.delivery_id""")) {
            st.setArray(1, clients);
            st.setArray(2, deliveries);
            st.executeUpdate();
        }
    }

    /**
     * Marks finished every dispatching run none of whose deliveries is queued or sending (never
     * earlier: a paused-then-resumed or retried delivery keeps its run open).
     *
     * @return the runs finished now
     */
    List<Long> finishRuns() {
        String sql = """
                update campaign_run r set state = 'finished', finished_at = now()
                where r.state = 'dispatching' and not r.dry_run
                  and not exists (select 1 from delivery d where d.run_id = r.id and d.status in ('queued', 'sending'))
                returning r.id""";
        try (Connection c = store.getConnection(); PreparedStatement st = c.prepareStatement(sql);
                ResultSet rs = st.executeQuery()) {
            List<Long> finished = new ArrayList<>();
            while (rs.next()) {
                finished.add(rs.getLong(1));
            }
            return finished;
        } catch (SQLException e) {
            throw new IllegalStateException("Finishing runs failed: " + e.getMessage(), e);
        }
    }

    /** Deliveries waiting in the queue (due or not), over all runs. */
    long queueDepth() {
        try (Connection c = store.getConnection(); PreparedStatement st = c.prepareStatement(
                "select count(*) from delivery where status = 'queued'"); ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Counting queued deliveries failed: " + e.getMessage(), e);
        }
    }

    /** A run's frozen definition (JSON) and when it was planned. */
    record RunRow(String definition, Instant since) {
    }

    RunRow run(long runId) {
        try (Connection c = store.getConnection(); PreparedStatement st = c.prepareStatement(
                "select definition::text, coalesce(planned_at, created_at) from campaign_run where id = ?")) {
            st.setLong(1, runId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("No run " + runId);
                }
                return new RunRow(rs.getString(1), rs.getTimestamp(2).toInstant());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Reading run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    private int update(String sql, String value) {
        try (Connection c = store.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, value);
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Dispatcher store call failed (" + sql + "): " + e.getMessage(), e);
        }
    }
}
