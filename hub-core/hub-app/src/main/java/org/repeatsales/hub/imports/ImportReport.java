package org.repeatsales.hub.imports;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * What an import did: {@code rowsRead = inserted + updated + unchanged + rejected}, where rows are
 * the file's data records, and every rejected row with its physical line and reason.
 *
 * @param rejections the first rejected rows (all of them at {@code /imports/{id}/rejections})
 */
public record ImportReport(
        long id,
        String source,
        String file,
        String format,
        String mapping,
        String status,
        String message,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        Long bytesTotal,
        long bytesRead,
        long rowsRead,
        long inserted,
        long updated,
        long unchanged,
        long rejected,
        List<RejectedRow> rejections) {

    /** One data record that was not imported. */
    public record RejectedRow(long line, String reason, String raw) {
    }

    public boolean succeeded() {
        return "succeeded".equals(status);
    }

    /** The report as a person reads it in a terminal. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append("Import run ").append(id).append(" (").append(source).append(", ").append(file).append("): ")
                .append(status).append('\n');
        if (format != null) {
            text.append("  format ").append(format).append(mapping == null ? "" : ", mapping " + mapping).append('\n');
        }
        if (message != null) {
            text.append("  ").append(message).append('\n');
        }
        text.append("  rows read ").append(rowsRead).append(" = inserted ").append(inserted)
                .append(" + updated ").append(updated).append(" + unchanged ").append(unchanged)
                .append(" + rejected ").append(rejected).append('\n');
        if (rejections != null) {
            for (RejectedRow r : rejections) {
                text.append("  line ").append(r.line()).append(": ").append(r.reason()).append('\n');
            }
            if (rejected > rejections.size()) {
                text.append("  ... ").append(rejected - rejections.size()).append(" more rejected rows: GET /api/v1/imports/")
                        .append(id).append("/rejections\n");
            }
        }
        return text.toString();
    }
}
