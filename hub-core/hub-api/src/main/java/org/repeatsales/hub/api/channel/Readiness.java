package org.repeatsales.hub.api.channel;

import java.util.Objects;

/**
 * Whether a connector can send with its current settings; when not, a reason an admin can act on
 * ("hub.plugins.email.host is not set"). Never contains a secret.
 *
 * @param isReady true when sends may be attempted
 * @param reason why not, or null when ready
 */
public record Readiness(boolean isReady, String reason) {

    private static final Readiness READY = new Readiness(true, null);

    public Readiness {
        if (isReady && reason != null) {
            throw new IllegalArgumentException("A ready connector has no reason");
        }
        if (!isReady && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("A connector that is not ready must say why");
        }
    }

    public static Readiness ready() {
        return READY;
    }

    public static Readiness notReady(String reason) {
        return new Readiness(false, Objects.requireNonNull(reason, "reason"));
    }
}
