package org.repeatsales.hub.imports;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The identity keys one run (a file import, a poll of a live source) has resolved in its committed
 * batches: which client each key belongs to and which profile fields that client lacked. A batch
 * looks up in the store only the keys its run has not met yet; a buyer who comes back page after
 * page costs one lookup per run instead of one per batch.
 *
 * <p>Another run may merge away or delete a client between two batches. Every such change advances
 * the store's identity epoch (the triggers of V20), and the epoch only moves under the ingest lock:
 * a batch reads it right after taking the lock and forgets everything when it moved since the
 * memory was filled. Entries are added only after their batch commits, so a rolled-back batch
 * leaves nothing behind. Not thread-safe: one run, one thread.
 */
final class RunIdentities {

    /** About 200 bytes a key: a run that meets more than this many keys starts over rather than outgrow the heap. */
    static final int CAPACITY = 200_000;

    private final int capacity;
    private final Map<IdentityResolver.Key, Long> clientOfKey = new HashMap<>();
    /** Fields (bits as in {@link IdentityResolver}) a remembered client lacked; absent when unknown. */
    private final Map<Long, Integer> missingFieldsOf = new HashMap<>();
    /** The epoch the entries were true at; none before the first batch commits. */
    private Long epoch;

    RunIdentities(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Reads the epoch at the start of a batch, under the ingest lock, and forgets every entry when a
     * client or identity changed since they were learned.
     *
     * @return the epoch the batch starts at
     */
    long startBatch(Connection connection) throws SQLException {
        long now = epochOf(connection);
        if (epoch == null || epoch != now) {
            forget();
        }
        return now;
    }

    /** The client the run knows for {@code key}, or null: the batch must look it up. */
    Long clientOf(IdentityResolver.Key key) {
        return clientOfKey.get(key);
    }

    /** Which profile fields {@code client} lacked after the run last wrote it, or null when unknown. */
    Integer missingFieldsOf(long client) {
        return missingFieldsOf.get(client);
    }

    int size() {
        return clientOfKey.size();
    }

    /**
     * Takes in what a batch learned, once it committed. The batch held the ingest lock from
     * {@code startEpoch} to {@code endEpoch}, so whatever moved the epoch in between was its own
     * merges, which {@code learned} reports: the keys of clients it merged away now name the survivor.
     */
    void learn(IdentityResolver.Learned learned, long startEpoch, long endEpoch) {
        if (endEpoch != startEpoch && learned.absorbedInto().isEmpty()) {
            forget(); // a change the batch cannot account for: trust nothing, not even the batch's own
            return;
        }
        if (!learned.absorbedInto().isEmpty()) {
            Map<Long, Long> absorbedInto = learned.absorbedInto();
            clientOfKey.replaceAll((key, client) -> absorbedInto.getOrDefault(client, client));
            absorbedInto.forEach((absorbed, survivor) -> {
                missingFieldsOf.remove(absorbed);
                missingFieldsOf.remove(survivor); // it took over the absorbed client's fields
            });
        }
        if (clientOfKey.size() + learned.clientOfKey().size() > capacity) {
            forget();
        }
        clientOfKey.putAll(learned.clientOfKey());
        missingFieldsOf.putAll(learned.missingFieldsOf());
        epoch = endEpoch;
    }

    private void forget() {
        clientOfKey.clear();
        missingFieldsOf.clear();
        epoch = null;
    }

    /** The identity epoch as every session sees it, including advances not committed yet. */
    static long epochOf(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("select last_value + is_called::int from client_identity_epoch")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
