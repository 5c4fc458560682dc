package org.repeatsales.hub.plugins.rfm;

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
 * RFM by quintiles over a window (365 days by default): recency, frequency and monetary scores 1-5,
 * then named groups.
 *
 * <p>Scored are the clients with at least one purchase in the window; F and M count only the
 * window's receipts (M is purchases minus refunds). A score is
 * {@code 5 - floor(5 * better / n)}, where {@code better} is the number of scored clients with a
 * strictly better value (more recent, more purchases, more revenue) and {@code n} their number. So
 * equal values always get the same score (a tie at a quintile boundary takes the better score), and
 * the best client always scores 5.
 *
 * <p>Groups, by R and F (M separates champions from loyal):
 * champions R≥4, F≥4, M≥4; loyal R≥3, F≥3; promising R≥4, F≤2; needing attention R=3, F≤2;
 * at risk R≤2, F≥3; hibernating R=2, F≤2; lost R=1, F≤2, and every client who bought before the
 * window but not in it. Clients without any purchase are not members.
 *
 * <p>Two passes over the clients; memory is three primitive numbers per scored client.
 */
@Extension
public class RfmStrategy implements SegmentationStrategy {

    static final String WINDOW_DAYS = "windowDays";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.integer(WINDOW_DAYS, 365, 1L, 3650L, Label.of(
                    "Окно анализа, дней: частота и сумма считаются по покупкам за это время",
                    "Window in days: frequency and monetary count the purchases made in it")));

    private static final List<Cell> CELLS = List.of(
            Cell.of("champions", "Чемпионы", "Champions"),
            Cell.of("loyal", "Лояльные", "Loyal"),
            Cell.of("promising", "Перспективные", "Promising"),
            Cell.of("attention", "Требуют внимания", "Need attention"),
            Cell.of("at-risk", "В зоне риска", "At risk"),
            Cell.of("hibernating", "Спящие", "Hibernating"),
            Cell.of("lost", "Потерянные", "Lost"));

    @Override
    public String id() {
        return "rfm";
    }

    @Override
    public Label name() {
        return Label.of("RFM-анализ", "RFM analysis");
    }

    @Override
    public Label description() {
        return Label.of(
                "Давность, частота и сумма покупок по квинтилям (1–5) за окно, группы от «Чемпионов» до «Потерянных»",
                "Recency, frequency and monetary quintile scores (1-5) over a window, grouped from champions to lost");
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
        // Pass 1: the distributions, as sorted primitive arrays.
        LongList days = new LongList();
        LongList frequency = new LongList();
        LongList monetary = new LongList();
        try (ClientStream.Cursor cursor = clients.open()) {
            while (cursor.hasNext()) {
                ClientFacts c = cursor.next();
                if (scored(c)) {
                    days.add(recency(context, c));
                    frequency.add(c.windowPurchases());
                    monetary.add(kopecks(c));
                }
            }
        }
        long[] sortedDays = days.sorted();
        long[] sortedFrequency = frequency.sorted();
        long[] sortedMonetary = monetary.sorted();
        int n = sortedDays.length;

        // Pass 2: score and group each client.
        try (ClientStream.Cursor cursor = clients.open()) {
            while (cursor.hasNext()) {
                ClientFacts c = cursor.next();
                if (scored(c)) {
                    int r = score(countBelow(sortedDays, recency(context, c)), n);
                    int f = score(n - countAtMost(sortedFrequency, c.windowPurchases()), n);
                    int m = score(n - countAtMost(sortedMonetary, kopecks(c)), n);
                    assignments.assign(c.clientId(), group(r, f, m));
                } else if (c.purchases() > 0) {
                    assignments.assign(c.clientId(), "lost");
                }
            }
        }
    }

    static String group(int r, int f, int m) {
        if (r >= 4 && f >= 4 && m >= 4) {
            return "champions";
        }
        if (r >= 3 && f >= 3) {
            return "loyal";
        }
        if (r >= 4) {
            return "promising";
        }
        if (r == 3) {
            return "attention";
        }
        if (f >= 3) {
            return "at-risk";
        }
        return r == 2 ? "hibernating" : "lost";
    }

    private static boolean scored(ClientFacts c) {
        return c.windowPurchases() > 0 && c.lastPurchaseAt() != null;
    }

    private static long recency(SegmentationContext context, ClientFacts c) {
        return Math.max(0, context.daysSince(c.lastPurchaseAt()));
    }

    private static long kopecks(ClientFacts c) {
        return c.windowRevenue().movePointRight(2).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    /** 5 for the best, 1 for the worst fifth; {@code better} clients have a strictly better value. */
    private static int score(int better, int n) {
        return 5 - (int) (5L * better / n);
    }

    /** Number of values strictly below {@code value} in a sorted array. */
    private static int countBelow(long[] sorted, long value) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Number of values at most {@code value} in a sorted array. */
    private static int countAtMost(long[] sorted, long value) {
        return value == Long.MAX_VALUE ? sorted.length : countBelow(sorted, value + 1);
    }

    /** A growable array of longs: 8 bytes per client instead of an object each. */
    private static final class LongList {
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
