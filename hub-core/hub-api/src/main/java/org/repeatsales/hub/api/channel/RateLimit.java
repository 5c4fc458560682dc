package org.repeatsales.hub.api.channel;

import java.time.Duration;
import java.util.Objects;

/**
 * How fast a connector may be called: at most {@code permits} sends per {@code per}, over all
 * addresses ({@link ChannelConnector#rateLimit()}) or to one address
 * ({@link ChannelConnector#perAddressRateLimit()}). The hub's dispatcher paces sends by it; the
 * connector does not sleep itself.
 *
 * @param permits sends allowed in one period, at least 1
 * @param per the period, positive
 */
public record RateLimit(int permits, Duration per) {

    /** No limit the hub needs to respect. */
    public static final RateLimit UNLIMITED = new RateLimit(Integer.MAX_VALUE, Duration.ofSeconds(1));

    public RateLimit {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, got " + permits);
        }
        Objects.requireNonNull(per, "per");
        if (per.isNegative() || per.isZero()) {
            throw new IllegalArgumentException("per must be positive, got " + per);
        }
    }

    public static RateLimit perSecond(int permits) {
        return new RateLimit(permits, Duration.ofSeconds(1));
    }

    public boolean unlimited() {
        return permits == Integer.MAX_VALUE;
    }
}
