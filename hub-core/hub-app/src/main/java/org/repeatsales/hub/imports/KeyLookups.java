package org.repeatsales.hub.imports;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.postgresql.PGStatement;

/**
 * Statements that look a batch's keys up in tables the import itself fills (identities, receipts).
 *
 * <p>They are planned anew for every batch. Once the driver prepares a statement on the server,
 * PostgreSQL may switch to a generic plan that guesses ten elements for an array parameter and keeps
 * the table sizes of the moment it was made; made while the store was empty, it scanned every
 * client for every key of every later batch until autovacuum happened to analyze the tables again.
 * Only these lookups are exempt: the rest of the batch (the foreign-key checks of each COPY row
 * above all) keeps its cached plans.
 */
final class KeyLookups {

    private KeyLookups() {
    }

    static PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        PreparedStatement st = connection.prepareStatement(sql);
        st.unwrap(PGStatement.class).setPrepareThreshold(0);
        return st;
    }
}
