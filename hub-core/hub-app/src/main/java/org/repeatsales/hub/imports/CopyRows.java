package org.repeatsales.hub.imports;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows in PostgreSQL's COPY text format, encoded straight to UTF-8 bytes as they are added and sent
 * in one round trip: the fastest way to move a batch into a table. Writing bytes (rather than
 * building a string the driver then re-encodes through a reader) halves the writer thread's work
 * per row, which matters on a machine whose cores the parser and PostgreSQL share.
 */
final class CopyRows {

    private static final byte[] NULL = {'\\', 'N'};

    private byte[] buffer = new byte[1 << 16];
    private int length;
    private boolean rowStarted;
    private long rows;

    CopyRows text(String value) {
        separate();
        if (value == null) {
            return bytes(NULL);
        }
        int n = value.length();
        ensure(n * 3 + 2);
        byte[] b = buffer;
        int at = length;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '\\' -> { b[at++] = '\\'; b[at++] = '\\'; }
                    case '\t' -> { b[at++] = '\\'; b[at++] = 't'; }
                    case '\n' -> { b[at++] = '\\'; b[at++] = 'n'; }
                    case '\r' -> { b[at++] = '\\'; b[at++] = 'r'; }
                    default -> b[at++] = (byte) c;
                }
            } else if (c < 0x800) {
                b[at++] = (byte) (0xC0 | (c >> 6));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, value.charAt(++i));
                b[at++] = (byte) (0xF0 | (cp >> 18));
                b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                b[at++] = '?'; // a lone surrogate has no UTF-8 form; the JDK's encoder does the same
            } else {
                b[at++] = (byte) (0xE0 | (c >> 12));
                b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        length = at;
        return this;
    }

    CopyRows number(BigDecimal value) {
        return raw(value == null ? null : value.toPlainString());
    }

    CopyRows number(long value) {
        separate();
        ensure(20);
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                return ascii(Long.toString(value));
            }
            buffer[length++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long v = value / 10; v > 0; v /= 10) {
            digits++;
        }
        for (int i = length + digits - 1; i >= length; i--) {
            buffer[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length += digits;
        return this;
    }

    CopyRows id(Long value) {
        if (value == null) {
            separate();
            return bytes(NULL);
        }
        return number(value.longValue());
    }

    CopyRows time(Instant value) {
        return raw(value == null ? null : value.toString());
    }

    CopyRows date(LocalDate value) {
        return raw(value == null ? null : value.toString());
    }

    CopyRows bool(boolean value) {
        separate();
        ensure(1);
        buffer[length++] = (byte) (value ? 't' : 'f');
        return this;
    }

    CopyRows endRow() {
        ensure(1);
        buffer[length++] = '\n';
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
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + tableAndColumns + " FROM STDIN");
        try {
            copy.writeToCopy(buffer, 0, length);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** A value that needs no escaping (numbers, times, dates: ASCII without tabs or line breaks). */
    private CopyRows raw(String value) {
        separate();
        return value == null ? bytes(NULL) : ascii(value);
    }

    private CopyRows ascii(String value) {
        int n = value.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buffer[length++] = (byte) value.charAt(i);
        }
        return this;
    }

    private CopyRows bytes(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, buffer, length, value.length);
        length += value.length;
        return this;
    }

    private void separate() {
        if (rowStarted) {
            ensure(1);
            buffer[length++] = '\t';
        }
        rowStarted = true;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
