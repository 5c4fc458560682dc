package org.repeatsales.hub.campaign.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.api.channel.RateLimit;

class PacerTest {

    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * MS);

    @Test
    void shouldSpaceSendsEvenlyUnderTheOverallLimit() {
        Pacer pacer = new Pacer(RateLimit.perSecond(20), RateLimit.UNLIMITED, now::get);

        List<Long> slots = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            slots.add(pacer.reserve("client-" + i));
        }

        for (int i = 1; i < slots.size(); i++) {
            assertThat(slots.get(i) - slots.get(i - 1)).isEqualTo(50 * MS);
        }
        assertThat(slots.get(0)).as("the first send waits for nothing").isEqualTo(now.get());
    }

    @Test
    void shouldHoldASecondMessageToOneAddressWithoutDelayingOthers() {
        Pacer pacer = new Pacer(RateLimit.perSecond(30), RateLimit.perSecond(1), now::get);

        long first = pacer.reserve("chat-1");
        long again = pacer.reserve("chat-1");
        long other = pacer.reserve("chat-2");

        assertThat(again - first).as("one a second to one chat").isGreaterThanOrEqualTo(1000 * MS);
        assertThat(other - first).as("another chat takes the next free slot").isEqualTo(Duration.ofSeconds(1).toNanos() / 30);
    }

    @Test
    void shouldForgetSlotsOnceTheyArePast() {
        Pacer pacer = new Pacer(new RateLimit(2, Duration.ofSeconds(1)), RateLimit.UNLIMITED, now::get);
        pacer.reserve("a");
        pacer.reserve("b");

        now.addAndGet(5_000 * MS);

        assertThat(pacer.reserve("c")).isEqualTo(now.get());
    }

    @Test
    void shouldNotPaceAnUnlimitedConnector() {
        assertThat(new Pacer(RateLimit.UNLIMITED, RateLimit.UNLIMITED, now::get).unlimited()).isTrue();
    }
}
