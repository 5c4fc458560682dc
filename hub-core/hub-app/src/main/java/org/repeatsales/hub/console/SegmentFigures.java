package org.repeatsales.hub.console;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;

/**
 * What the segment pages show beyond the counts per cell: movement in the latest refresh, revenue
 * per cell over the strategy's window, and the Pareto curve of a segment's members.
 */
@Service
class SegmentFigures {

    /** Points of the Pareto curve (the curve is drawn through them, from the biggest buyers down). */
    static final int CURVE_POINTS = 50;

    private final DSLContext db;

    SegmentFigures(DSLContext db) {
        this.db = db;
    }

    /** Clients who came into a cell and who went out of it in the latest successful refresh. */
    record Moves(long in, long out) {
    }

    Map<String, Moves> latestMoves(long segmentId) {
        Long refresh = db.resultQuery("select max(id) from segment_refresh where segment_id = {0} and status = 'succeeded'",
                DSL.val(segmentId)).fetchOne(0, Long.class);
        Map<String, Moves> moves = new HashMap<>();
        if (refresh == null) {
            return moves;
        }
        for (var r : db.resultQuery("""
                select cell, sum(came) as came, sum(went) as went from (
                    select to_cell as cell, count(*) as came, 0 as went from segment_movement
                     where segment_id = {1} and refresh_id = {0} and to_cell is not null group by to_cell
                    union all
                    select from_cell, 0, count(*) from segment_movement
                     where segment_id = {1} and refresh_id = {0} and from_cell is not null group by from_cell) m
                group by cell""", DSL.val(refresh), DSL.val(segmentId)).fetch()) {
            moves.put(r.get(0, String.class), new Moves(r.get(1, Long.class), r.get(2, Long.class)));
        }
        return moves;
    }

    /**
     * Revenue (purchases minus refunds) of each cell's members over the window before {@code asOf},
     * and under key {@code null} the revenue of all identified clients over the same window.
     */
    Map<String, BigDecimal> windowRevenue(long segmentId, int windowDays, Instant asOf) {
        OffsetDateTime from = asOf.minusSeconds(windowDays * 86_400L).atOffset(ZoneOffset.UTC);
        OffsetDateTime to = asOf.atOffset(ZoneOffset.UTC);
        Map<String, BigDecimal> revenue = new HashMap<>();
        for (var r : db.resultQuery("""
                select m.cell, coalesce(sum(case when r.is_refund then -r.total else r.total end), 0)
                from segment_member m join receipt r on r.client_id = m.client_id
                where m.segment_id = {0} and r.purchased_at > {1} and r.purchased_at <= {2}
                group by m.cell""", DSL.val(segmentId), DSL.val(from), DSL.val(to)).fetch()) {
            revenue.put(r.get(0, String.class), r.get(1, BigDecimal.class));
        }
        revenue.put(null, db.resultQuery("""
                select coalesce(sum(case when is_refund then -total else total end), 0) from receipt
                where client_id is not null and purchased_at > {0} and purchased_at <= {1}""", DSL.val(from), DSL.val(to))
                .fetchOne(0, BigDecimal.class));
        return revenue;
    }

    /** A point of the curve: the top {@code clients} share of buyers brings {@code revenue} share of the revenue, percent. */
    record Point(double clients, double revenue) {
    }

    /**
     * The Pareto curve of the segment's members by their revenue over the window: buyers sorted from
     * the biggest down, cumulative revenue against cumulative share of buyers. Members with no
     * positive revenue in the window are left out, as ABC leaves them out.
     */
    List<Point> pareto(long segmentId, int windowDays, Instant asOf) {
        OffsetDateTime from = asOf.minusSeconds(windowDays * 86_400L).atOffset(ZoneOffset.UTC);
        OffsetDateTime to = asOf.atOffset(ZoneOffset.UTC);
        List<Point> points = new ArrayList<>();
        points.add(new Point(0, 0));
        for (var r : db.resultQuery("""
                with rev as (
                    select sum(case when r.is_refund then -r.total else r.total end) as v
                    from segment_member m join receipt r on r.client_id = m.client_id
                    where m.segment_id = {0} and r.purchased_at > {1} and r.purchased_at <= {2}
                    group by m.client_id
                ), ranked as (
                    select row_number() over (order by v desc) as rn, count(*) over () as n,
                           sum(v) over (order by v desc rows unbounded preceding) as cum, sum(v) over () as total
                    from rev where v > 0
                )
                select max(rn)::float8 * 100 / max(n), max(cum)::float8 * 100 / max(total)
                from ranked group by ceil(rn * {3}::float8 / n) order by 1""",
                DSL.val(segmentId), DSL.val(from), DSL.val(to), DSL.val(CURVE_POINTS)).fetch()) {
            points.add(new Point(r.get(0, Double.class), r.get(1, Double.class)));
        }
        return points.size() == 1 ? List.of() : points;
    }

    static BigDecimal percent(BigDecimal part, BigDecimal whole) {
        if (whole == null || whole.signum() <= 0 || part == null) {
            return BigDecimal.ZERO.setScale(1);
        }
        return part.multiply(BigDecimal.valueOf(100)).divide(whole, 1, RoundingMode.HALF_UP);
    }
}
