package org.repeatsales.hub.campaign.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a run (or all runs of a campaign) did and what it brought back.
 *
 * @param campaignId the campaign
 * @param campaign its name
 * @param runIds the runs counted: one for a run's report, every run that was not a dry run for a campaign's
 * @param state the run's state; null for a campaign's report
 * @param dryRun whether the run was a dry run (nothing sent); false for a campaign's report
 * @param attributionDays the attribution window in days (of the run, or of the latest run for a campaign)
 * @param audience clients the audience matched at planning
 * @param targeted queued for sending at planning
 * @param heldOut the control group: selected, never sent
 * @param capped not sent because of the frequency cap, at planning or at send time
 * @param noConsent no channel with consent and address, at planning
 * @param deferred queued past the client's quiet hours at planning
 * @param queued still waiting to be sent
 * @param sending being sent right now
 * @param sent left the hub: a provider took the message (it has a send time)
 * @param delivered the provider confirmed it
 * @param failed failed on every channel tried
 * @param failedByReason failed deliveries by reason, most frequent first
 * @param unsubscribed the provider answered that the client unsubscribed or blocked the channel
 * @param cancelled the run was stopped before they were sent
 * @param optedOut clients who withdrew consent on the channel of the message within the attribution
 *     window after it (unsubscribe link, provider or another source)
 * @param conversion purchases after the message against the control group
 */
public record CampaignReport(long campaignId, String campaign, List<Long> runIds, String state, boolean dryRun,
        long attributionDays, long audience, long targeted, long heldOut, long capped, long noConsent, long deferred,
        long queued, long sending, long sent, long delivered, long failed, Map<String, Long> failedByReason,
        long unsubscribed, long cancelled, long optedOut, Conversion conversion) {

    /**
     * One group's purchases in its attribution windows.
     *
     * @param clients members of the group: deliveries that were sent, or rows of the control group
     * @param buyers of them, those with at least one purchase (a receipt that is not a refund) in the window
     * @param rate buyers / clients; 0 for an empty group
     * @param revenue sum of those purchases, rubles
     * @param revenuePerClient revenue / clients
     */
    public record Group(long clients, long buyers, double rate, BigDecimal revenue, BigDecimal revenuePerClient) {
    }

    /**
     * The sent group against the control group. The control group's window starts when the run
     * froze its audience (it was never sent anything), the sent group's at each message's send time.
     *
     * @param sent clients who were sent the message
     * @param control clients held out
     * @param uplift conversion of the sent minus conversion of the control group; null when a group is empty
     * @param upliftLow lower end of the 95% confidence interval of the uplift
     * @param upliftHigh upper end
     * @param method how the interval is computed
     * @param incrementalRevenue (revenue per sent client - revenue per control client) x sent clients,
     *     rubles; null when a group is empty
     * @param windowsOpenUntil the end of the latest attribution window: until then the figures still grow
     */
    public record Conversion(Group sent, Group control, Double uplift, Double upliftLow, Double upliftHigh, String method,
            BigDecimal incrementalRevenue, Instant windowsOpenUntil) {
    }
}
