package org.repeatsales.hub.plugins.golden;

import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;
import org.repeatsales.hub.api.Label;
import org.repeatsales.hub.api.segment.Cell;
import org.repeatsales.hub.api.segment.ClientFacts;
import org.repeatsales.hub.api.segment.ClientStream;
import org.repeatsales.hub.api.segment.ParameterSpec;
import org.repeatsales.hub.api.segment.Parameters;
import org.repeatsales.hub.api.segment.SegmentAssignments;
import org.repeatsales.hub.api.segment.SegmentationContext;
import org.repeatsales.hub.api.segment.SegmentationStrategy;

/**
 * Golden clients: those in the top band ({@code topPercent}%, 20 by default) of revenue, of
 * purchase count and of average check over the window, all three at once. Every other client who
 * bought in the window is in «Остальные», so the segment summary shows the share of revenue the
 * golden clients bring.
 *
 * <p>A client is in the top band of a measure when fewer than {@code topPercent}% of the window's
 * buyers have a strictly higher value, so equal values always land on the same side. Average check
 * is revenue / purchases in the window, compared to a hundredth of a kopeck. Two passes; memory is
 * three primitive numbers per buyer.
 */
@Extension
public class GoldenStrategy implements SegmentationStrategy {

    static final String TOP_PERCENT = "topPercent";
    static final String WINDOW_DAYS = "windowDays";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.integer(TOP_PERCENT, 20, 1L, 99L, Label.of(
                    "Верхняя доля клиентов по каждому показателю, %", "Top share of clients in each measure, %")),
            ParameterSpec.integer(WINDOW_DAYS, 365, 1L, 3650L, Label.of("Окно анализа, дней", "Window in days")));

    private static final List<Cell> CELLS = List.of(
            Cell.of("golden", "Золотые клиенты", "Golden clients"),
            Cell.of("others", "Остальные покупатели", "Other buyers"));

    @Override
    public String id() {
        return "golden";
    }

    @Override
    public Label name() {
        return Label.of("Золотые клиенты", "Golden clients");
    }

    @Override
    public Label description() {
        return Label.of("Клиенты из верхних 20 % сразу по выручке, частоте и среднему чеку",
                "Clients in the top 20% by revenue, frequency and average check at once");
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
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
        Column revenue = new Column();
        Column frequency = new Column();
        Column check = new Column();
        try (ClientStream.Cursor cursor = clients.open()) {
            while (cursor.hasNext()) {
                ClientFacts c = cursor.next();
                if (c.windowPurchases() > 0) {
                    revenue.add(kopecks(c));
                    frequency.add(c.windowPurchases());
                    check.add(averageCheck(c));
                }
            }
        }
        long[] r = revenue.sorted();
        long[] f = frequency.sorted();
        long[] a = check.sorted();
        long top = context.parameters().integer(TOP_PERCENT);
        try (ClientStream.Cursor cursor = clients.open()) {
            while (cursor.hasNext()) {
                ClientFacts c = cursor.next();
                if (c.windowPurchases() > 0) {
                    boolean golden = inTop(r, kopecks(c), top) && inTop(f, c.windowPurchases(), top) && inTop(a, averageCheck(c), top);
                    assignments.assign(c.clientId(), golden ? "golden" : "others");
                }
            }
        }
    }

    /** Fewer than {@code top}% of all values are strictly higher. */
    private static boolean inTop(long[] sorted, long value, long top) {
        long higher = sorted.length - countAtMost(sorted, value);
        return higher * 100 < top * sorted.length;
    }

    private static long kopecks(ClientFacts c) {
        return c.windowRevenue().movePointRight(2).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** In hundredths of a kopeck. */
    private static long averageCheck(ClientFacts c) {
        return Math.floorDiv(kopecks(c) * 100, c.windowPurchases());
    }

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

    /** A growable array of longs: 8 bytes per client instead of an object each. */
    private static final class Column {
        private long[] values = new long[1024];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] sorted() {
            long[] result = Arrays.copyOf(values, size);
            Arrays.sort(result);
            values = null;
            return result;
        }
    }
}
