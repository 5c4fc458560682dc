package org.repeatsales.hub.campaign.dispatch;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.repeatsales.hub.api.channel.RateLimit;

/**
 * Spaces the sends of one connector, shared by every run this process dispatches, so the sum of all
 * campaigns stays within the connector's {@link RateLimit}s: over all addresses, sends at least
 * {@code per / permits} apart; to one address, likewise with its own limit. Evenly spaced rather
 * than in bursts, because providers count arrivals and a burst at the edge of a second would go
 * over. A send held back by its address's limit takes a later free slot without delaying sends to
 * other addresses. Times are {@link System#nanoTime()} values.
 */
final class Pacer {

    private final long interval;
    private final long addressInterval;
    private final LongSupplier clock;
    /** Granted send times that may still constrain a new one. */
    private final NavigableSet<Long> granted = new TreeSet<>();
    private final Map<String, Long> addressFree = new HashMap<>();

    Pacer(RateLimit overall, RateLimit perAddress, LongSupplier clock) {
        this.interval = overall.unlimited() ? 0 : overall.per().toNanos() / overall.permits();
        this.addressInterval = perAddress.unlimited() ? 0 : perAddress.per().toNanos() / perAddress.permits();
        this.clock = clock;
    }

    boolean unlimited() {
        return interval == 0 && addressInterval == 0;
    }

    /** Reserves the earliest moment a send to {@code address} may start; the caller waits until then. */
    synchronized long reserve(String address) {
        long now = clock.getAsLong();
        long at = now;
        if (addressInterval > 0) {
            at = Math.max(at, addressFree.getOrDefault(address, now));
        }
        if (interval > 0) {
            granted.headSet(now - interval, false).clear();
            // move forward until no granted slot lies within one interval on either side
            boolean moved = true;
            while (moved) {
                moved = false;
                Long before = granted.floor(at);
                if (before != null && at - before < interval) {
                    at = before + interval;
                    moved = true;
                }
                Long after = granted.ceiling(at);
                if (after != null && after - at < interval) {
                    at = after + interval;
                    moved = true;
                }
            }
            granted.add(at);
        }
        if (addressInterval > 0) {
            addressFree.put(address, at + addressInterval);
            if (addressFree.size() > 50_000) {
                addressFree.values().removeIf(free -> free < now);
            }
        }
        return at;
    }

    /** Reserves a slot and sleeps until it. */
    void await(String address) throws InterruptedException {
        if (unlimited()) {
            return;
        }
        long wait = reserve(address) - clock.getAsLong();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
