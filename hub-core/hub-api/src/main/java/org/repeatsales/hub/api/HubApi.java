package org.repeatsales.hub.api;

/**
 * Version of the plugin contract.
 *
 * <p>A plain semantic version, independent of the Maven version of the hub: plugins declare the
 * range of it they need ({@code plugin.requires}), and the hub refuses a plugin whose range does not
 * include it. New surface is added as {@code default} methods and bumps the minor part; anything a
 * compiled plugin could notice bumps the major part.
 */
public final class HubApi {

    /** The contract version this hub implements. */
    public static final String VERSION = "0.6.0";

    private HubApi() {
    }
}
