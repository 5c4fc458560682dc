package org.repeatsales.hub.imports;

import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import org.postgresql.PGConnection;

/**
 * Rows in PostgreSQL's COPY text format, sent in one round trip: the fastest way to move a batch
 * into a table.
 */
final class CopyRows {

    private final StringBuilder buffer = new StringBuilder(1 << 16);
    private boolean rowStarted;
    private long rows;

    CopyRows text(String value) {
        separate();
        if (value == null) {
            buffer.append("\\N");
            return this;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> buffer.append("\\\\");
                case '\t' -> buffer.append("\\t");
                case '\n' -> buffer.append("\\n");
                case '\r' -> buffer.append("\\r");
                default -> buffer.append(c);
            }
        }
        return this;
    }

    CopyRows number(BigDecimal value) {
        return raw(value == null ? null : value.toPlainString());
    }

    CopyRows number(long value) {
        return raw(Long.toString(value));
    }

    CopyRows id(Long value) {
        return raw(value == null ? null : value.toString());
    }

    CopyRows time(Instant value) {
        return raw(value == null ? null : value.toString());
    }

    CopyRows date(LocalDate value) {
        return raw(value == null ? null : value.toString());
    }

    CopyRows bool(boolean value) {
        return raw(value ? "t" : "f");
    }

    CopyRows endRow() {
        buffer.append('\n');
        rowStarted = false;
        rows++;
        return this;
    }

    long rows() {
        return rows;
    }

    /** Sends the rows with {@code COPY table (columns) FROM STDIN}; nothing is sent when empty. */
    void copyInto(Connection connection, String tableAndColumns) throws SQLException {
        if (rows == 0) {
            return;
        }
        try {
            connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + tableAndColumns + " FROM STDIN", new StringReader(buffer.toString()));
        } catch (java.io.IOException e) {
            throw new SQLException("COPY into " + tableAndColumns + " failed", e);
        }
    }

    private CopyRows raw(String value) {
        separate();
        buffer.append(value == null ? "\\N" : value);
        return this;
    }

    private void separate() {
        if (rowStarted) {
            buffer.append('\t');
        }
        rowStarted = true;
    }
}
