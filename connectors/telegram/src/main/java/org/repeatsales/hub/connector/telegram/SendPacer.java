package org.repeatsales.hub.connector.telegram;

import java.util.ArrayDeque;
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
 * other chats' messages. Reserved times are when a send may leave. Sends do not arrive when they
 * leave: a thread woken late, a busy machine or network delays them unevenly, and evenly spaced
 * departures can still arrive bunched. So {@link #depart} also lets a send leave only one second
 * after the <em>answer</em> to the send {@code rate} places before it came back:
 * that send arrived before its answer, this one arrives after it leaves, so no second at Telegram
 * can hold more than the rate, whatever the delays. Thread-safe; times are {@link System#nanoTime()} values.
 */
final class SendPacer {

    private static final long SECOND = 1_000_000_000L;

    private final long globalInterval;
    private final long chatInterval;
    private final int ratePerSecond;
    private final long window;
    /** The last {@code ratePerSecond} sends that left, oldest first. */
    private final ArrayDeque<Departure> departures = new ArrayDeque<>();

    /** One send that left; {@code answeredAt} is set when its answer (or failure) came back. */
    static final class Departure {
        private long answeredAt;
        private boolean answered;
    }
    private final LongSupplier nanoTime;
    private final Map<String, Long> chatNext = new HashMap<>();
    /** Reserved send times not yet more than one interval in the past. */
    private final TreeSet<Long> slots = new TreeSet<>();
    private long pausedUntil;

    SendPacer(int ratePerSecond, int marginMillis, LongSupplier nanoTime) {
        this.globalInterval = (SECOND + marginMillis * 1_000_000L) / ratePerSecond;
        this.chatInterval = SECOND + marginMillis * 1_000_000L;
        this.ratePerSecond = ratePerSecond;
        // no margin here: counting from the answer already leaves the answer's way back as slack
        this.window = SECOND;
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

    /** How long to wait before asking {@link #depart()} again while the oldest counted send is still out. */
    static final long ANSWER_POLL_NANOS = 2_000_000L;

    /**
     * Lets a send leave now and answers its {@link Departure} (to pass to {@link #answered}), or
     * answers null and sets {@code waitNanos[0]} to how long to wait before asking again.
     */
    synchronized Departure depart(long[] waitNanos) {
        long now = nanoTime.getAsLong();
        if (departures.size() >= ratePerSecond) {
            Departure oldest = departures.peekFirst();
            if (!oldest.answered) {
                waitNanos[0] = ANSWER_POLL_NANOS;
                return null;
            }
            if (now - oldest.answeredAt < window) {
                waitNanos[0] = oldest.answeredAt + window - now;
                return null;
            }
            departures.removeFirst();
        }
        Departure departure = new Departure();
        departures.addLast(departure);
        return departure;
    }

    /** Notes that the answer to {@code departure} (or the failure to get one) came back now. */
    synchronized void answered(Departure departure) {
        departure.answeredAt = nanoTime.getAsLong();
        departure.answered = true;
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
