package org.repeatsales.hub.campaign;

import java.util.Objects;
import org.repeatsales.hub.api.channel.Channel;

/**
 * One place in a campaign's channel order: a client is tried on the first step where they have an
 * address and consent, and on the next one when that fails permanently.
 *
 * @param channel the channel
 * @param connector id of the connector plugin that sends on it (as in {@code GET /api/v1/plugins})
 * @param template what to send there
 */
public record ChannelStep(Channel channel, String connector, MessageTemplate template) {

    public ChannelStep {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(template, "template");
    }
}
