package org.repeatsales.hub.routes.sources;

/**
 * How one poll went.
 *
 * @param runId the import run that recorded it (0 when the poll did not start)
 * @param busy another poll of the same source was running, so this one did not start
 */
public record PollOutcome(long runId, boolean succeeded, boolean busy, String message) {

    public static PollOutcome busy(String sourceId) {
        return new PollOutcome(0, false, true, "A poll of source " + sourceId + " is already running");
    }
}
