package org.repeatsales.hub.connector.telegram;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Hands out send times so the Bot API never sees more than the global rate, more than one message a
 * second to a chat, or anything at all while a 429 pause lasts. Sends are spread evenly (any two at
 * least {@code (1 s + margin) / rate} apart) rather than let through in bursts: Telegram counts at
 * arrival, and the margin absorbs network jitter that would otherwise squeeze 31 arrivals into one
 * second. A chat's second message waiting for its own second takes a later slot without holding up
 * other chats' messages. Thread-safe; times are {@link System#nanoTime()} values.
 */
final class SendPacer {

    private static final long SECOND = 1_000_000_000L;

    private final long globalInterval;
    private final long chatInterval;
    private final LongSupplier nanoTime;
    private final Map<String, Long> chatNext = new HashMap<>();
    /** Reserved send times not yet more than one interval in the past. */
    private final TreeSet<Long> slots = new TreeSet<>();
    private long pausedUntil;

    SendPacer(int ratePerSecond, int marginMillis, LongSupplier nanoTime) {
        this.globalInterval = (SECOND + marginMillis * 1_000_000L) / ratePerSecond;
        this.chatInterval = SECOND + marginMillis * 1_000_000L;
        this.nanoTime = nanoTime;
        this.pausedUntil = nanoTime.getAsLong();
    }

    /** Reserves the earliest time a message to {@code chat} may leave; the caller waits until then. */
    synchronized long reserve(String chat) {
        long now = nanoTime.getAsLong();
        slots.headSet(now - globalInterval).clear();
        long at = Math.max(Math.max(now, pausedUntil), chatNext.getOrDefault(chat, now));
        // the earliest time at least one interval away from every reserved slot
        while (true) {
            Long before = slots.floor(at);
            if (before != null && at - before < globalInterval) {
                at = before + globalInterval;
                continue;
            }
            Long after = slots.ceiling(at);
            if (after != null && after - at < globalInterval) {
                at = after + globalInterval;
                continue;
            }
            break;
        }
        slots.add(at);
        chatNext.put(chat, at + chatInterval);
        forgetIdleChats(now);
        return at;
    }

    /** Stops all sends until {@code nanos} (a 429 applies to the whole bot, not only to one chat). */
    synchronized void pauseUntil(long nanos) {
        pausedUntil = Math.max(pausedUntil, nanos);
    }

    /** The end of the current pause, or a time in the past when there is none. */
    synchronized long pausedUntil() {
        return pausedUntil;
    }

    private void forgetIdleChats(long now) {
        // one entry per chat of a large campaign would otherwise stay forever
        if (chatNext.size() > 10_000) {
            for (Iterator<Long> it = chatNext.values().iterator(); it.hasNext();) {
                if (it.next() < now) {
                    it.remove();
                }
            }
        }
    }
}
