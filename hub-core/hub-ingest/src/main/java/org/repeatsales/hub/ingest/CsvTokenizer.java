package org.repeatsales.hub.ingest;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits decoded text into records of raw field values: delimiter-separated, CRLF or LF line
 * ends, RFC 4180 quoting (doubled quotes, line breaks inside quotes). Values are returned as they
 * were between the delimiters (unquoted, untrimmed); empty lines are skipped.
 *
 * <p>Works on a char buffer and cuts unquoted fields straight out of it, because it runs over
 * files with millions of rows; a field only goes through a {@link StringBuilder} when it is quoted
 * or straddles two buffer fills.
 */
final class CsvTokenizer {

    /** An unclosed quote would otherwise swallow the rest of a 100 MB file into one field. */
    static final int MAX_FIELD_CHARS = 1_000_000;

    private static final String[] NO_FIELDS = new String[0];

    private final Reader in;
    private final char delimiter;
    private final char[] buf = new char[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private long lineNo = 1;
    private long recordLine;
    private final List<String> fields = new ArrayList<>(32);
    private final StringBuilder sb = new StringBuilder(256);
    private boolean lastWasCr;

    CsvTokenizer(Reader in, char delimiter) {
        this.in = in;
        this.delimiter = delimiter;
    }

    /** Physical line (1-based) on which the record last returned by {@link #next()} starts. */
    long line() {
        return recordLine;
    }

    /** The next non-empty record, or null at the end of input. */
    String[] next() throws IOException, UnreadableFileException {
        while (true) {
            if (!ensure()) {
                return null;
            }
            char c = buf[pos];
            if (c == '\n') {
                pos++;
                lineNo++;
            } else if (c == '\r') {
                pos++;
                lineNo++;
                skipLf();
            } else {
                break;
            }
        }
        recordLine = lineNo;
        fields.clear();
        while (!readField()) {
            // one field per iteration until the record ends
        }
        return fields.toArray(NO_FIELDS);
    }

    /** Reads one field into {@link #fields}; true when it ended the record. */
    private boolean readField() throws IOException, UnreadableFileException {
        if (!ensure()) {
            fields.add("");
            return true;
        }
        if (buf[pos] == '"') {
            pos++;
            sb.setLength(0);
            readQuoted();
            return readRest();
        }
        int start = pos;
        char d = delimiter;
        char[] b = buf;
        int lim = limit;
        int p = pos;
        while (p < lim) {
            char c = b[p];
            if (c == d) {
                fields.add(new String(b, start, p - start));
                pos = p + 1;
                return false;
            }
            if (c == '\n' || c == '\r') {
                fields.add(new String(b, start, p - start));
                pos = p;
                return endLine();
            }
            p++;
        }
        // the field straddles a buffer fill
        sb.setLength(0);
        sb.append(b, start, p - start);
        pos = p;
        return readRest();
    }

    /** Appends the remaining unquoted chars of the current field to {@link #sb}, then stores it. */
    private boolean readRest() throws IOException {
        while (true) {
            if (!ensure()) {
                fields.add(sb.toString());
                return true;
            }
            int start = pos;
            int p = pos;
            while (p < limit) {
                char c = buf[p];
                if (c == delimiter) {
                    sb.append(buf, start, p - start);
                    fields.add(sb.toString());
                    pos = p + 1;
                    return false;
                }
                if (c == '\n' || c == '\r') {
                    sb.append(buf, start, p - start);
                    fields.add(sb.toString());
                    pos = p;
                    return endLine();
                }
                p++;
            }
            sb.append(buf, start, p - start);
            pos = p;
        }
    }

    /** Reads a quoted value up to and including its closing quote into {@link #sb}. */
    private void readQuoted() throws IOException, UnreadableFileException {
        long startedOn = lineNo;
        lastWasCr = false;
        while (true) {
            if (!ensure()) {
                return; // unclosed quote at the end of the file: keep what there is
            }
            int start = pos;
            int p = pos;
            while (p < limit) {
                char c = buf[p];
                if (c == '"') {
                    break;
                }
                if (c == '\r') {
                    lineNo++;
                    lastWasCr = true;
                } else {
                    if (c == '\n' && !lastWasCr) {
                        lineNo++; // CRLF was counted at its CR, possibly in the previous fill
                    }
                    lastWasCr = false;
                }
                p++;
            }
            sb.append(buf, start, p - start);
            pos = p;
            if (sb.length() > MAX_FIELD_CHARS) {
                throw new UnreadableFileException("Line " + startedOn
                        + ": a quoted value is never closed (over " + MAX_FIELD_CHARS + " characters); check the quotes in the file");
            }
            if (p < limit) {
                pos++; // past the quote
                if (!ensure()) {
                    return;
                }
                if (buf[pos] == '"') {
                    sb.append('"');
                    pos++;
                } else {
                    return;
                }
            }
        }
    }

    private boolean endLine() throws IOException {
        char c = buf[pos++];
        lineNo++;
        if (c == '\r') {
            skipLf();
        }
        return true;
    }

    private void skipLf() throws IOException {
        if (ensure() && buf[pos] == '\n') {
            pos++;
        }
    }

    private boolean ensure() throws IOException {
        if (pos < limit) {
            return true;
        }
        if (eof) {
            return false;
        }
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            limit = pos = 0;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }
}
