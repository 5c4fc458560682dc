package org.repeatsales.hub.routes.sources;

import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source that runs at most one poll at a time: a timer tick or an API call arriving while a
 * poll runs gets {@link PollOutcome#busy} instead of a second, overlapping poll of the same pages.
 * It also records every poll the same way ({@link #recordedPoll}), so an operator's source only
 * says how it reads its pages.
 */
public abstract class SinglePollSource implements PolledSource {

    /** Held for the whole poll; subclasses may guard per-poll state (a session) with it. */
    protected final ReentrantLock polling = new ReentrantLock();

    /** The subclass's logger, so a poll's lines name the operator's source. */
    private final Logger log = LoggerFactory.getLogger(getClass());

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

    /** What a poll does between opening its run record and closing it; answers the run's message. */
    @FunctionalInterface
    protected interface PollBody {
        String run(SourceStore.PollRun run) throws SourceException, InterruptedException;
    }

    /**
     * Runs {@code body} inside a run record and records how it ended, the same for every source: a
     * {@link SourceException} fails the run with its message (keeping the raw response for
     * diagnosis, never for a refused credential); a stop of the hub fails it as interrupted and
     * restores the interrupt afterwards; anything else fails it with the error logged.
     *
     * @param description the run's description ("Касса 0000000001 с 2025-01-01T00:00")
     * @param span what the poll covers, for the log ("from 2025-01-01T00:00")
     */
    protected final PollOutcome recordedPoll(SourceStore store, String trigger, String description, String span,
                                             PollBody body) {
        try (SourceStore.PollRun run = store.startPoll(id(), kind(), description)) {
            log.info("Source {} poll (run {}, {}) {}", id(), run.runId(), trigger, span);
            try {
                String message = body.run(run);
                run.succeeded(message);
                return new PollOutcome(run.runId(), true, false, message);
            } catch (SourceException e) {
                if (e.raw() != null && e.kind() != SourceException.Kind.AUTH) {
                    run.keepRaw(e.raw(), e.getMessage());
                }
                log.warn("Source {} poll (run {}) failed: {}", id(), run.runId(), e.getMessage());
                run.failed(e.getMessage());
                return new PollOutcome(run.runId(), false, false, e.getMessage());
            } catch (InterruptedException e) {
                // recorded before the interrupt is restored: the store calls must not see it
                run.failed("Опрос прерван остановкой хаба");
                Thread.currentThread().interrupt();
                return new PollOutcome(run.runId(), false, false, "interrupted");
            } catch (RuntimeException e) {
                log.error("Source {} poll (run {}) failed", id(), run.runId(), e);
                run.failed("Опрос остановлен ошибкой: " + e.getMessage());
                return new PollOutcome(run.runId(), false, false, e.getMessage());
            }
        }
    }
}
