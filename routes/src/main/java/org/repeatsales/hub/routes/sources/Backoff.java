package org.repeatsales.hub.routes.sources;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter between retries of one request: the delay doubles with every
 * attempt up to {@code max}, and a random part spreads retries of many hubs (or many sources of
 * one hub) so they do not hit a recovering server at the same instant.
 */
public record Backoff(Duration initial, Duration max) {

    /**
     * Delay before retry number {@code retry} (1 for the first retry): a random value between half
     * and all of {@code min(max, initial * 2^(retry-1))} ("equal jitter").
     */
    public Duration delay(int retry) {
        long ceiling = initial.toMillis() << Math.min(retry - 1, 30);
        if (ceiling <= 0 || ceiling > max.toMillis()) {
            ceiling = max.toMillis();
        }
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }
}
