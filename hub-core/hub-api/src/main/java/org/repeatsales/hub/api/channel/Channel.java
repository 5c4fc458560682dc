package org.repeatsales.hub.api.channel;

/** Where a message goes: each connector serves exactly one channel. */
public enum Channel {
    EMAIL,
    TELEGRAM,
    SMS,
    PUSH
}
