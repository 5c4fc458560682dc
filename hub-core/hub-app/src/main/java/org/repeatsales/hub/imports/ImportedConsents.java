package org.repeatsales.hub.imports;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.repeatsales.hub.ingest.ConsentMark;
import org.repeatsales.hub.ingest.ReceiptRecord;

/**
 * Records the consents a sales file states (consent columns of its mapping) in the clients' consent
 * history, inside the batch's transaction: source {@code import}, proof the file and line.
 *
 * <p>A file's answer becomes a history row only when it is newer than the client's latest row on
 * that channel and says something else. So importing the same file again adds nothing, a client
 * who said "да" on every receipt gets one row, and an old file imported after the client
 * unsubscribed (by link or {@code /stop}) does not give the consent back.
 */
final class ImportedConsents {

    private ImportedConsents() {
    }

    private record Mark(long clientId, ConsentMark consent) {
    }

    private record Latest(boolean given, Instant at) {
    }

    /**
     * @param proofFile how the proof names the file ({@code sales.csv (import run 7)})
     * @return how many consent rows were recorded
     */
    static int record(Connection connection, List<ReceiptRecord> receipts, Map<ReceiptRecord, Long> clientOf,
            String proofFile) throws SQLException {
        List<Mark> marks = new ArrayList<>();
        for (ReceiptRecord r : receipts) {
            Long client = clientOf.get(r);
            // an anonymous receipt's consent belongs to nobody the hub could ever message
            if (client != null) {
                for (ConsentMark c : r.consents()) {
                    marks.add(new Mark(client, c));
                }
            }
        }
        if (marks.isEmpty()) {
            return 0;
        }
        storeAddresses(connection, marks);
        Map<String, Latest> latest = latest(connection, marks);
        marks.sort(Comparator.comparing((Mark m) -> m.consent().at()));
        int recorded = 0;
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into consent (client_id, channel, state, at, source, proof) values (?, ?, ?, ?, 'import', ?)")) {
            for (Mark m : marks) {
                String key = m.clientId() + "|" + m.consent().channel();
                Latest before = latest.get(key);
                if (before != null && (!m.consent().at().isAfter(before.at()) || before.given() == m.consent().given())) {
                    continue;
                }
                insert.setLong(1, m.clientId());
                insert.setString(2, m.consent().channel());
                insert.setString(3, m.consent().given() ? "given" : "withdrawn");
                insert.setTimestamp(4, Timestamp.from(m.consent().at()));
                insert.setString(5, proofFile + ", line " + m.consent().line());
                insert.addBatch();
                latest.put(key, new Latest(m.consent().given(), m.consent().at()));
                recorded++;
            }
            if (recorded > 0) {
                insert.executeBatch();
            }
        }
        return recorded;
    }

    private static void storeAddresses(Connection connection, List<Mark> marks) throws SQLException {
        Set<List<Object>> addresses = new LinkedHashSet<>();
        for (Mark m : marks) {
            if (m.consent().address() != null) {
                addresses.add(List.of(m.clientId(), m.consent().channel(), m.consent().address()));
            }
        }
        if (addresses.isEmpty()) {
            return;
        }
        Long[] clients = new Long[addresses.size()];
        String[] channels = new String[addresses.size()];
        String[] values = new String[addresses.size()];
        int i = 0;
        for (List<Object> a : addresses) {
            clients[i] = (Long) a.get(0);
            channels[i] = (String) a.get(1);
            values[i++] = (String) a.get(2);
        }
        try (PreparedStatement st = connection.prepareStatement("insert into client_address (client_id, channel, address)"
                + " select * from unnest(?::bigint[], ?::text[], ?::text[]) on conflict (client_id, channel, address) do nothing")) {
            st.setArray(1, connection.createArrayOf("bigint", clients));
            st.setArray(2, connection.createArrayOf("text", channels));
            st.setArray(3, connection.createArrayOf("text", values));
            st.executeUpdate();
        }
    }

    private static Map<String, Latest> latest(Connection connection, List<Mark> marks) throws SQLException {
        Map<String, Latest> latest = new HashMap<>();
        Long[] clients = marks.stream().map(Mark::clientId).distinct().toArray(Long[]::new);
        try (PreparedStatement st = connection.prepareStatement("select distinct on (client_id, channel) client_id, channel, state, at"
                + " from consent where client_id = any(?) order by client_id, channel, id desc")) {
            st.setArray(1, connection.createArrayOf("bigint", clients));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    latest.put(rs.getLong(1) + "|" + rs.getString(2),
                            new Latest("given".equals(rs.getString(3)), rs.getTimestamp(4).toInstant()));
                }
            }
        }
        return latest;
    }
}
