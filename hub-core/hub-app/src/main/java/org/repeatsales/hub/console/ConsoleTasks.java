package org.repeatsales.hub.console;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.repeatsales.hub.routes.sources.PollOutcome;
import org.repeatsales.hub.sources.LiveSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Long operations started from the console (an import, a poll of a source, a segment refresh) run here, so the page
 * that started them answers at once and shows their progress instead of hanging until they end.
 * Two threads: the store takes one ingest writer at a time anyway, the second keeps a poll from
 * waiting behind a large upload's reading.
 */
@Component
class ConsoleTasks implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ConsoleTasks.class);

    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "console-task-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final LiveSources sources;
    /** Polls started here and not yet over, by source id. */
    private final Map<String, Boolean> polling = new ConcurrentHashMap<>();
    /** How the latest poll started here ended, by source id, until the hub restarts. */
    private final Map<String, PollOutcome> lastPolls = new ConcurrentHashMap<>();
    /** Segment refreshes started here and not yet over: when each began. */
    private final Map<Long, Instant> refreshing = new ConcurrentHashMap<>();
    /** Why the latest refresh started here failed, by segment id, until the hub restarts or it is refreshed again. */
    private final Map<Long, String> refreshFailures = new ConcurrentHashMap<>();

    ConsoleTasks(LiveSources sources) {
        this.sources = sources;
    }

    void run(String what, Runnable task) {
        executor.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Console task '{}' failed", what, e);
            }
        });
    }

    /** Starts a poll of the source unless one started here is still running; false when it is. */
    boolean startPoll(String sourceId) {
        if (polling.putIfAbsent(sourceId, Boolean.TRUE) != null) {
            return false;
        }
        try {
            run("poll " + sourceId, () -> {
                try {
                    lastPolls.put(sourceId, sources.poll(sourceId, "console"));
                } catch (RuntimeException e) {
                    lastPolls.put(sourceId, new PollOutcome(0, false, false, e.getMessage()));
                    throw e;
                } finally {
                    polling.remove(sourceId);
                }
            });
        } catch (RuntimeException e) {
            polling.remove(sourceId);
            throw e;
        }
        return true;
    }

    /**
     * Starts a refresh of the segment unless one started here is still running; false when it is.
     * The refresh's own transaction hides its rows until it commits, so the page can only tell how
     * long it has been running; its outcome is kept for the page to show afterwards.
     */
    boolean startRefresh(long segmentId, Runnable refresh) {
        if (refreshing.putIfAbsent(segmentId, Instant.now()) != null) {
            return false;
        }
        refreshFailures.remove(segmentId);
        try {
            run("refresh of segment " + segmentId, () -> {
                try {
                    refresh.run();
                } catch (RuntimeException e) {
                    refreshFailures.put(segmentId, e.getMessage() == null ? e.toString() : e.getMessage());
                    throw e;
                } finally {
                    refreshing.remove(segmentId);
                }
            });
        } catch (RuntimeException e) {
            refreshing.remove(segmentId);
            throw e;
        }
        return true;
    }

    /** When the running refresh of the segment started here began; null when none runs. */
    Instant refreshingSince(long segmentId) {
        return refreshing.get(segmentId);
    }

    /** Why the latest refresh started here failed; null when it succeeded or none ran. */
    String refreshFailure(long segmentId) {
        return refreshFailures.get(segmentId);
    }

    boolean polling(String sourceId) {
        return polling.containsKey(sourceId);
    }

    PollOutcome lastPoll(String sourceId) {
        return lastPolls.get(sourceId);
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
