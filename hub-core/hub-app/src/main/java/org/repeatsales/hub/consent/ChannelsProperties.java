package org.repeatsales.hub.consent;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of channels that belong to the hub rather than to one connector ({@code hub.channels.*}).
 *
 * @param publicUrl the address clients reach the hub at, for unsubscribe links in messages
 * @param unsubscribeSecret key of the unsubscribe links' signatures (and of Telegram start tokens);
 *     empty means a key generated once into {@code dataDir/unsubscribe.key}. Set it from the
 *     environment ({@code HUB_UNSUBSCRIBE_SECRET}) when several hubs must accept each other's links
 * @param telegramLinkTtl how long a Telegram start link stays usable; an unused link is handed out
 *     again while at least half of this is left
 * @param intake reading clients' commands (Telegram {@code /start}, {@code /stop}) from connectors
 */
@ConfigurationProperties("hub.channels")
public record ChannelsProperties(@DefaultValue("http://localhost:8080") String publicUrl,
        @DefaultValue("") String unsubscribeSecret,
        @DefaultValue("30d") Duration telegramLinkTtl,
        @DefaultValue Intake intake) {

    /**
     * @param enabled poll the connectors that receive commands (Telegram {@code getUpdates})
     * @param pollWait how long one long poll waits for a command when there is none
     * @param retryDelay the pause after a failed poll (unreachable API, a webhook set for the bot)
     */
    public record Intake(@DefaultValue("true") boolean enabled, @DefaultValue("10s") Duration pollWait,
            @DefaultValue("30s") Duration retryDelay) {
    }

    @Override
    public String toString() {
        return "ChannelsProperties[publicUrl=" + publicUrl + ", telegramLinkTtl=" + telegramLinkTtl + ", intake=" + intake + "]";
    }
}
