package org.repeatsales.hub.imports;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.repeatsales.hub.ingest.Buyer;
import org.repeatsales.hub.ingest.ReceiptRecord;

/**
 * Finds the client behind each receipt of a batch, creating clients for people seen for the first
 * time and merging clients that turn out to be one person (a receipt names the phone of one and
 * the e-mail of another).
 *
 * <p>Works set-wise on a whole batch: one query reads the identities already known, one COPY
 * writes the new ones. It must run under the ingest lock, inside the batch's transaction. Keys the
 * run resolved in earlier batches come from {@link RunIdentities} instead of the query.
 */
final class IdentityResolver {

    /**
     * Which client each receipt belongs to, the clients whose statistics the merges changed, and what
     * the run may remember of the batch once it commits.
     */
    record Resolution(Map<ReceiptRecord, Long> clientOf, Set<Long> mergedInto, Learned learned) {
    }

    /**
     * What the batch tells about identities once it commits: the client of each of its keys, the
     * profile fields those clients still lack where known, and the clients it merged away.
     */
    record Learned(Map<Key, Long> clientOfKey, Map<Long, Integer> missingFieldsOf, Map<Long, Long> absorbedInto) {
        static final Learned NOTHING = new Learned(Map.of(), Map.of(), Map.of());
    }

    record Key(String kind, String value) {
    }

    private final Connection connection;
    private final RunIdentities runIdentities;
    /** Which profile fields each already known client lacks (bits as in {@link Profile#fields()}). */
    private final Map<Long, Integer> missingFieldsOf = new HashMap<>();

    IdentityResolver(Connection connection, RunIdentities runIdentities) {
        this.connection = connection;
        this.runIdentities = runIdentities;
    }

    Resolution resolve(List<ReceiptRecord> receipts) throws SQLException {
        Map<ReceiptRecord, Long> clientOf = new IdentityHashMap<>();
        Map<Key, Integer> index = new LinkedHashMap<>();
        List<ReceiptRecord> known = new ArrayList<>();
        UnionFind groups = new UnionFind();
        for (ReceiptRecord r : receipts) {
            List<Key> keys = keysOf(r);
            if (keys.isEmpty()) {
                continue;
            }
            known.add(r);
            int first = -1;
            for (Key k : keys) {
                int i = index.computeIfAbsent(k, x -> groups.add());
                if (first < 0) {
                    first = i;
                } else {
                    groups.union(first, i);
                }
            }
        }
        if (known.isEmpty()) {
            return new Resolution(clientOf, Set.of(), Learned.NOTHING);
        }

        // Clients already known for any key, per group of keys that belong to one person.
        Map<Key, Long> existing = remembered(index.keySet());
        existing.putAll(loadExisting(index.keySet().stream().filter(k -> !existing.containsKey(k)).toList()));
        Map<Integer, TreeSet<Long>> clientsOfGroup = new HashMap<>();
        existing.forEach((key, clientId) ->
                clientsOfGroup.computeIfAbsent(groups.find(index.get(key)), g -> new TreeSet<>()).add(clientId));

        Set<Long> mergedInto = new java.util.HashSet<>();
        Map<Long, Long> absorbedInto = new HashMap<>();
        Map<Integer, Long> clientOfGroup = new HashMap<>();
        for (Map.Entry<Integer, TreeSet<Long>> e : clientsOfGroup.entrySet()) {
            TreeSet<Long> ids = e.getValue();
            long survivor = ids.first();
            clientOfGroup.put(e.getKey(), survivor);
            if (ids.size() > 1) {
                List<Long> absorbed = new ArrayList<>(ids.tailSet(survivor, false));
                merge(survivor, absorbed);
                absorbed.forEach(a -> absorbedInto.put(a, survivor));
                mergedInto.add(survivor);
                missingFieldsOf.remove(survivor); // its profile just changed: let the batch fill what it can
            }
        }

        // Profiles: the latest receipt of the batch wins for each field it carries.
        Map<Integer, Profile> profiles = new LinkedHashMap<>();
        for (ReceiptRecord r : known) {
            int group = groups.find(index.get(keysOf(r).get(0)));
            profiles.computeIfAbsent(group, g -> new Profile()).take(r.buyer());
        }

        List<Integer> newGroups = profiles.keySet().stream().filter(g -> !clientOfGroup.containsKey(g)).toList();
        List<Long> newIds = allocateClientIds(newGroups.size());
        CopyRows newClients = new CopyRows();
        for (int i = 0; i < newGroups.size(); i++) {
            long id = newIds.get(i);
            clientOfGroup.put(newGroups.get(i), id);
            Profile p = profiles.get(newGroups.get(i));
            newClients.number(id).text(p.name).text(p.phone).text(p.email).date(p.birthday).text(p.city).endRow();
        }
        newClients.copyInto(connection, "client (id, name, phone, email, birthday, city)");
        fillMissingProfile(profiles, clientOfGroup, new java.util.HashSet<>(newGroups));

        CopyRows newIdentities = new CopyRows();
        Map<Key, String> sourceOfKey = new HashMap<>();
        for (ReceiptRecord r : known) {
            for (Key k : keysOf(r)) {
                sourceOfKey.putIfAbsent(k, r.source());
            }
        }
        for (Map.Entry<Key, Integer> e : index.entrySet()) {
            if (!existing.containsKey(e.getKey())) {
                newIdentities.number(clientOfGroup.get(groups.find(e.getValue())))
                        .text(e.getKey().kind()).text(e.getKey().value()).text(sourceOfKey.get(e.getKey())).endRow();
            }
        }
        newIdentities.copyInto(connection, "client_identity (client_id, kind, value, source)");

        for (ReceiptRecord r : known) {
            clientOf.put(r, clientOfGroup.get(groups.find(index.get(keysOf(r).get(0)))));
        }
        Map<Key, Long> clientOfKey = new HashMap<>();
        index.forEach((key, i) -> clientOfKey.put(key, clientOfGroup.get(groups.find(i))));
        return new Resolution(clientOf, mergedInto,
                new Learned(clientOfKey, missingAfter(profiles, clientOfGroup, newGroups), absorbedInto));
    }

    /** The keys the run already resolved, with what their clients lacked when it last wrote them. */
    private Map<Key, Long> remembered(Set<Key> keys) {
        Map<Key, Long> found = new HashMap<>();
        for (Key k : keys) {
            Long client = runIdentities.clientOf(k);
            if (client != null) {
                found.put(k, client);
                Integer missing = runIdentities.missingFieldsOf(client);
                if (missing != null) {
                    missingFieldsOf.put(client, missing);
                }
            }
        }
        return found;
    }

    /**
     * The fields each client of the batch lacks once the batch is written: a new client lacks what
     * its profile lacks, a known one loses the gaps the profile fills. A merged client's fields are
     * unknown (they came from the absorbed ones), so its next batch fills what it can.
     */
    private Map<Long, Integer> missingAfter(Map<Integer, Profile> profiles, Map<Integer, Long> clientOfGroup,
                                            List<Integer> newGroups) {
        Map<Long, Integer> after = new HashMap<>();
        for (Integer g : newGroups) {
            after.put(clientOfGroup.get(g), ~profiles.get(g).fields() & Profile.ALL_FIELDS);
        }
        Map<Long, Integer> groupsOfClient = new HashMap<>();
        profiles.forEach((group, p) -> {
            long client = clientOfGroup.get(group);
            groupsOfClient.merge(client, 1, Integer::sum);
            Integer before = after.containsKey(client) ? after.get(client) : missingFieldsOf.get(client);
            if (before != null) {
                after.put(client, before & ~p.fields());
            }
        });
        // Two groups of keys of one known client (one receipt with their phone, another with their
        // card) give the fill two rows for one client, of which PostgreSQL applies one: what it lacks
        // afterwards is unknown, so the next batch tries again.
        groupsOfClient.forEach((client, groups) -> {
            if (groups > 1) {
                after.remove(client);
            }
        });
        return after;
    }

    static List<Key> keysOf(ReceiptRecord r) {
        Buyer b = r.buyer();
        List<Key> keys = new ArrayList<>(3);
        if (b.phone() != null) {
            keys.add(new Key("phone", b.phone()));
        }
        if (b.email() != null) {
            keys.add(new Key("email", b.email()));
        }
        if (b.sourceKey() != null) {
            keys.add(new Key("source_key", r.source() + ":" + b.sourceKey()));
        }
        return keys;
    }

    private Map<Key, Long> loadExisting(List<Key> keys) throws SQLException {
        if (keys.isEmpty()) {
            return new HashMap<>();
        }
        String[] kinds = new String[keys.size()];
        String[] values = new String[keys.size()];
        int i = 0;
        for (Key k : keys) {
            kinds[i] = k.kind();
            values[i++] = k.value();
        }
        Map<Key, Long> existing = new HashMap<>();
        try (PreparedStatement st = KeyLookups.prepare(connection,
                // << and | share one precedence in PostgreSQL and group from the left: without the
                // parentheses every bit was shifted again by the shifts after it
                "select i.kind, i.value, i.client_id, (c.name is null)::int | ((c.phone is null)::int << 1)"
                        + "   | ((c.email is null)::int << 2) | ((c.birthday is null)::int << 3) | ((c.city is null)::int << 4)"
                        + " from client_identity i"
                        + " join unnest(?::text[], ?::text[]) as k(kind, value) on i.kind = k.kind and i.value = k.value"
                        + " join client c on c.id = i.client_id")) {
            st.setArray(1, connection.createArrayOf("text", kinds));
            st.setArray(2, connection.createArrayOf("text", values));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    existing.put(new Key(rs.getString(1), rs.getString(2)), rs.getLong(3));
                    missingFieldsOf.put(rs.getLong(3), rs.getInt(4));
                }
            }
        }
        return existing;
    }

    private List<Long> allocateClientIds(int count) throws SQLException {
        List<Long> ids = new ArrayList<>(count);
        if (count == 0) {
            return ids;
        }
        try (PreparedStatement st = connection.prepareStatement(
                "select nextval('client_id_seq') from generate_series(1, ?)")) {
            st.setInt(1, count);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /** Existing clients keep what they have; fields they lack are filled from this batch. */
    private void fillMissingProfile(Map<Integer, Profile> profiles, Map<Integer, Long> clientOfGroup, Set<Integer> created)
            throws SQLException {
        List<Long> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> phones = new ArrayList<>();
        List<String> emails = new ArrayList<>();
        List<String> cities = new ArrayList<>();
        List<java.sql.Date> birthdays = new ArrayList<>();
        profiles.forEach((group, p) -> {
            Integer missing = missingFieldsOf.get(clientOfGroup.get(group));
            // most batches tell nothing new about known clients: skip those without a gap to fill
            boolean fillsGap = missing == null || (missing & p.fields()) != 0;
            if (!created.contains(group) && fillsGap) {
                ids.add(clientOfGroup.get(group));
                names.add(p.name);
                phones.add(p.phone);
                emails.add(p.email);
                cities.add(p.city);
                birthdays.add(p.birthday == null ? null : java.sql.Date.valueOf(p.birthday));
            }
        });
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement(
                "update client c set name = coalesce(c.name, v.name), phone = coalesce(c.phone, v.phone),"
                        + " email = coalesce(c.email, v.email), birthday = coalesce(c.birthday, v.birthday),"
                        + " city = coalesce(c.city, v.city), updated_at = now()"
                        + " from unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::date[], ?::text[])"
                        + "   as v(id, name, phone, email, birthday, city)"
                        + " where c.id = v.id and ((c.name is null and v.name is not null)"
                        + "   or (c.phone is null and v.phone is not null) or (c.email is null and v.email is not null)"
                        + "   or (c.birthday is null and v.birthday is not null) or (c.city is null and v.city is not null))")) {
            st.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
            st.setArray(2, connection.createArrayOf("text", names.toArray()));
            st.setArray(3, connection.createArrayOf("text", phones.toArray()));
            st.setArray(4, connection.createArrayOf("text", emails.toArray()));
            st.setArray(5, connection.createArrayOf("date", birthdays.toArray()));
            st.setArray(6, connection.createArrayOf("text", cities.toArray()));
            st.executeUpdate();
        }
    }

    /** Moves everything of the absorbed clients to the survivor (the oldest id) and deletes them. */
    private void merge(long survivor, List<Long> absorbed) throws SQLException {
        Array others = connection.createArrayOf("bigint", absorbed.toArray());
        execute("update client s set name = coalesce(s.name, o.name), phone = coalesce(s.phone, o.phone),"
                + " email = coalesce(s.email, o.email), birthday = coalesce(s.birthday, o.birthday),"
                + " city = coalesce(s.city, o.city), updated_at = now()"
                + " from (select * from client where id = any(?) order by id limit 1) o where s.id = ?", others, survivor);
        execute("update receipt set client_id = ? where client_id = any(?)", survivor, others);
        execute("update client_identity set client_id = ? where client_id = any(?)", survivor, others);
        // consent history is evidence (and a withdrawal must keep stopping messages): it moves with the
        // person instead of going with the deleted client; its latest row stays the current state
        execute("update consent set client_id = ? where client_id = any(?)", survivor, others);
        execute("update client_address a set client_id = ? where client_id = any(?) and not exists (select 1 from client_address s"
                + " where s.client_id = ? and s.channel = a.channel and s.address = a.address)", survivor, others, survivor);
        execute("update telegram_start_token set client_id = ? where client_id = any(?)", survivor, others);
        execute("delete from client_stats where client_id = any(?)", others);
        execute("delete from client where id = any(?)", others);
    }

    private void execute(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                st.setObject(i + 1, parameters[i]);
            }
            st.executeUpdate();
        }
    }

    /** The buyer's details as the batch tells them, later receipts overriding earlier ones. */
    private static final class Profile {
        String name;
        String phone;
        String email;
        java.time.LocalDate birthday;
        String city;

        static final int ALL_FIELDS = 31;

        /** Bits of the fields this profile has: name 1, phone 2, email 4, birthday 8, city 16. */
        int fields() {
            return (name != null ? 1 : 0) | (phone != null ? 2 : 0) | (email != null ? 4 : 0)
                    | (birthday != null ? 8 : 0) | (city != null ? 16 : 0);
        }

        void take(Buyer b) {
            name = b.name() != null ? b.name() : name;
            phone = b.phone() != null ? b.phone() : phone;
            email = b.email() != null ? b.email() : email;
            birthday = b.birthday() != null ? b.birthday() : birthday;
            city = b.city() != null ? b.city() : city;
        }
    }

    /** Groups identity keys that one receipt shows to belong to the same person. */
    private static final class UnionFind {
        private int[] parent = new int[256];
        private int size;

        int add() {
            if (size == parent.length) {
                parent = java.util.Arrays.copyOf(parent, size * 2);
            }
            parent[size] = size;
            return size++;
        }

        int find(int i) {
            while (parent[i] != i) {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            return i;
        }

        void union(int a, int b) {
            int ra = find(a);
            int rb = find(b);
            if (ra != rb) {
                parent[Math.max(ra, rb)] = Math.min(ra, rb);
            }
        }
    }
}
