package org.repeatsales.hub.imports;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work that must be committed together with a batch of receipts, such as a live source's
 * watermark: it runs on the batch's connection, inside its transaction, just before the commit.
 */
@FunctionalInterface
public interface InTransaction {

    void run(Connection connection) throws SQLException;
}
