package org.repeatsales.hub.connector.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The benchmark's stand-in for Telegram's flood control must refuse exactly what goes over the limit. */
class FloodControlTest {

    private static final long MS = 1_000_000L;

    @Test
    void shouldRefuseTheRequestThatMakesMoreThanTheLimitWithinOneSecond() {
        AtomicLong now = new AtomicLong();
        FloodControl flood = new FloodControl(3, now::get);
        for (long at : new long[] {0, 100, 200, 999, 1000, 1100}) {
            now.set(at * MS);
            flood.transform(null);
        }
        // 0,100,200 pass; 999 is the 4th within a second; 1000 sees 100,200,999 before it (4th); 1100 sees 200,999,1000
        assertThat(flood.refused()).isEqualTo(3);
        assertThat(flood.arrived()).isEqualTo(6);
        assertThat(flood.densestSecond()).isEqualTo(4);
    }

    @Test
    void shouldPassEvenlySpacedRequestsAtTheLimit() {
        AtomicLong now = new AtomicLong();
        FloodControl flood = new FloodControl(30, now::get);
        List<Long> arrivals = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            now.set(i * 1000 * MS / 30 + MS);
            arrivals.add(now.get());
            flood.transform(null);
        }
        assertThat(flood.refused()).isZero();
        assertThat(FloodControl.densestSecond(arrivals)).isEqualTo(30);
    }
}
