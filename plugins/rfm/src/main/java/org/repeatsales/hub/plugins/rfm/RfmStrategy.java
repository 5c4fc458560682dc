package org.repeatsales.hub.plugins.rfm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;
import org.repeatsales.hub.api.Label;
import org.repeatsales.hub.api.segment.Cell;
import org.repeatsales.hub.api.segment.ClientFacts;
import org.repeatsales.hub.api.segment.ClientStream;
import org.repeatsales.hub.api.segment.InvalidParameterException;
import org.repeatsales.hub.api.segment.ParameterSpec;
import org.repeatsales.hub.api.segment.ParameterType;
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
 * <p>With {@code mode=thresholds} the scores come from fixed boundaries instead, each a list of four
 * ascending numbers: {@code recencyDays} (days since the last purchase; at most the 1st gives R=5,
 * at most the 2nd R=4, ..., beyond the 4th R=1), {@code frequencyCounts} (window purchases; at least
 * the 1st gives F=2, ..., at least the 4th F=5, fewer F=1) and {@code monetaryRubles} (window revenue,
 * same way). A client's scores then depend on nobody else, in one pass. Boundaries not strictly
 * ascending, negative or not four are refused naming the parameter.
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

    static final String MODE = "mode";
    static final String QUINTILES = "quintiles";
    static final String THRESHOLDS = "thresholds";
    static final String RECENCY_DAYS = "recencyDays";
    static final String FREQUENCY_COUNTS = "frequencyCounts";
    static final String MONETARY_RUBLES = "monetaryRubles";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.integer(WINDOW_DAYS, 365, 1L, 3650L, Label.of(
                    "Окно анализа, дней: частота и сумма считаются по покупкам за это время",
                    "Window in days: frequency and monetary count the purchases made in it")),
            new ParameterSpec(MODE, ParameterType.TEXT, QUINTILES, null, null, Label.of(
                    "Способ оценки: quintiles — по квинтилям базы, thresholds — по фиксированным порогам",
                    "Scoring: quintiles of the base, or fixed thresholds")),
            new ParameterSpec(RECENCY_DAYS, ParameterType.TEXT, "30,90,180,270", null, null, Label.of(
                    "Пороги давности (режим thresholds), дней с последней покупки, по возрастанию: до 1-го — R=5, до 2-го — 4, до 3-го — 3, до 4-го — 2, дальше — 1",
                    "Recency thresholds (thresholds mode), days since last purchase, ascending: up to the 1st R=5, 2nd 4, 3rd 3, 4th 2, beyond 1")),
            new ParameterSpec(FREQUENCY_COUNTS, ParameterType.TEXT, "2,3,5,8", null, null, Label.of(
                    "Пороги частоты (режим thresholds), покупок за окно, по возрастанию: от 1-го — F=2, от 2-го — 3, от 3-го — 4, от 4-го — 5",
                    "Frequency thresholds (thresholds mode), purchases in the window, ascending: from the 1st F=2, 2nd 3, 3rd 4, 4th 5")),
            new ParameterSpec(MONETARY_RUBLES, ParameterType.TEXT, "1000,3000,10000,30000", null, null, Label.of(
                    "Пороги суммы (режим thresholds), рублей за окно, по возрастанию: от 1-го — M=2, от 2-го — 3, от 3-го — 4, от 4-го — 5",
                    "Monetary thresholds (thresholds mode), rubles in the window, ascending: from the 1st M=2, 2nd 3, 3rd 4, 4th 5")));

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

    /**
     * Fixed thresholds score each client on their own; quintiles depend on everyone else, so a
     * change of one client can move others.
     */
    @Override
    public boolean perClient(Parameters parameters) {
        return parameters.text(MODE).equals(THRESHOLDS);
    }

    @Override
    public List<Integer> recencyBoundaries(Parameters parameters) {
        if (!perClient(parameters)) {
            return List.of();
        }
        List<Integer> days = new ArrayList<>();
        for (long d : thresholds(parameters, RECENCY_DAYS)) {
            days.add(Math.toIntExact(d));
        }
        return days;
    }

    @Override
    public void validate(Parameters p) {
        String mode = p.text(MODE);
        if (!mode.equals(QUINTILES) && !mode.equals(THRESHOLDS)) {
            throw new InvalidParameterException(MODE, "must be " + QUINTILES + " or " + THRESHOLDS + ", got '" + mode + "'");
        }
        thresholds(p, RECENCY_DAYS);
        thresholds(p, FREQUENCY_COUNTS);
        thresholds(p, MONETARY_RUBLES);
    }

    /**
     * Four strictly ascending non-negative boundaries from a comma-separated list; money in kopecks
     * for {@link #MONETARY_RUBLES}.
     */
    static long[] thresholds(Parameters p, String name) {
        String text = p.text(name);
        String[] parts = text.split(",", -1);
        if (parts.length != 4) {
            throw new InvalidParameterException(name, "needs 4 comma-separated values, got '" + text + "'");
        }
        long[] result = new long[4];
        for (int i = 0; i < 4; i++) {
            java.math.BigDecimal value;
            try {
                value = new java.math.BigDecimal(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new InvalidParameterException(name, "'" + parts[i].trim() + "' is not a number");
            }
            if (value.signum() < 0) {
                throw new InvalidParameterException(name, "must not be negative, got " + value.toPlainString());
            }
            try {
                result[i] = name.equals(MONETARY_RUBLES)
                        ? value.movePointRight(2).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact()
                        : value.longValueExact();
            } catch (ArithmeticException e) {
                throw new InvalidParameterException(name, "'" + parts[i].trim() + "' is not a whole number");
            }
            if (i > 0 && result[i] <= result[i - 1]) {
                throw new InvalidParameterException(name, "thresholds must be in ascending order, got '" + text + "'");
            }
        }
        return result;
    }

    @Override
    public void segment(SegmentationContext context, ClientStream clients, SegmentAssignments assignments) {
        if (context.parameters().text(MODE).equals(THRESHOLDS)) {
            segmentByThresholds(context, clients, assignments);
            return;
        }
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

    /** One pass: each client scored against the fixed boundaries alone, independent of the others. */
    private static void segmentByThresholds(SegmentationContext context, ClientStream clients,
                                            SegmentAssignments assignments) {
        long[] recency = thresholds(context.parameters(), RECENCY_DAYS);
        long[] frequency = thresholds(context.parameters(), FREQUENCY_COUNTS);
        long[] monetary = thresholds(context.parameters(), MONETARY_RUBLES);
        try (ClientStream.Cursor cursor = clients.open()) {
            while (cursor.hasNext()) {
                ClientFacts c = cursor.next();
                if (scored(c)) {
                    int r = 5 - countBelow(recency, recency(context, c));
                    int f = 1 + countAtMost(frequency, c.windowPurchases());
                    int m = 1 + countAtMost(monetary, kopecks(c));
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
