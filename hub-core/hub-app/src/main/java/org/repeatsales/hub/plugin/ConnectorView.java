package org.repeatsales.hub.plugin;

import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.RateLimit;

/**
 * A connector of a started plugin as the API shows it: what it declares and whether it can send
 * now. Never holds a setting's value (a connector's readiness reason names settings, not secrets).
 *
 * @param id the connector id, used in campaigns and {@code /api/v1/channels/{id}/test}
 * @param plugin the plugin that offers it
 * @param channel the channel it serves
 * @param ready whether its settings allow sending
 * @param reason why not, null when ready
 * @param rateLimit sends over all addresses
 * @param perAddressRateLimit sends to one address
 * @param receivesCommands whether the hub reads clients' commands (Telegram /start, /stop) through it
 */
public record ConnectorView(String id, String plugin, Channel channel, boolean ready, String reason,
        RateLimit rateLimit, RateLimit perAddressRateLimit, boolean receivesCommands) {
}
