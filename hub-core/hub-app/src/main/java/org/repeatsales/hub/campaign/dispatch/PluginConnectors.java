package org.repeatsales.hub.campaign.dispatch;

import java.util.function.Function;
import org.repeatsales.hub.api.channel.ChannelConnector;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.springframework.stereotype.Component;

/** The connectors of the started plugins. */
@Component
class PluginConnectors implements ConnectorAccess {

    private final PluginRegistry plugins;

    PluginConnectors(PluginRegistry plugins) {
        this.plugins = plugins;
    }

    @Override
    public <T> T withConnector(String connectorId, Function<ChannelConnector, T> work) {
        return plugins.withConnector(connectorId, work);
    }
}
