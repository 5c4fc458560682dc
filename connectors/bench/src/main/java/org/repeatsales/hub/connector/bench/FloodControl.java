package org.repeatsales.hub.connector.bench;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The Bot API's flood control as a WireMock transformer: a {@code sendMessage} arriving when more
 * than {@code limit} requests (itself included) arrived within the last second is answered 429 with
 * {@code retry_after}, the way Telegram answers; others get an ok answer with a fresh
 * {@code message_id}. Every arrival is kept, so the densest second can be counted afterwards.
 */
final class FloodControl implements ResponseDefinitionTransformerV2 {

    static final String NAME = "flood-control";
    private static final long SECOND = 1_000_000_000L;

    private final int limit;
    private final LongSupplier nanoTime;
    private final ArrayDeque<Long> lastSecond = new ArrayDeque<>();
    private final List<Long> arrivals = new ArrayList<>();
    private long messageId;
    private int refused;

    FloodControl(int limit, LongSupplier nanoTime) {
        this.limit = limit;
        this.nanoTime = nanoTime;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        long id;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            arrivals.add(now);
            lastSecond.addLast(now);
            while (now - lastSecond.peekFirst() >= SECOND) {
                lastSecond.removeFirst();
            }
            if (lastSecond.size() > limit) {
                refused++;
                return new ResponseDefinitionBuilder().withStatus(429).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 1\","
                                + "\"parameters\":{\"retry_after\":1}}")
                        .build();
            }
            id = ++messageId;
        }
        return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"result\":{\"message_id\":" + id + ",\"chat\":{\"id\":1,\"type\":\"private\"},"
                        + "\"date\":1764000000,\"text\":\"ok\"}}")
                .build();
    }

    /** 429 answers given so far. */
    synchronized int refused() {
        return refused;
    }

    /** Requests that arrived so far. */
    synchronized int arrived() {
        return arrivals.size();
    }

    /** The most requests that arrived within any one second (a window starting at each arrival). */
    synchronized int densestSecond() {
        return densestSecond(arrivals);
    }

    static int densestSecond(List<Long> arrivalNanos) {
        List<Long> sorted = new ArrayList<>(arrivalNanos);
        sorted.sort(null);
        int most = 0;
        int end = 0;
        for (int start = 0; start < sorted.size(); start++) {
            while (end < sorted.size() && sorted.get(end) - sorted.get(start) < SECOND) {
                end++;
            }
            most = Math.max(most, end - start);
        }
        return most;
    }
}
