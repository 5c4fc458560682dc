package org.repeatsales.hub.plugin;

import java.util.List;

/**
 * One plugin file of the folder as the API shows it.
 *
 * @param id the plugin id from its descriptor, or the file name when the file could not be read
 * @param file the file in the plugin folder
 * @param version the plugin's version, null when unknown
 * @param requires the hub-api range the plugin declared
 * @param state started, disabled or failed
 * @param reason why it failed, null otherwise
 * @param extensions class names of its extensions
 * @param strategies ids of the segmentation strategies it offers (when started)
 */
public record PluginView(String id, String file, String version, String requires, String description,
                         PluginState state, String reason, List<String> extensions, List<String> strategies) {
}
