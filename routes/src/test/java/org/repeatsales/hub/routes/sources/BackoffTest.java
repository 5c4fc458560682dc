package org.repeatsales.hub.routes.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));

    @Test
    void shouldDoubleTheCeilingWithEveryRetryAndJitterAboveItsHalf() {
        for (int i = 0; i < 50; i++) {
            assertThat(backoff.delay(1).toMillis()).isBetween(50L, 100L);
            assertThat(backoff.delay(3).toMillis()).isBetween(200L, 400L);
        }
    }

    @Test
    void shouldNeverWaitLongerThanTheMaximum() {
        for (int i = 0; i < 50; i++) {
            assertThat(backoff.delay(40).toMillis()).isBetween(500L, 1000L);
        }
    }
}
