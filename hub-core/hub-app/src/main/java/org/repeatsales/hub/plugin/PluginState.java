package org.repeatsales.hub.plugin;

/** What an admin sees of a plugin file in the folder. */
public enum PluginState {
    /** Loaded, started, its extensions offered. */
    STARTED,
    /** Loaded but switched off by an admin (kept across restarts). */
    DISABLED,
    /** Could not be used: incompatible, corrupt, or it threw; {@code reason} says why. */
    FAILED
}
