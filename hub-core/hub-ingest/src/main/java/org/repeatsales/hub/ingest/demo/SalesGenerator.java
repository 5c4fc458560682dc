package org.repeatsales.hub.ingest.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes a year (or any span) of sales of a neighbourhood shop as a 1C retail export: the demo
 * data shipped with the hub and the input of the import benchmark.
 *
 * <p>The clients behave like real ones so that the hub's analytics have something to find:
 * regulars buying weekly or monthly all year, occasional and one-time buyers, clients who "fell
 * asleep" part-way, new ones who appeared in the last month, and seasonal buyers around New Year
 * and 8 March. Their phones are written differently from receipt to receipt, some receipts are
 * anonymous and a few are refunds, as in real exports.
 *
 * <p>Receipts are written in time order while they are generated: memory holds the clients and
 * one pending purchase per client, never the rows, so a million rows cost no more than a hundred.
 * The same settings and seed always give the same file.
 */
public final class SalesGenerator {

    public static final String HEADER = "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Категория;Количество;Цена;Сумма";

    /**
     * @param clients size of the client base
     * @param days length of the history, ending with {@code until}
     * @param until the last day of the history
     * @param seed the file is a function of the settings and this seed
     * @param targetRows approximate number of rows wanted; 0 lets the clients buy at their natural pace
     */
    public record Settings(int clients, int days, LocalDate until, long seed, long targetRows) {
        public Settings {
            if (clients < 1 || clients > MAX_CLIENTS) {
                throw new IllegalArgumentException("clients must be between 1 and " + MAX_CLIENTS + ": " + clients);
            }
            if (days < 1 || days > 3660) {
                throw new IllegalArgumentException("days must be between 1 and 3660: " + days);
            }
            if (until == null) {
                throw new IllegalArgumentException("until is required");
            }
            if (targetRows < 0) {
                throw new IllegalArgumentException("targetRows must not be negative: " + targetRows);
            }
        }
    }

    /**
     * What was written.
     *
     * @param clients clients named on at least one receipt
     * @param receipts all receipts, refunds included
     * @param rows data rows (the header is not counted)
     * @param anonymousReceipts receipts with an empty buyer
     * @param refunds refund receipts
     */
    public record GeneratedSummary(int clients, long receipts, long rows, long anonymousReceipts, long refunds) {
    }

    /** Low bits of a heap entry that say whose purchase it is (0 = a walk-in without a card). */
    private static final int SLOT_BITS = 24;

    static final int MAX_CLIENTS = (1 << SLOT_BITS) - 2;

    /** Opening hours 08:00-22:00; time runs in seconds of opening, so nobody shops at night. */
    private static final int OPEN_FROM = 8 * 3600;
    private static final int OPEN_SECONDS = 14 * 3600;

    private static final double ANONYMOUS_SHARE = 0.15;
    private static final double REFUND_SHARE = 0.015;

    /** Lines per receipt, weights for 1, 2, 3... lines: most baskets of a shop like this are small. */
    private static final double[] LINES_WEIGHT = {26, 22, 17, 12, 8, 6, 4, 2.5, 1.5, 1};

    private static final Assortment ASSORTMENT = new Assortment();
    private static final int[] SECOND_OF_DAY = openingWarp();
    private static final double[] LINES_CUMULATIVE = cumulative(LINES_WEIGHT);
    private static final double MEAN_LINES = meanLines();

    private SalesGenerator() {
    }

    public static GeneratedSummary write(Settings s, Writer out) throws IOException {
        return new Run(s, out).generate();
    }

    /** Client behaviours, with the share of the base each makes up. */
    private enum Kind {
        REGULAR(20), OCCASIONAL(28), ONE_TIME(25), ASLEEP(12), NEW(10), SEASONAL(5);

        final int percent;

        Kind(int percent) {
            this.percent = percent;
        }

        static Kind draw(SplittableRandom random) {
            int roll = random.nextInt(100);
            for (Kind kind : values()) {
                roll -= kind.percent;
                if (roll < 0) {
                    return kind;
                }
            }
            return OCCASIONAL;
        }
    }

    /** A refund waits in time order like a purchase, carrying the line it gives back. */
    private record PendingRefund(long time, long order, int client, int item, long quantityMilli, long price)
            implements Comparable<PendingRefund> {
        @Override
        public int compareTo(PendingRefund other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    private static final class Run {
        private final Settings settings;
        private final Writer out;
        private final SplittableRandom random;
        private final LocalDate firstDay;
        private final long periodEnd;

        // the client base, as parallel arrays: a million clients must stay cheap
        private final String[] names;
        private final long[] phones;
        private final String[] emails;
        private final byte[] phoneStyle;
        private final int[][] favourites;
        private final Kind[] kinds;
        private final double[] meanGap;
        private final long[] activeUntil;
        private final boolean[] seen;

        private final LongHeap upcoming;
        private final PriorityQueue<PendingRefund> refunds = new PriorityQueue<>();
        private final long[][] monthlyPrice;
        private double anonymousMeanGap;
        private double pace = 1;

        private final StringBuilder buffer = new StringBuilder(1 << 17);
        private final int[] basket = new int[LINES_WEIGHT.length];
        private final long[] basketQuantity = new long[LINES_WEIGHT.length];
        private final long[] basketPrice = new long[LINES_WEIGHT.length];
        private long receiptNumber;
        private long rows;
        private long anonymousReceipts;
        private long refundReceipts;
        private long refundOrder;
        private int cachedDay = -1;
        private String cachedDate;

        Run(Settings settings, Writer out) {
            this.settings = settings;
            this.out = out;
            this.random = new SplittableRandom(settings.seed());
            this.firstDay = settings.until().minusDays(settings.days() - 1L);
            this.periodEnd = (long) settings.days() * OPEN_SECONDS;
            int n = settings.clients();
            names = new String[n];
            phones = new long[n];
            emails = new String[n];
            phoneStyle = new byte[n];
            favourites = new int[n][];
            kinds = new Kind[n];
            meanGap = new double[n];
            activeUntil = new long[n];
            seen = new boolean[n];
            upcoming = new LongHeap(n + 1);
            monthlyPrice = prices(settings.days() / 30 + 2);
        }

        GeneratedSummary generate() throws IOException {
            createClients();
            schedule();
            buffer.append(HEADER).append('\n');
            while (true) {
                long nextPurchase = upcoming.isEmpty() ? Long.MAX_VALUE : upcoming.peek() >>> SLOT_BITS;
                PendingRefund refund = refunds.peek();
                if (refund != null && refund.time() <= nextPurchase) {
                    refunds.poll();
                    writeRefund(refund);
                } else if (nextPurchase != Long.MAX_VALUE) {
                    long entry = upcoming.poll();
                    int slot = (int) (entry & ((1L << SLOT_BITS) - 1));
                    purchase(nextPurchase, slot - 1);
                } else {
                    break;
                }
                if (buffer.length() > 1 << 16) {
                    flush();
                }
            }
            flush();
            out.flush();
            int clientsSeen = 0;
            for (boolean s : seen) {
                clientsSeen += s ? 1 : 0;
            }
            return new GeneratedSummary(clientsSeen, receiptNumber, rows, anonymousReceipts, refundReceipts);
        }

        // --- the client base ------------------------------------------------------------------

        private void createClients() {
            Set<String> takenEmails = new HashSet<>();
            long phoneOffset = Math.floorMod(random.nextLong(), 1_000_000_000L);
            for (int i = 0; i < names.length; i++) {
                RussianNames.Person person = RussianNames.person(random);
                names[i] = person.fullName();
                // a bijection of the index, so every client has a different number without a lookup table
                phones[i] = 9_000_000_000L + Math.floorMod(i * 387_420_489L + phoneOffset, 1_000_000_000L);
                phoneStyle[i] = (byte) random.nextInt(PhoneStyle.COUNT);
                boolean hasEmail = random.nextInt(100) < 40;
                if (hasEmail) {
                    String email = RussianNames.email(person, random);
                    while (!takenEmails.add(email)) {
                        int at = email.indexOf('@');
                        email = email.substring(0, at) + random.nextInt(10) + email.substring(at);
                    }
                    emails[i] = email;
                }
                if (hasEmail && random.nextInt(100) < 12) {
                    // some clients leave only an e-mail for their electronic receipts
                    phones[i] = 0;
                }
                int[] favourite = new int[3 + random.nextInt(5)];
                for (int f = 0; f < favourite.length; f++) {
                    favourite[f] = ASSORTMENT.pick(random.nextDouble());
                }
                favourites[i] = favourite;
                kinds[i] = Kind.draw(random);
            }
        }

        /**
         * Decides when each client shops, then how fast everyone shops so that the file reaches
         * the wanted number of rows: the pace scales every repeat buyer's gaps, while one-time
         * buyers and first purchases stay as they are.
         */
        private void schedule() {
            long day = OPEN_SECONDS;
            long[] firstPurchase = new long[names.length];
            double fixedReceipts = 0;
            double scalableReceipts = 0;
            double[][] seasonWindows = seasonWindows();
            for (int i = 0; i < names.length; i++) {
                Kind kind = kinds[i];
                if (kind == Kind.SEASONAL && seasonWindows.length == 0) {
                    kind = Kind.OCCASIONAL;
                    kinds[i] = kind;
                }
                double days = settings.days();
                long start;
                long end = periodEnd;
                double gapDays;
                switch (kind) {
                    case REGULAR -> {
                        start = uniform(0, Math.min(30, days) * day);
                        gapDays = 7 + random.nextDouble() * 23;
                    }
                    case OCCASIONAL -> {
                        start = uniform(0, days * 0.6 * day);
                        gapDays = 40 + random.nextDouble() * 80;
                    }
                    case ONE_TIME -> {
                        start = uniform(0, days * day);
                        gapDays = Double.POSITIVE_INFINITY;
                    }
                    case ASLEEP -> {
                        start = uniform(0, days * 0.25 * day);
                        end = Math.max(start + 1, uniform(days * 0.35 * day, days * 0.6 * day));
                        gapDays = 7 + random.nextDouble() * 18;
                    }
                    case NEW -> {
                        start = uniform((days - Math.min(30, days)) * day, days * day);
                        gapDays = 5 + random.nextDouble() * 10;
                    }
                    default -> {
                        // seasonal: counted here, scheduled below once the pace is known
                        start = -1;
                        gapDays = 4 + random.nextDouble() * 6;
                        for (double[] window : seasonWindows) {
                            scalableReceipts += (window[1] - window[0]) / (gapDays * day);
                        }
                    }
                }
                firstPurchase[i] = start;
                activeUntil[i] = end;
                meanGap[i] = gapDays * day;
                if (start >= 0) {
                    fixedReceipts += 1;
                    if (Double.isFinite(gapDays)) {
                        scalableReceipts += (end - start) / meanGap[i];
                    }
                }
            }
            double rowsPerNamedReceipt = (1 + ANONYMOUS_SHARE / (1 - ANONYMOUS_SHARE)) * (MEAN_LINES + REFUND_SHARE);
            if (settings.targetRows() > 0 && scalableReceipts > 0) {
                double wantedNamed = settings.targetRows() / rowsPerNamedReceipt;
                pace = Math.max(0.01, (wantedNamed - fixedReceipts) / scalableReceipts);
            }
            double expectedNamed = fixedReceipts + pace * scalableReceipts;
            double expectedAnonymous = expectedNamed * ANONYMOUS_SHARE / (1 - ANONYMOUS_SHARE);
            anonymousMeanGap = expectedAnonymous > 0 ? periodEnd / expectedAnonymous : Double.POSITIVE_INFINITY;

            for (int i = 0; i < names.length; i++) {
                meanGap[i] /= pace;
                if (firstPurchase[i] >= 0) {
                    push(firstPurchase[i], i);
                } else {
                    scheduleSeason(i, seasonWindows);
                }
            }
            pushAnonymous(0);
        }

        /** Seasonal buyers shop only in the weeks before New Year and 8 March, so all their visits are known upfront. */
        private void scheduleSeason(int client, double[][] windows) {
            for (double[] window : windows) {
                double t = window[0] + exponential(meanGap[client]) * 0.5;
                while (t < window[1]) {
                    push((long) t, client);
                    t += exponential(meanGap[client]);
                }
            }
        }

        /** Opening-time intervals of 10 December - 31 December and 25 February - 8 March within the history. */
        private double[][] seasonWindows() {
            List<double[]> windows = new ArrayList<>();
            for (int year = firstDay.getYear() - 1; year <= settings.until().getYear() + 1; year++) {
                addWindow(windows, LocalDate.of(year, 12, 10), LocalDate.of(year, 12, 31));
                addWindow(windows, LocalDate.of(year, 2, 25), LocalDate.of(year, 3, 8));
            }
            return windows.toArray(new double[0][]);
        }

        private void addWindow(List<double[]> windows, LocalDate from, LocalDate to) {
            long start = Math.max(0, from.toEpochDay() - firstDay.toEpochDay());
            long end = Math.min(settings.days(), to.toEpochDay() - firstDay.toEpochDay() + 1);
            if (start < end) {
                windows.add(new double[] {start * (double) OPEN_SECONDS, end * (double) OPEN_SECONDS});
            }
        }

        private void push(long time, int client) {
            if (time >= 0 && time < periodEnd) {
                upcoming.add(time << SLOT_BITS | (client + 1L));
            }
        }

        private void pushAnonymous(long after) {
            if (Double.isFinite(anonymousMeanGap)) {
                long time = after + Math.max(1, (long) exponential(anonymousMeanGap));
                if (time < periodEnd) {
                    upcoming.add(time << SLOT_BITS);
                }
            }
        }

        // --- receipts -------------------------------------------------------------------------

        private void purchase(long time, int client) {
            if (client < 0) {
                pushAnonymous(time);
            } else {
                scheduleNext(time, client);
                seen[client] = true;
            }
            int lines = drawLines();
            int[] favourite = client < 0 ? null : favourites[client];
            int filled = 0;
            for (int attempt = 0; filled < lines && attempt < lines * 3; attempt++) {
                int item = favourite != null && random.nextInt(100) < 55
                        ? favourite[random.nextInt(favourite.length)]
                        : ASSORTMENT.pick(random.nextDouble());
                if (!contains(basket, filled, item)) {
                    basket[filled++] = item;
                }
            }
            int month = (int) (time / OPEN_SECONDS / 30);
            String number = nextReceiptNumber();
            String buyer = buyerColumns(client);
            for (int l = 0; l < filled; l++) {
                int item = basket[l];
                long price = monthlyPrice[month][item];
                long quantityMilli = drawQuantityMilli(ASSORTMENT.item(item));
                basketQuantity[l] = quantityMilli;
                basketPrice[l] = price;
                writeRow(time, number, buyer, item, quantityMilli, price);
            }
            if (filled > 0 && random.nextDouble() < REFUND_SHARE) {
                int l = random.nextInt(filled);
                // goods come back within a fortnight, mostly in a day or two
                long later = time + 3600 + (long) exponential(3.0 * OPEN_SECONDS);
                if (later < periodEnd) {
                    refunds.add(new PendingRefund(later, refundOrder++, client, basket[l], basketQuantity[l], basketPrice[l]));
                }
            }
            if (client < 0) {
                anonymousReceipts++;
            }
        }

        private void scheduleNext(long time, int client) {
            Kind kind = kinds[client];
            if (kind == Kind.ONE_TIME || kind == Kind.SEASONAL) {
                return;
            }
            double gap = kind == Kind.REGULAR
                    // regulars keep a rhythm: their gaps vary little around their own mean
                    ? meanGap[client] * (0.6 + 0.8 * random.nextDouble())
                    : exponential(meanGap[client]);
            long next = time + Math.max(60, (long) gap);
            if (next < activeUntil[client]) {
                push(next, client);
            }
        }

        private void writeRefund(PendingRefund refund) {
            String number = nextReceiptNumber();
            String buyer = buyerColumns(refund.client());
            writeRow(refund.time(), number, buyer, refund.item(), -refund.quantityMilli(), refund.price());
            refundReceipts++;
            if (refund.client() < 0) {
                anonymousReceipts++;
            }
        }

        private String nextReceiptNumber() {
            receiptNumber++;
            String digits = Long.toString(receiptNumber);
            return "00000000".substring(Math.min(8, digits.length())) + digits;
        }

        /** Name, phone and e-mail columns; the phone is written the client's usual way most of the time, but not always. */
        private String buyerColumns(int client) {
            if (client < 0) {
                return ";;";
            }
            StringBuilder columns = new StringBuilder(80).append(names[client]).append(';');
            if (phones[client] != 0) {
                int style = random.nextInt(100) < 70 ? phoneStyle[client] : random.nextInt(PhoneStyle.COUNT);
                PhoneStyle.append(columns, phones[client], style);
            }
            columns.append(';');
            String email = emails[client];
            if (email != null) {
                if (random.nextInt(100) < 8) {
                    // typed by a cashier: first letter capitalised, as phones and keyboards like to do
                    columns.append(Character.toUpperCase(email.charAt(0))).append(email, 1, email.length());
                } else {
                    columns.append(email);
                }
            }
            return columns.toString();
        }

        private void writeRow(long time, String number, String buyer, int itemIndex, long quantityMilli, long price) {
            Assortment.Item item = ASSORTMENT.item(itemIndex);
            appendDateTime(time);
            buffer.append(';').append(number).append(';').append(buyer).append(';');
            appendCsv(item.name());
            buffer.append(';').append(item.category()).append(';');
            long amount;
            if (item.weighed()) {
                appendFixed(quantityMilli, 1000, 3);
                // round(quantity * price, 2) with quantity in thousandths: half-up on the absolute value
                amount = Long.signum(quantityMilli) * ((Math.abs(quantityMilli) * price + 500) / 1000);
            } else {
                buffer.append(quantityMilli / 1000);
                amount = quantityMilli / 1000 * price;
            }
            buffer.append(';');
            appendFixed(price, 100, 2);
            buffer.append(';');
            appendFixed(amount, 100, 2);
            buffer.append('\n');
            rows++;
        }

        private void appendDateTime(long time) {
            int day = (int) (time / OPEN_SECONDS);
            if (day != cachedDay) {
                LocalDate date = firstDay.plusDays(day);
                cachedDay = day;
                cachedDate = two(date.getDayOfMonth()) + "." + two(date.getMonthValue()) + "." + date.getYear() + " ";
            }
            int second = SECOND_OF_DAY[(int) (time % OPEN_SECONDS)];
            buffer.append(cachedDate);
            appendTwo(second / 3600);
            buffer.append(':');
            appendTwo(second / 60 % 60);
            buffer.append(':');
            appendTwo(second % 60);
        }

        private void appendTwo(int value) {
            buffer.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
        }

        /** A decimal with a comma, as 1C writes numbers in a Russian locale. */
        private void appendFixed(long scaled, long unit, int decimals) {
            if (scaled < 0) {
                buffer.append('-');
                scaled = -scaled;
            }
            buffer.append(scaled / unit).append(',');
            String fraction = Long.toString(scaled % unit);
            for (int pad = fraction.length(); pad < decimals; pad++) {
                buffer.append('0');
            }
            buffer.append(fraction);
        }

        private void appendCsv(String value) {
            if (value.indexOf(';') < 0 && value.indexOf('"') < 0) {
                buffer.append(value);
            } else {
                buffer.append('"').append(value.replace("\"", "\"\"")).append('"');
            }
        }

        private void flush() throws IOException {
            out.append(buffer);
            buffer.setLength(0);
        }

        // --- draws ----------------------------------------------------------------------------

        private int drawLines() {
            double u = random.nextDouble();
            for (int i = 0; i < LINES_CUMULATIVE.length; i++) {
                if (u < LINES_CUMULATIVE[i]) {
                    return i + 1;
                }
            }
            return LINES_CUMULATIVE.length;
        }

        /** Quantity in thousandths: whole pieces mostly, a few hundred grams to a kilo and a half of weighed goods. */
        private long drawQuantityMilli(Assortment.Item item) {
            if (item.weighed()) {
                return 150 + random.nextInt(700) + random.nextInt(700);
            }
            int roll = random.nextInt(100);
            int pieces = roll < 76 ? 1 : roll < 94 ? 2 : roll < 98 ? 3 : 4 + random.nextInt(3);
            return pieces * 1000L;
        }

        private long uniform(double from, double to) {
            return (long) (from + random.nextDouble() * (to - from));
        }

        private double exponential(double mean) {
            return -mean * Math.log(1 - random.nextDouble());
        }

        /** Prices creep up by about 0.7 % a month and keep their shop-style endings (…,99, …,90). */
        private long[][] prices(int months) {
            long[][] table = new long[months][ASSORTMENT.size()];
            for (int m = 0; m < months; m++) {
                double rise = 1 + 0.007 * m;
                for (int i = 0; i < ASSORTMENT.size(); i++) {
                    long base = ASSORTMENT.item(i).priceKopecks();
                    long ending = base % 100;
                    long rubles = Math.round(base / 100.0 * rise);
                    table[m][i] = ending == 0 ? rubles * 100 : (rubles - 1) * 100 + ending;
                }
            }
            return table;
        }
    }

    private static boolean contains(int[] values, int count, int value) {
        for (int i = 0; i < count; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }

    /** The ways people and cashiers write the same Russian mobile number. */
    static final class PhoneStyle {
        static final int COUNT = 7;

        private PhoneStyle() {
        }

        /** {@code national} is the ten-digit number without the country code, e.g. 9161234567. */
        static void append(StringBuilder to, long national, int style) {
            String d = Long.toString(national);
            switch (style) {
                case 0 -> to.append("8 ").append(d, 0, 3).append(' ').append(d, 3, 6).append('-').append(d, 6, 8).append('-').append(d, 8, 10);
                case 1 -> to.append("+7 (").append(d, 0, 3).append(") ").append(d, 3, 6).append('-').append(d, 6, 8).append('-').append(d, 8, 10);
                case 2 -> to.append('7').append(d);
                case 3 -> to.append('8').append(d);
                case 4 -> to.append("+7").append(d);
                case 5 -> to.append("8(").append(d, 0, 3).append(')').append(d, 3, 10);
                default -> to.append(d);
            }
        }
    }

    /** Maps evenly spread opening seconds to clock seconds, busier after work than in the morning. */
    private static int[] openingWarp() {
        double[] hourWeight = {4, 5, 6, 6, 7, 7, 6, 6, 7, 9, 11, 11, 8, 5};
        double total = 0;
        for (double w : hourWeight) {
            total += w * 3600;
        }
        int[] warp = new int[OPEN_SECONDS];
        double cumulative = 0;
        int out = 0;
        for (int s = 0; s < OPEN_SECONDS; s++) {
            cumulative += hourWeight[s / 3600] / total;
            while (out < OPEN_SECONDS && (out + 0.5) / OPEN_SECONDS <= cumulative) {
                warp[out++] = OPEN_FROM + s;
            }
        }
        while (out < OPEN_SECONDS) {
            warp[out++] = OPEN_FROM + OPEN_SECONDS - 1;
        }
        return warp;
    }

    private static double[] cumulative(double[] weights) {
        double total = Arrays.stream(weights).sum();
        double[] result = new double[weights.length];
        double running = 0;
        for (int i = 0; i < weights.length; i++) {
            running += weights[i];
            result[i] = running / total;
        }
        return result;
    }

    private static double meanLines() {
        double total = Arrays.stream(LINES_WEIGHT).sum();
        double mean = 0;
        for (int i = 0; i < LINES_WEIGHT.length; i++) {
            mean += (i + 1) * LINES_WEIGHT[i] / total;
        }
        return mean;
    }

    /** A min-heap of longs (time in the high bits, client in the low ones): no boxing for millions of purchases. */
    private static final class LongHeap {
        private long[] heap;
        private int size;

        LongHeap(int capacity) {
            heap = new long[Math.max(16, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        long peek() {
            return heap[0];
        }

        void add(long value) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (heap[parent] <= value) {
                    break;
                }
                heap[i] = heap[parent];
                i = parent;
            }
            heap[i] = value;
        }

        long poll() {
            long top = heap[0];
            long last = heap[--size];
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                if (child + 1 < size && heap[child + 1] < heap[child]) {
                    child++;
                }
                if (last <= heap[child]) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            if (size > 0) {
                heap[i] = last;
            }
            return top;
        }
    }

    private static String two(int value) {
        return value < 10 ? "0" + value : Integer.toString(value);
    }

    /**
     * Writes a file: {@code --clients N --days D --rows R --seed S --until yyyy-MM-dd --out FILE}.
     * Defaults: 2000 clients, 365 days, natural number of rows, seed 42, until yesterday.
     */
    public static void main(String[] args) throws IOException {
        int clients = 2000;
        int days = 365;
        long rows = 0;
        long seed = 42;
        LocalDate until = LocalDate.now().minusDays(1);
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i].toLowerCase(Locale.ROOT);
            if (i + 1 >= args.length) {
                usage("missing value for " + args[i]);
            }
            String value = args[++i];
            switch (option) {
                case "--clients" -> clients = Integer.parseInt(value);
                case "--days" -> days = Integer.parseInt(value);
                case "--rows" -> rows = Long.parseLong(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--until" -> until = LocalDate.parse(value);
                case "--out" -> file = Path.of(value);
                default -> usage("unknown option " + args[i - 1]);
            }
        }
        if (file == null) {
            usage("--out is required");
        }
        long started = System.nanoTime();
        GeneratedSummary summary;
        try (Writer out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16)) {
            summary = write(new Settings(clients, days, until, seed, rows), out);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "%s: %d rows, %d receipts (%d anonymous, %d refunds), %d clients in %.1f s%n",
                file, summary.rows(), summary.receipts(), summary.anonymousReceipts(), summary.refunds(), summary.clients(), seconds);
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: SalesGenerator --out FILE [--clients N] [--days D] [--rows R] [--seed S] [--until yyyy-MM-dd]");
        System.exit(2);
    }
}
