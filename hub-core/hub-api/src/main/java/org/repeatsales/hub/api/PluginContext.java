package org.repeatsales.hub.api;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What the hub hands to a plugin's extensions: an extension class with a public constructor taking
 * one {@code PluginContext} receives it; otherwise its no-argument constructor is used.
 *
 * <p>This is the only way a plugin learns about its surroundings: it never sees Spring, jOOQ or the
 * database.
 *
 * @param pluginId the id the plugin declared in {@code plugin.properties}
 * @param config the plugin's settings, {@code hub.plugins.<id>.*} with the prefix removed
 * @param clock the hub's clock (tests fix it)
 * @param logger a logger named after the plugin; never log phone numbers or e-mails
 */
public record PluginContext(String pluginId, Map<String, String> config, Clock clock, System.Logger logger) {

    public PluginContext {
        Objects.requireNonNull(pluginId, "pluginId");
        config = Map.copyOf(config);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(logger, "logger");
    }
}
