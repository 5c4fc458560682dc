package org.repeatsales.hub.segment;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the segment API answers. */
public final class SegmentViews {

    private SegmentViews() {
    }

    /** A stored segment definition. */
    public record Segment(long id, String name, String strategy, Map<String, Object> parameters, Instant createdAt,
                          Instant refreshedAt, long members) {
    }

    /** One cell with its member count and their revenue (purchases minus refunds, rubles). */
    public record CellSummary(String code, String name, String nameEn, long count, BigDecimal revenue) {
    }

    /** Counts and revenue per cell, in the strategy's order; cells the strategy no longer declares come last. */
    public record Summary(long segmentId, String name, String strategy, Instant refreshedAt, long total,
                          BigDecimal revenue, List<CellSummary> cells) {
    }

    public record Member(long clientId, String name, String cell, Instant since, int purchases, BigDecimal revenue,
                         Instant lastPurchaseAt) {
    }

    public record MembersPage(long total, List<Member> items) {
    }

    /** What a rule would select now: the count and the first clients. */
    public record Preview(long count, List<Member> sample) {
    }

    /** A client's change of cell in one refresh; {@code from} null = entered, {@code to} null = left. */
    public record Movement(long refreshId, long clientId, String from, String to, Instant at) {
    }

    public record MovementsPage(long total, List<Movement> items) {
    }

    /**
     * The record of one refresh; members = entered + moved + unchanged. {@code mode} is full (every
     * client read) or incremental (only {@code clients} whose cell may have changed were read).
     */
    public record Refresh(long id, long segmentId, String status, String message, Instant asOf, Instant startedAt,
                          Instant finishedAt, String mode, long clients, long members, long entered, long moved,
                          long exited, long unchanged) {

        public boolean succeeded() {
            return "succeeded".equals(status);
        }
    }
}
