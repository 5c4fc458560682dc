package org.repeatsales.hub.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** What the API and the console show of campaigns and their runs. */
public final class CampaignViews {

    private CampaignViews() {
    }

    /**
     * @param state draft, active, paused or stopped
     * @param nextFireAt the scheduler's next slot; null when nothing is scheduled
     */
    public record Campaign(long id, String name, String state, String scheduleKind, Instant nextFireAt, JsonNode definition,
            String createdBy, Instant createdAt, Instant updatedAt) {
    }

    /**
     * A firing with its frozen counts: audience = targeted + heldOut + capped + noConsent; deferred
     * are the targeted whose send waits for the end of their quiet hours.
     *
     * @param slot the scheduled moment it stands for (for a manual run: when it was asked)
     * @param state planning, dispatching, paused, stopped, finished or failed
     */
    public record Run(long id, long campaignId, Instant slot, boolean dryRun, String state, String message, Instant createdAt,
            Instant plannedAt, Instant finishedAt, int audience, int targeted, int heldOut, int capped, int noConsent,
            int deferred) {
    }
}
