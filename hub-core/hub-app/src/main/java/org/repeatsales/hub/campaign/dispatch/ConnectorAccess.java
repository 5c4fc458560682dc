package org.repeatsales.hub.campaign.dispatch;

import java.util.function.Function;
import org.repeatsales.hub.api.channel.ChannelConnector;

/**
 * How the dispatcher reaches a connector by id: through the plugin registry in the hub (a plugin is
 * not unloaded while a send uses it); the dispatch benchmark adds a no-op connector beside them.
 */
public interface ConnectorAccess {

    /** @throws java.util.NoSuchElementException when no started plugin offers the connector */
    <T> T withConnector(String connectorId, Function<ChannelConnector, T> work);
}
