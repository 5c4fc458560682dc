package org.repeatsales.hub.routes.sources;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A source that runs at most one poll at a time: a timer tick or an API call arriving while a
 * poll runs gets {@link PollOutcome#busy} instead of a second, overlapping poll of the same pages.
 */
public abstract class SinglePollSource implements PolledSource {

    /** Held for the whole poll; subclasses may guard per-poll state (a session) with it. */
    protected final ReentrantLock polling = new ReentrantLock();

    @Override
    public final PollOutcome poll(String trigger) {
        if (!polling.tryLock()) {
            return PollOutcome.busy(id());
        }
        try {
            return pollLocked(trigger);
        } finally {
            polling.unlock();
        }
    }

    /** One whole poll; called with {@link #polling} held. */
    protected abstract PollOutcome pollLocked(String trigger);
}
