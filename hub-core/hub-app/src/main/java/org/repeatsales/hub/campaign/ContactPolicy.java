package org.repeatsales.hub.campaign;

import java.time.Duration;
import java.time.LocalTime;

/**
 * How often and when a client may be contacted, globally ({@code hub.campaigns.*}) or overridden
 * by one campaign.
 *
 * @param frequencyCap at most one marketing message per client within this span, over all
 *     campaigns and channels
 * @param quietFrom start of the quiet hours in the client's zone (inclusive)
 * @param quietTo end of the quiet hours in the client's zone (exclusive); may be before
 *     {@code quietFrom}, meaning the quiet hours run over midnight
 * @param controlShare share of the audience held out as the control group, 0 to 1
 * @param attribution how long after a send a purchase counts as the campaign's conversion
 */
public record ContactPolicy(Duration frequencyCap, LocalTime quietFrom, LocalTime quietTo, double controlShare,
        Duration attribution) {

    public static final ContactPolicy DEFAULT = new ContactPolicy(Duration.ofDays(7), LocalTime.of(21, 0),
            LocalTime.of(9, 0), 0.10, Duration.ofDays(14));
}
