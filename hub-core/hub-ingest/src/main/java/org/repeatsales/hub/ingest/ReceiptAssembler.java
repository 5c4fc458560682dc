package org.repeatsales.hub.ingest;

import static org.repeatsales.hub.ingest.CsvMapping.AMOUNT;
import static org.repeatsales.hub.ingest.CsvMapping.BIRTHDAY;
import static org.repeatsales.hub.ingest.CsvMapping.BUYER_NAME;
import static org.repeatsales.hub.ingest.CsvMapping.CATEGORY;
import static org.repeatsales.hub.ingest.CsvMapping.CITY;
import static org.repeatsales.hub.ingest.CsvMapping.CLIENT_KEY;
import static org.repeatsales.hub.ingest.CsvMapping.CONSENT_CHANNELS;
import static org.repeatsales.hub.ingest.CsvMapping.CONSENT_DATE;
import static org.repeatsales.hub.ingest.CsvMapping.DISCOUNT;
import static org.repeatsales.hub.ingest.CsvMapping.EMAIL;
import static org.repeatsales.hub.ingest.CsvMapping.ITEM;
import static org.repeatsales.hub.ingest.CsvMapping.OPERATION;
import static org.repeatsales.hub.ingest.CsvMapping.PAYMENT;
import static org.repeatsales.hub.ingest.CsvMapping.PHONE;
import static org.repeatsales.hub.ingest.CsvMapping.POINT_OF_SALE;
import static org.repeatsales.hub.ingest.CsvMapping.PRICE;
import static org.repeatsales.hub.ingest.CsvMapping.PURCHASED_AT;
import static org.repeatsales.hub.ingest.CsvMapping.QUANTITY;
import static org.repeatsales.hub.ingest.CsvMapping.RECEIPT_TOTAL;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns rows of cell values (from the CSV tokenizer or the Excel reader alike) into receipts:
 * one receipt line per row, the rows with the same natural key form one receipt.
 *
 * <p>A receipt is passed on as soon as a row with another key arrives, so memory holds one
 * receipt at a time. Files sorted by something else (an item, a buyer) split a receipt into runs
 * of rows apart from each other; a first pass over the file ({@link KeyRuns}) names those
 * receipts, and their rows are held until the receipt's last row, up to
 * {@link #MAX_HELD_ROWS}. Every non-blank row ends in exactly one receipt or one rejection; if any
 * row of a receipt is bad, or its rows disagree on the date, the buyer or the point of sale, the
 * whole receipt is rejected, because importing a receipt with a line missing would record a wrong
 * purchase.
 */
final class ReceiptAssembler {

    /** A run longer than this under one key means a wrongly mapped key column, not a receipt. */
    static final int MAX_ROWS_PER_RECEIPT = 10_000;
    static final int MAX_RAW_CHARS = 1000;
    /** Rows of receipts scattered over the file held at once; past it such receipts are rejected. */
    static final int MAX_HELD_ROWS = 100_000;
    private static final BigDecimal TOLERANCE = new BigDecimal("0.01");
    private static final java.time.format.DateTimeFormatter DAY = java.time.format.DateTimeFormatter.ofPattern("dd.MM.yyyy");

    private final CsvMapping mapping;
    private final ZoneId zone;
    private final String rawDelimiter;
    private final RecordSink sink;
    private final int headerWidth;

    private final int[] keyColumns;
    private final String[] keyNames;
    private final boolean[] keyOptional;
    /** Position of {@code purchaseDay} in the key, or -1. */
    private final int keyDay;
    private final int[] requiredColumns;
    private final String[] requiredNames;
    private final int at;
    private final int item;
    private final int category;
    private final int quantity;
    private final int price;
    private final int amount;
    private final int discount;
    private final int receiptTotal;
    private final int payment;
    private final int pointOfSale;
    private final int operation;
    private final int buyerName;
    private final int phone;
    private final int email;
    private final int clientKey;
    private final int birthday;
    private final int city;
    /** Consent fields mapped to a column of this file, with their columns. */
    private final List<String> consentFields = new ArrayList<>();
    private final List<Integer> consentColumns = new ArrayList<>();
    private final int consentDate;

    private final List<Row> group = new ArrayList<>();
    private String groupKey;
    /** Key of the previous row, to tell where a run of rows under one key starts. */
    private String previousKey;
    /** The previous row's key without its day, and its day, for a next row whose date is bad. */
    private String previousBase;
    private String previousDay;
    /** Receipts whose rows are not together in the file, by key, with the line of their last row. */
    private Map<String, Long> scattered = Map.of();
    private final Map<String, List<List<Row>>> held = new HashMap<>();
    private int heldRows;
    private int maxHeldRows = MAX_HELD_ROWS;
    private final Set<String> givenUp = new HashSet<>();
    /** Key of a run that grew past {@link #MAX_ROWS_PER_RECEIPT}; its further rows are rejected at once. */
    private String overflowKey;

    private long rows;
    private long receipts;
    private long rejections;

    ReceiptAssembler(CsvMapping mapping, String[] header, ZoneId zone, String rawDelimiter, RecordSink sink) {
        this.mapping = mapping;
        this.zone = zone;
        this.rawDelimiter = rawDelimiter;
        this.sink = sink;
        this.headerWidth = header.length;
        Map<String, Integer> index = Headers.index(header);
        List<CsvMapping.KeyPart> parts = mapping.keyParts();
        keyColumns = new int[parts.size()];
        keyNames = new String[keyColumns.length];
        keyOptional = new boolean[keyColumns.length];
        int day = -1;
        for (int i = 0; i < keyColumns.length; i++) {
            CsvMapping.KeyPart part = parts.get(i);
            keyOptional[i] = part.optional();
            if (part.field().equals(CsvMapping.PURCHASE_DAY)) {
                day = i;
                keyNames[i] = mapping.column(PURCHASED_AT);
                keyColumns[i] = -1;
            } else {
                keyNames[i] = mapping.column(part.field());
                keyColumns[i] = index.getOrDefault(Headers.normalize(keyNames[i]), -1);
            }
        }
        keyDay = day;
        requiredColumns = new int[mapping.required().size()];
        requiredNames = new String[requiredColumns.length];
        for (int i = 0; i < requiredColumns.length; i++) {
            requiredNames[i] = mapping.column(mapping.required().get(i));
            requiredColumns[i] = index.getOrDefault(Headers.normalize(requiredNames[i]), -1);
        }
        at = col(index, PURCHASED_AT);
        item = col(index, ITEM);
        category = col(index, CATEGORY);
        quantity = col(index, QUANTITY);
        price = col(index, PRICE);
        amount = col(index, AMOUNT);
        discount = col(index, DISCOUNT);
        receiptTotal = col(index, RECEIPT_TOTAL);
        payment = col(index, PAYMENT);
        pointOfSale = col(index, POINT_OF_SALE);
        operation = col(index, OPERATION);
        buyerName = col(index, BUYER_NAME);
        phone = col(index, PHONE);
        email = col(index, EMAIL);
        clientKey = col(index, CLIENT_KEY);
        birthday = col(index, BIRTHDAY);
        city = col(index, CITY);
        for (String field : List.of(CsvMapping.EMAIL_CONSENT, CsvMapping.SMS_CONSENT, CsvMapping.TELEGRAM_CONSENT)) {
            int c = col(index, field);
            if (c >= 0) {
                consentFields.add(field);
                consentColumns.add(c);
            }
        }
        consentDate = col(index, CONSENT_DATE);
    }

    private int col(Map<String, Integer> index, String field) {
        String header = mapping.column(field);
        return header == null ? -1 : index.getOrDefault(Headers.normalize(header), -1);
    }

    long rows() {
        return rows;
    }

    long receipts() {
        return receipts;
    }

    long rejections() {
        return rejections;
    }

    /** Names the receipts whose rows are apart in the file, as a first pass over it found them. */
    void expectScattered(KeyRuns runs) {
        expectScattered(runs, MAX_HELD_ROWS);
    }

    void expectScattered(KeyRuns runs, int maxHeldRows) {
        scattered = runs.scattered();
        this.maxHeldRows = maxHeldRows;
    }

    /**
     * A first pass: tells {@code runs} the key of each row as {@link #accept} will compute it.
     * Use an assembler of its own for the pass, since keys depend on the rows before.
     */
    void scan(long line, String[] cells, KeyRuns runs) {
        if (isBlank(cells)) {
            return;
        }
        String atRaw = keyDay >= 0 ? cell(cells, at) : null;
        Instant when = null;
        if (atRaw != null) {
            try {
                when = Values.instant(atRaw, zone);
            } catch (IllegalArgumentException e) {
                when = null;
            }
        }
        runs.row(line, key(cells, when, null), cells);
    }

    /** One data row; rows whose cells are all blank are not data and are ignored. */
    void accept(long line, String[] cells) {
        if (isBlank(cells)) {
            return;
        }
        rows++;
        Row row = parse(line, cells);
        boolean runStarts = row.key == null || !row.key.equals(previousKey);
        previousKey = row.key;
        if (row.key == null) {
            // cannot belong to any receipt (typically a trailing "Итого" row)
            flush();
            reject(row, row.errors);
            return;
        }
        Long lastLine = scattered.get(row.key);
        if (lastLine != null) {
            flush();
            hold(row, runStarts, lastLine);
            return;
        }
        if (row.key.equals(overflowKey)) {
            reject(row, tooLong(row.label));
            return;
        }
        overflowKey = null;
        if (!row.key.equals(groupKey)) {
            flush();
            groupKey = row.key;
        }
        if (group.size() >= MAX_ROWS_PER_RECEIPT) {
            String reason = tooLong(row.label);
            for (Row r : group) {
                reject(r, reason);
            }
            group.clear();
            groupKey = null;
            overflowKey = row.key;
            reject(row, reason);
            return;
        }
        group.add(row);
    }

    /** Passes on the receipt still being collected; call once at the end of the input. */
    void finish() {
        flush();
        // only if the file changed between the passes: what is held still goes out whole
        for (String key : new ArrayList<>(held.keySet())) {
            emit(key, held.remove(key));
        }
        heldRows = 0;
    }

    /** Keeps a row of a scattered receipt until the receipt's last row has come. */
    private void hold(Row row, boolean runStarts, long lastLine) {
        if (givenUp.contains(row.key)) {
            reject(row, tooScattered(row.label));
            return;
        }
        List<List<Row>> runs = held.computeIfAbsent(row.key, k -> new ArrayList<>());
        if (runStarts || runs.isEmpty()) {
            runs.add(new ArrayList<>());
        }
        runs.get(runs.size() - 1).add(row);
        heldRows++;
        if (row.line >= lastLine) {
            held.remove(row.key);
            for (List<Row> run : runs) {
                heldRows -= run.size();
            }
            emit(row.key, runs);
            return;
        }
        if (heldRows > maxHeldRows) {
            held.remove(row.key);
            givenUp.add(row.key);
            String reason = tooScattered(row.label);
            for (List<Row> run : runs) {
                heldRows -= run.size();
                for (Row r : run) {
                    reject(r, reason);
                }
            }
        }
    }

    /**
     * A scattered receipt's runs as one receipt. A run that repeats an earlier run of the same
     * receipt row for row is the same lines exported twice (two overlapping exports pasted
     * together), not more lines: its rows count for the receipt but add no lines.
     */
    private void emit(String key, List<List<Row>> runs) {
        List<Row> lines = new ArrayList<>();
        List<List<Row>> distinct = new ArrayList<>();
        int repeated = 0;
        for (List<Row> run : runs) {
            if (distinct.stream().anyMatch(d -> sameRows(d, run))) {
                repeated += run.size();
            } else {
                distinct.add(run);
                lines.addAll(run);
            }
        }
        lines.sort(java.util.Comparator.comparingLong(r -> r.line));
        assemble(key, lines, repeated);
    }

    private static boolean sameRows(List<Row> a, List<Row> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(a.get(i).cells, b.get(i).cells)) {
                return false;
            }
        }
        return true;
    }

    private String tooScattered(String label) {
        return "Чек «" + label + "»: строки чека разбросаны по файлу, а таких чеков больше, чем можно собрать в памяти ("
                + maxHeldRows + " строк) — отсортируйте файл по номеру чека и загрузите его снова";
    }

    private static String tooLong(String label) {
        return "Чек «" + label + "»: больше " + MAX_ROWS_PER_RECEIPT
                + " строк подряд с одним номером — похоже, колонка номера чека выбрана неверно";
    }

    private Row parse(long line, String[] cells) {
        Row r = new Row(line, cells);
        for (int i = 0; i < requiredColumns.length; i++) {
            int c = requiredColumns[i];
            if (c >= cells.length) {
                r.error("В строке нет колонки «" + requiredNames[i] + "»: полей " + cells.length + ", а в заголовке " + headerWidth);
            }
        }
        String atRaw = cell(cells, at);
        if (atRaw == null) {
            if (at < cells.length) {
                r.error("Колонка «" + mapping.column(PURCHASED_AT) + "»: не заполнена — нет даты покупки");
            }
        } else {
            try {
                r.at = Values.instant(atRaw, zone);
            } catch (IllegalArgumentException e) {
                r.error(bad(PURCHASED_AT, atRaw, e));
            }
        }
        r.key = key(cells, r.at, r);
        r.item = cell(cells, item);
        r.category = cell(cells, category);
        r.quantity = number(r, cells, quantity, QUANTITY, false);
        r.price = number(r, cells, price, PRICE, true);
        r.discount = number(r, cells, discount, DISCOUNT, true);
        r.amount = number(r, cells, amount, AMOUNT, true);
        r.receiptTotal = number(r, cells, receiptTotal, RECEIPT_TOTAL, true);
        r.payment = cell(cells, payment);
        r.pointOfSale = cell(cells, pointOfSale);
        r.operation = cell(cells, operation);
        r.buyerName = cell(cells, buyerName);
        r.phone = cell(cells, phone);
        r.email = cell(cells, email);
        r.clientKey = cell(cells, clientKey);
        r.birthday = cell(cells, birthday);
        r.city = cell(cells, city);
        parseConsents(r, cells);
        if (r.errors == null) {
            checkArithmetic(r);
        }
        return r;
    }

    /**
     * The row's natural key: the key fields' values joined with {@code |}, optional ones left out
     * when blank. A row whose date does not parse takes the day of the row before it when the rest
     * of its key is the same, so that the bad row rejects its own receipt instead of leaving it
     * with a line missing. Called once per row, in file order.
     */
    private String key(String[] cells, Instant when, Row r) {
        String[] parts = new String[keyColumns.length];
        for (int i = 0; i < keyColumns.length; i++) {
            if (i == keyDay) {
                continue;
            }
            String v = cell(cells, keyColumns[i]);
            if (v == null && !keyOptional[i]) {
                if (r != null && keyColumns[i] < cells.length) {
                    r.error("Колонка «" + keyNames[i] + "»: не заполнена — строку нельзя отнести к чеку");
                }
                previousBase = null;
                return null;
            }
            parts[i] = v;
        }
        String base = join(parts);
        if (keyDay >= 0) {
            String day = when != null ? when.atZone(zone).toLocalDate().toString()
                    : base.equals(previousBase) ? previousDay : null;
            previousBase = day == null ? null : base;
            previousDay = day;
            if (day == null) {
                return null; // the date's own error says why
            }
            parts[keyDay] = day;
            if (r != null) {
                r.label = base + " от " + LocalDate.parse(day).format(DAY);
            }
            return join(parts);
        }
        if (r != null) {
            r.label = base;
        }
        return base;
    }

    private static String join(String[] parts) {
        StringBuilder key = new StringBuilder();
        for (String p : parts) {
            if (p != null) {
                if (key.length() > 0) {
                    key.append('|');
                }
                key.append(p);
            }
        }
        return key.toString();
    }

    /** The row's consent answers; a value that is not yes/no, or a bad consent date, is the row's error. */
    private void parseConsents(Row r, String[] cells) {
        if (consentFields.isEmpty()) {
            return;
        }
        String dateRaw = cell(cells, consentDate);
        if (dateRaw != null) {
            try {
                r.consentAt = Values.instant(dateRaw, zone);
            } catch (IllegalArgumentException e) {
                r.error(bad(CONSENT_DATE, dateRaw, e));
            }
        }
        for (int i = 0; i < consentFields.size(); i++) {
            String raw = cell(cells, consentColumns.get(i));
            try {
                Boolean given = Values.consent(raw);
                if (given != null) {
                    if (r.consents == null) {
                        r.consents = new java.util.LinkedHashMap<>();
                    }
                    r.consents.put(CONSENT_CHANNELS.get(consentFields.get(i)), given);
                }
            } catch (IllegalArgumentException e) {
                r.error(bad(consentFields.get(i), raw, e));
            }
        }
    }

    /** Fills in what the row leaves out and checks that quantity × price − discount = amount. */
    private void checkArithmetic(Row r) {
        if (r.quantity == null) {
            r.quantity = BigDecimal.ONE; // one-receipt-per-row layouts often leave it out
        }
        BigDecimal disc = r.discount == null ? BigDecimal.ZERO : r.discount.abs();
        if (r.amount == null) {
            if (r.price == null) {
                if (amount >= 0) {
                    r.error("Колонка «" + mapping.column(AMOUNT) + "»: не заполнена");
                } else {
                    r.error("Колонка «" + mapping.column(PRICE) + "»: не заполнена — не из чего посчитать сумму");
                }
                return;
            }
            BigDecimal computed = r.quantity.abs().multiply(r.price.abs()).subtract(disc).setScale(2, RoundingMode.HALF_UP);
            r.amount = r.quantity.signum() < 0 || r.price.signum() < 0 ? computed.negate() : computed;
            return;
        }
        if (r.price == null) {
            return;
        }
        // signs differ between exports (refund rows negative in quantity, amount or both), so compare magnitudes
        BigDecimal expected = r.quantity.abs().multiply(r.price.abs()).subtract(disc);
        if (expected.subtract(r.amount.abs()).abs().compareTo(TOLERANCE) > 0) {
            r.error("Колонка «" + mapping.column(AMOUNT) + "»: «" + r.rawCell(amount) + "» не сходится с расчётом "
                    + plain(r.quantity.abs()) + " × " + money(r.price.abs())
                    + (disc.signum() != 0 ? " − " + money(disc) : "") + " = " + money(expected.setScale(2, RoundingMode.HALF_UP))
                    + (disc.signum() != 0 ? " (количество × цена − скидка)" : " (количество × цена)"));
        }
    }

    private BigDecimal number(Row r, String[] cells, int column, String field, boolean isMoney) {
        String raw = cell(cells, column);
        if (raw == null) {
            return null;
        }
        try {
            return isMoney ? Values.money(raw) : Values.quantity(raw);
        } catch (IllegalArgumentException e) {
            r.error(bad(field, raw, e));
            return null;
        }
    }

    private String bad(String field, String raw, IllegalArgumentException e) {
        return "Колонка «" + mapping.column(field) + "»: «" + raw + "» — " + e.getMessage();
    }

    private void flush() {
        if (group.isEmpty()) {
            return;
        }
        List<Row> rowsOfReceipt = new ArrayList<>(group);
        group.clear();
        String key = groupKey;
        groupKey = null;
        assemble(key, rowsOfReceipt, 0);
    }

    /**
     * One receipt from its rows, or the rejection of all of them.
     *
     * @param repeatedRows rows of the file that repeat some of these and count for the receipt
     */
    private void assemble(String key, List<Row> rowsOfReceipt, int repeatedRows) {
        String label = rowsOfReceipt.get(0).label;
        List<Long> badLines = new ArrayList<>();
        for (Row r : rowsOfReceipt) {
            if (r.errors != null) {
                badLines.add(r.line);
            }
        }
        if (!badLines.isEmpty()) {
            String others = "Чек «" + label + "» отклонён целиком: " + (badLines.size() == 1
                    ? "ошибка в строке " + badLines.get(0)
                    : "ошибки в строках " + joinLines(badLines));
            for (Row r : rowsOfReceipt) {
                reject(r, r.errors != null ? r.errors : others);
            }
            rejectRepeats(repeatedRows, rowsOfReceipt, others);
            return;
        }
        String disagreement = disagreement(label, rowsOfReceipt);
        if (disagreement != null) {
            for (Row r : rowsOfReceipt) {
                reject(r, disagreement);
            }
            rejectRepeats(repeatedRows, rowsOfReceipt, disagreement);
            return;
        }

        boolean refundByOperation = false;
        boolean anyNegative = false;
        boolean anyPositive = false;
        for (Row r : rowsOfReceipt) {
            refundByOperation |= mapping.isRefundOperation(r.operation);
            anyNegative |= r.amount.signum() < 0;
            anyPositive |= r.amount.signum() > 0;
        }
        if (anyNegative && anyPositive) {
            String reason = "Чек «" + label + "»: в одном чеке строки с положительной и отрицательной суммой — непонятно, продажа это или возврат";
            for (Row r : rowsOfReceipt) {
                reject(r, reason);
            }
            rejectRepeats(repeatedRows, rowsOfReceipt, reason);
            return;
        }
        Row first = rowsOfReceipt.get(0);
        List<ReceiptLine> lines = new ArrayList<>(rowsOfReceipt.size());
        BigDecimal sum = BigDecimal.ZERO.setScale(2);
        BigDecimal discountSum = BigDecimal.ZERO.setScale(2);
        String payment = null;
        String pointOfSale = null;
        String name = null;
        String phoneRaw = null;
        String emailRaw = null;
        String clientKeyRaw = null;
        String birthdayRaw = null;
        String cityRaw = null;
        int n = 0;
        for (Row r : rowsOfReceipt) {
            BigDecimal lineAmount = r.amount.abs();
            sum = sum.add(lineAmount);
            if (r.discount != null) {
                discountSum = discountSum.add(r.discount.abs());
            }
            lines.add(new ReceiptLine(++n, r.item, r.category, r.quantity.abs(),
                    r.price == null ? null : r.price.abs(), lineAmount));
            payment = payment != null ? payment : r.payment;
            pointOfSale = pointOfSale != null ? pointOfSale : r.pointOfSale;
            name = name != null ? name : r.buyerName;
            phoneRaw = phoneRaw != null ? phoneRaw : r.phone;
            emailRaw = emailRaw != null ? emailRaw : r.email;
            clientKeyRaw = clientKeyRaw != null ? clientKeyRaw : r.clientKey;
            birthdayRaw = birthdayRaw != null ? birthdayRaw : r.birthday;
            cityRaw = cityRaw != null ? cityRaw : r.city;
        }
        BigDecimal total = first.receiptTotal != null ? first.receiptTotal.abs() : sum;
        Buyer buyer = new Buyer(name, Contacts.phone(phoneRaw), Contacts.email(emailRaw), clientKeyRaw, birthday(birthdayRaw), cityRaw);
        if (buyer.equals(Buyer.ANONYMOUS)) {
            buyer = Buyer.ANONYMOUS;
        }
        ReceiptRecord receipt = new ReceiptRecord(mapping.source(), key, first.line, rowsOfReceipt.size() + repeatedRows, first.at,
                total, discountSum, payment, pointOfSale, refundByOperation || anyNegative, buyer, lines,
                consents(rowsOfReceipt, buyer));
        receipts++;
        sink.receipt(receipt);
    }

    /**
     * Rows repeated within a scattered receipt were dropped before it was assembled; when the
     * receipt is rejected they are too, so that every row is accounted for. Only their count is
     * kept, so they are rejected as copies of the receipt's first row.
     */
    private void rejectRepeats(int repeatedRows, List<Row> rowsOfReceipt, String reason) {
        Row first = rowsOfReceipt.get(0);
        for (int i = 0; i < repeatedRows; i++) {
            reject(first, reason);
        }
    }

    /**
     * Why the rows under one key cannot be one receipt: they name different moments, buyers or
     * points of sale (a receipt number used again on another day, at another shop, for another
     * buyer). Null when they agree; a blank value agrees with anything.
     */
    private String disagreement(String label, List<Row> rowsOfReceipt) {
        if (rowsOfReceipt.size() < 2) {
            return null;
        }
        Row first = rowsOfReceipt.get(0);
        for (Row r : rowsOfReceipt) {
            String column = null;
            String a = null;
            String b = null;
            if (!first.at.equals(r.at)) {
                column = mapping.column(PURCHASED_AT);
                a = first.rawCell(at);
                b = r.rawCell(at);
            } else if (differs(first.buyerName, r.buyerName, false)) {
                column = mapping.column(BUYER_NAME);
                a = first.buyerName;
                b = r.buyerName;
            } else if (differsAsContact(first.phone, r.phone, Contacts::phone)) {
                column = mapping.column(PHONE);
                a = first.phone;
                b = r.phone;
            } else if (differsAsContact(first.email, r.email, Contacts::email)) {
                column = mapping.column(EMAIL);
                a = first.email;
                b = r.email;
            } else if (differs(first.clientKey, r.clientKey, true)) {
                column = mapping.column(CLIENT_KEY);
                a = first.clientKey;
                b = r.clientKey;
            } else if (differs(first.pointOfSale, r.pointOfSale, false)) {
                column = mapping.column(POINT_OF_SALE);
                a = first.pointOfSale;
                b = r.pointOfSale;
            }
            if (column != null) {
                return "Чек «" + label + "»: строки одного чека расходятся в колонке «" + column + "» — «" + a + "» в строке "
                        + first.line + " и «" + b + "» в строке " + r.line
                        + ". Если это разные чеки с одним номером, добавьте в ключ сопоставления (key) колонку, которая их различает";
            }
        }
        return null;
    }

    /** Rows usually repeat the cell as it is, so only cells written differently are normalised. */
    private static boolean differsAsContact(String a, String b, java.util.function.UnaryOperator<String> normalise) {
        if (a == null || b == null || a.equals(b)) {
            return false;
        }
        return differs(normalise.apply(a), normalise.apply(b), true);
    }

    private static boolean differs(String a, String b, boolean exact) {
        if (a == null || b == null || a.equals(b)) {
            return false;
        }
        return exact ? !a.equals(b) : !Headers.normalize(a).equals(Headers.normalize(b));
    }

    /** Per channel, the first answer among the receipt's rows (like the contacts), with the address it concerns. */
    private static List<ConsentMark> consents(List<Row> rowsOfReceipt, Buyer buyer) {
        Map<String, ConsentMark> marks = new java.util.LinkedHashMap<>();
        for (Row r : rowsOfReceipt) {
            if (r.consents == null) {
                continue;
            }
            for (Map.Entry<String, Boolean> c : r.consents.entrySet()) {
                String address = switch (c.getKey()) {
                    case "EMAIL" -> buyer.email();
                    case "SMS" -> buyer.phone();
                    default -> null; // a Telegram chat is only learnt when the client opens the bot's link
                };
                marks.putIfAbsent(c.getKey(), new ConsentMark(c.getKey(), c.getValue(),
                        r.consentAt != null ? r.consentAt : r.at, address, r.line));
            }
        }
        return List.copyOf(marks.values());
    }

    /** A birthday that does not parse is dropped rather than costing the sale. */
    private static LocalDate birthday(String raw) {
        try {
            return Values.date(raw);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void reject(Row r, String reason) {
        rejections++;
        sink.rejected(new Rejection(r.line, r.raw(rawDelimiter), reason));
    }

    private static String joinLines(List<Long> lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size() && i < 10; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(lines.get(i));
        }
        if (lines.size() > 10) {
            sb.append(" и ещё ").append(lines.size() - 10);
        }
        return sb.toString();
    }

    private static String cell(String[] cells, int column) {
        if (column < 0 || column >= cells.length) {
            return null;
        }
        String v = cells[column];
        if (v == null) {
            return null;
        }
        v = Contacts.stripBlanks(v); // exports pad cells with no-break spaces too
        return v.isEmpty() ? null : v;
    }

    private static boolean isBlank(String[] cells) {
        for (String c : cells) {
            if (c != null && !Contacts.stripBlanks(c).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static String money(BigDecimal v) {
        DecimalFormat f = new DecimalFormat("0.00", DecimalFormatSymbols.getInstance(Locale.forLanguageTag("ru")));
        return f.format(v);
    }

    private static String plain(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString().replace('.', ',');
    }

    /** One parsed row, kept until its receipt is complete. */
    private static final class Row {
        final long line;
        final String[] cells;
        String errors;
        String key;
        /** The receipt as people name it in messages: its key without the day, then the date. */
        String label;
        Instant at;
        String item;
        String category;
        BigDecimal quantity;
        BigDecimal price;
        BigDecimal discount;
        BigDecimal amount;
        BigDecimal receiptTotal;
        String payment;
        String pointOfSale;
        String operation;
        String buyerName;
        String phone;
        String email;
        String clientKey;
        String birthday;
        String city;
        Instant consentAt;
        Map<String, Boolean> consents;

        Row(long line, String[] cells) {
            this.line = line;
            this.cells = cells;
        }

        void error(String reason) {
            errors = errors == null ? reason : errors + "; " + reason;
        }

        String rawCell(int column) {
            String v = cell(cells, column);
            return v == null ? "" : v;
        }

        String raw(String delimiter) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cells.length && sb.length() <= MAX_RAW_CHARS; i++) {
                if (i > 0) {
                    sb.append(delimiter);
                }
                if (cells[i] != null) {
                    sb.append(cells[i]);
                }
            }
            return sb.length() > MAX_RAW_CHARS ? sb.substring(0, MAX_RAW_CHARS) : sb.toString();
        }
    }
}
