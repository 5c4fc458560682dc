package org.repeatsales.hub.sources;

import java.time.OffsetDateTime;
import java.util.List;

/** What an admin sees of one source instance. Holds no credential. */
public record SourceStatus(String id, String kind, String state, OffsetDateTime lastSuccessfulPoll, OffsetDateTime lastPoll,
                           String watermark, Long lastRunId, Long rowsLastRun, int consecutiveFailures, String lastError) {

    public static String toText(List<SourceStatus> all) {
        if (all.isEmpty()) {
            return "No sources configured (add them under hub.sources in config/application.yml)\n";
        }
        StringBuilder text = new StringBuilder();
        for (SourceStatus s : all) {
            text.append(String.format("%-16s %-11s %-8s last ok %s, watermark %s, rows last run %s, failures %d%n",
                    s.id(), s.kind(), s.state(), s.lastSuccessfulPoll() == null ? "never" : s.lastSuccessfulPoll(),
                    s.watermark() == null ? "none" : s.watermark(), s.rowsLastRun() == null ? "-" : s.rowsLastRun(),
                    s.consecutiveFailures()));
            if (s.lastError() != null) {
                text.append("    last error: ").append(s.lastError()).append('\n');
            }
        }
        return text.toString();
    }
}
