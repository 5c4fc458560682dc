package org.repeatsales.hub.campaign.dispatch;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the campaign dispatcher of this hub process works ({@code hub.campaigns.dispatch.*}, documented
 * in config/application.yml).
 *
 * @param enabled whether this process sends campaign deliveries at all
 * @param heartbeat how often the worker beats (its claims stay alive while it does)
 * @param deadAfterBeats a worker that missed this many beats is dead: its claims go back to the queue
 * @param batchSize deliveries claimed, checked, reserved, rendered and written per statement
 * @param idlePoll how long to wait before looking again when nothing was due
 * @param sendThreads concurrent sends per channel (each channel has its own, so a slow one does not
 *     hold up the others)
 * @param maxInFlightPerChannel claimed but unfinished deliveries per channel; beyond it the
 *     dispatcher claims only for the other channels
 * @param retryBackoff first wait after a temporary refusal, doubled per attempt, with jitter
 * @param maxRetryBackoff the longest wait between two attempts
 * @param maxAttempts attempts of one delivery on one channel before that channel is given up (the
 *     next channel of the campaign's order is tried, as after a permanent failure; with none left
 *     the delivery is failed)
 * @param maxAge how long after its run was planned a refused channel is still retried
 * @param stopTimeout how long stopping waits for sends in progress
 */
@ConfigurationProperties("hub.campaigns.dispatch")
public record DispatchProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2s") Duration heartbeat,
        @DefaultValue("5") int deadAfterBeats,
        @DefaultValue("500") int batchSize,
        @DefaultValue("500ms") Duration idlePoll,
        @DefaultValue("16") int sendThreads,
        @DefaultValue("4000") int maxInFlightPerChannel,
        @DefaultValue("30s") Duration retryBackoff,
        @DefaultValue("30m") Duration maxRetryBackoff,
        @DefaultValue("20") int maxAttempts,
        @DefaultValue("48h") Duration maxAge,
        @DefaultValue("30s") Duration stopTimeout) {

    public DispatchProperties {
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("hub.campaigns.dispatch.heartbeat must be positive, got " + heartbeat);
        }
        if (deadAfterBeats < 2) {
            throw new IllegalArgumentException("hub.campaigns.dispatch.dead-after-beats must be at least 2, got " + deadAfterBeats);
        }
        if (batchSize < 1 || sendThreads < 1 || maxInFlightPerChannel < batchSize || maxAttempts < 1) {
            throw new IllegalArgumentException("hub.campaigns.dispatch: batch-size, send-threads and max-attempts must be"
                    + " positive and max-in-flight-per-channel at least batch-size");
        }
    }

    /** A worker whose heartbeat is older than this has stopped. */
    Duration deadAfter() {
        return heartbeat.multipliedBy(deadAfterBeats);
    }
}
