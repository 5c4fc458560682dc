package org.repeatsales.hub.consent;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of channels that belong to the hub rather than to one connector ({@code hub.channels.*}).
 *
 * @param publicUrl the address clients reach the hub at, for unsubscribe links in messages
 * @param unsubscribeSecret key of the unsubscribe links' signatures; empty means a key generated
 *     once into {@code dataDir/unsubscribe.key}. Set it from the environment
 *     ({@code HUB_UNSUBSCRIBE_SECRET}) when several hubs must accept each other's links
 */
@ConfigurationProperties("hub.channels")
public record ChannelsProperties(@DefaultValue("http://localhost:8080") String publicUrl,
        @DefaultValue("") String unsubscribeSecret) {

    @Override
    public String toString() {
        return "ChannelsProperties[publicUrl=" + publicUrl + "]";
    }
}
