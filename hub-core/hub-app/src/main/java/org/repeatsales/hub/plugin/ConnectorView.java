package org.repeatsales.hub.plugin;

import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.RateLimit;

/**
 * A connector as the API shows it: what it declares and whether it can send now; or, for a plugin
 * that failed or is disabled, that it cannot and why (an admin must see a channel whose plugin is
 * broken, not miss it). Never holds a setting's value (a connector's readiness reason names
 * settings, not secrets).
 *
 * @param id the connector id, used in campaigns and {@code /api/v1/channels/{id}/test}; null for a
 *     plugin that never started in this process, whose connectors' ids are not known
 * @param plugin the plugin that offers it
 * @param channel the channel it serves, null when not known (as the id)
 * @param pluginState whether its plugin is started, disabled or failed
 * @param ready whether it can send now (never for a plugin that is not started)
 * @param reason why not, null when ready
 * @param rateLimit sends over all addresses, null when its plugin is not started
 * @param perAddressRateLimit sends to one address, null when its plugin is not started
 * @param receivesCommands whether the hub reads clients' commands (Telegram /start, /stop) through it
 */
public record ConnectorView(String id, String plugin, Channel channel, PluginState pluginState, boolean ready,
        String reason, RateLimit rateLimit, RateLimit perAddressRateLimit, boolean receivesCommands) {

    /** ready, not-ready (started, settings missing or wrong), failed or disabled (its plugin). */
    public String state() {
        return switch (pluginState) {
            case STARTED -> ready ? "ready" : "not-ready";
            case FAILED -> "failed";
            case DISABLED -> "disabled";
        };
    }
}
