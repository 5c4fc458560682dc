package org.repeatsales.hub.plugins.abc;

import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;
import org.repeatsales.hub.api.Label;
import org.repeatsales.hub.api.segment.Cell;
import org.repeatsales.hub.api.segment.ClientFacts;
import org.repeatsales.hub.api.segment.ClientStream;
import org.repeatsales.hub.api.segment.InvalidParameterException;
import org.repeatsales.hub.api.segment.ParameterSpec;
import org.repeatsales.hub.api.segment.Parameters;
import org.repeatsales.hub.api.segment.SegmentAssignments;
import org.repeatsales.hub.api.segment.SegmentationContext;
import org.repeatsales.hub.api.segment.SegmentationStrategy;

/**
 * ABC (Pareto) by revenue over a window: A are the clients who together bring the first
 * {@code aShare}% of revenue, B the next {@code bShare}%, C the rest.
 *
 * <p>A client is in A when the clients with strictly more revenue bring less than {@code aShare}%
 * of the total, in B when they bring less than {@code aShare + bShare}%, otherwise in C. So the
 * richest client is always in A and clients with equal revenue always share a class. Only clients
 * with positive revenue in the window are members (a purchase cancelled by its refund brings
 * nothing). Two passes; memory is two primitive numbers per member.
 */
@Extension
public class AbcStrategy implements SegmentationStrategy {

    static final String A_SHARE = "aShare";
    static final String B_SHARE = "bShare";
    static final String WINDOW_DAYS = "windowDays";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.integer(A_SHARE, 80, 1L, 99L, Label.of("Доля выручки группы A, %", "Revenue share of A, %")),
            ParameterSpec.integer(B_SHARE, 15, 0L, 98L, Label.of("Доля выручки группы B, %", "Revenue share of B, %")),
            ParameterSpec.integer(WINDOW_DAYS, 365, 1L, 3650L, Label.of("Окно анализа, дней", "Window in days")));

    private static final List<Cell> CELLS = List.of(
            Cell.of("a", "A — основная выручка", "A: most of the revenue"),
            Cell.of("b", "B — средний вклад", "B: middle"),
            Cell.of("c", "C — малый вклад", "C: small contribution"));

    @Override
    public String id() {
        return "abc";
    }

    @Override
    public Label name() {
        return Label.of("ABC-анализ", "ABC analysis");
    }

    @Override
    public Label description() {
        return Label.of("Клиенты по накопленной доле выручки: A 80 %, B 15 %, C 5 % (Парето)",
                "Clients by cumulative share of revenue: A 80%, B 15%, C 5% (Pareto)");
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public void validate(Parameters p) {
        if (p.integer(A_SHARE) + p.integer(B_SHARE) >= 100) {
            throw new InvalidParameterException(B_SHARE, A_SHARE + " + " + B_SHARE + " must stay below 100 so that C gets a share, got "
                    + (p.integer(A_SHARE) + p.integer(B_SHARE)));
        }
    }

    @Override
    public List<Cell> cells(Parameters parameters) {
        return CELLS;
    }

    @Override
    public int windowDays(Parameters parameters) {
        return (int) parameters.integer(WINDOW_DAYS);
    }

    @Override
    public void segment(SegmentationContext context, ClientStream clients, SegmentAssignments assignments) {
        long[] revenue = new long[1024];
        int n = 0;
        try (ClientStream.Cursor cursor = clients.open()) {
            while (cursor.hasNext()) {
                long k = kopecks(cursor.next());
                if (k > 0) {
                    if (n == revenue.length) {
                        revenue = Arrays.copyOf(revenue, n * 2);
                    }
                    revenue[n++] = k;
                }
            }
        }
        long[] sorted = Arrays.copyOf(revenue, n);
        revenue = null;
        Arrays.sort(sorted);
        // above[i] = revenue of the clients from sorted position i upwards
        long[] above = new long[n + 1];
        for (int i = n - 1; i >= 0; i--) {
            above[i] = above[i + 1] + sorted[i];
        }
        long total = above[0];
        long aShare = context.parameters().integer(A_SHARE);
        long abShare = aShare + context.parameters().integer(B_SHARE);
        try (ClientStream.Cursor cursor = clients.open()) {
            while (cursor.hasNext()) {
                ClientFacts c = cursor.next();
                long k = kopecks(c);
                if (k <= 0) {
                    continue;
                }
                long richer = above[countAtMost(sorted, k)];
                // compared as integers: richer / total < share / 100
                String cell = richer * 100 < aShare * total ? "a" : richer * 100 < abShare * total ? "b" : "c";
                assignments.assign(c.clientId(), cell);
            }
        }
    }

    private static long kopecks(ClientFacts c) {
        return c.windowRevenue().movePointRight(2).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Number of values at most {@code value} in a sorted array. */
    private static int countAtMost(long[] sorted, long value) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
