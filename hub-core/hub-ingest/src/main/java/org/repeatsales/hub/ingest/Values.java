package org.repeatsales.hub.ingest;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Parses the values people put into 1C and Excel exports: numbers written the Russian way or the
 * English way, dates in the handful of layouts these programs produce.
 *
 * <p>Hand-written rather than regex or {@code DateTimeFormatter} based: it runs for every cell of
 * files with millions of rows. Blank input gives {@code null}; anything else that is not a value
 * throws {@link IllegalArgumentException} whose message is a short Russian phrase ("не число",
 * "не дата") meant to be quoted after the column name and the value.
 */
public final class Values {

    static final String NOT_A_NUMBER = "не число";
    static final String NOT_A_DATE = "не дата";

    private static final String[] CURRENCY_SUFFIXES = {"руб.", "руб", "р.", "р", "₽", "rub.", "rub", "rur"};

    private Values() {
    }

    /** Rubles and kopecks: scale 2, rounded half-up. */
    public static BigDecimal money(String raw) {
        BigDecimal d = decimal(raw);
        return d == null ? null : d.setScale(2, RoundingMode.HALF_UP);
    }

    /** Pieces or kilograms: at most 3 decimals, trailing zeros dropped ({@code 2}, {@code 0.347}). */
    public static BigDecimal quantity(String raw) {
        BigDecimal d = decimal(raw);
        if (d == null) {
            return null;
        }
        BigDecimal q = d.setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
        return q.scale() < 0 ? q.setScale(0) : q;
    }

    /**
     * A decimal number with comma or point as the decimal separator, thousands grouped by spaces
     * (including no-break and narrow no-break), points, commas or apostrophes, a currency suffix,
     * and any of the minus signs word processors substitute. When both comma and point occur, the
     * last one is the decimal separator; a single kind occurring more than once is grouping.
     */
    public static BigDecimal decimal(String raw) {
        if (raw == null) {
            return null;
        }
        int start = 0;
        int end = raw.length();
        while (start < end && isSpace(raw.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(raw.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return null;
        }
        end = stripCurrency(raw, start, end);
        boolean negative = false;
        if (end - start >= 2 && raw.charAt(start) == '(' && raw.charAt(end - 1) == ')') {
            // accounting notation for negatives
            negative = true;
            start++;
            end--;
        }
        if (start < end && isMinus(raw.charAt(start))) {
            negative = !negative;
            start++;
        } else if (start < end && raw.charAt(start) == '+') {
            start++;
        } else if (start < end && isMinus(raw.charAt(end - 1))) {
            negative = !negative;
            end--;
        }
        while (start < end && isSpace(raw.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(raw.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            throw new IllegalArgumentException(NOT_A_NUMBER);
        }
        BigDecimal value = parseBody(raw, start, end);
        return negative ? value.negate() : value;
    }

    private static BigDecimal parseBody(String s, int start, int end) {
        // First pass: where are the separators, and which kinds occur.
        int commas = 0;
        int points = 0;
        int lastComma = -1;
        int lastPoint = -1;
        boolean exponent = false;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c == ',') {
                commas++;
                lastComma = i;
            } else if (c == '.') {
                points++;
                lastPoint = i;
            } else if (c == 'e' || c == 'E') {
                exponent = true;
            } else if (!(c >= '0' && c <= '9') && !isSpace(c) && c != '\'') {
                throw new IllegalArgumentException(NOT_A_NUMBER);
            }
        }
        if (exponent) {
            // raw Excel numbers such as 1.0E7; never written by hand in these exports
            try {
                return new BigDecimal(s.substring(start, end));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(NOT_A_NUMBER);
            }
        }
        int decimalAt;
        if (commas > 0 && points > 0) {
            decimalAt = Math.max(lastComma, lastPoint);
            if ((decimalAt == lastComma ? commas : points) != 1) {
                throw new IllegalArgumentException(NOT_A_NUMBER);
            }
        } else if (commas == 1) {
            decimalAt = lastComma;
        } else if (points == 1) {
            decimalAt = lastPoint;
        } else {
            decimalAt = -1; // none, or one kind repeated: grouping only
        }
        int intEnd = decimalAt < 0 ? end : decimalAt;
        char[] digits = new char[end - start + 1];
        int n = 0;
        // Integer part: groups after a grouping separator must have exactly three digits,
        // which is what tells "12,3,4" (garbage) from "1,234,567".
        int group = 0;
        boolean grouped = false;
        boolean previousWasSeparator = false;
        for (int i = start; i < intEnd; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits[n++] = c;
                group++;
                previousWasSeparator = false;
            } else {
                if (isSpace(c) && previousWasSeparator && isSpace(s.charAt(i - 1))) {
                    continue; // runs of spaces count as one separator
                }
                if (group == 0 || (grouped ? group != 3 : group > 3)) {
                    throw new IllegalArgumentException(NOT_A_NUMBER);
                }
                grouped = true;
                group = 0;
                previousWasSeparator = true;
            }
        }
        if (grouped && group != 3) {
            throw new IllegalArgumentException(NOT_A_NUMBER);
        }
        if (n == 0) {
            digits[n++] = '0';
        }
        if (decimalAt >= 0) {
            int fractionStart = n + 1;
            digits[n++] = '.';
            for (int i = decimalAt + 1; i < end; i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    throw new IllegalArgumentException(NOT_A_NUMBER);
                }
                digits[n++] = c;
            }
            if (n == fractionStart) {
                n--; // "12." is 12
                if (intEnd == start) {
                    throw new IllegalArgumentException(NOT_A_NUMBER);
                }
            }
        }
        return new BigDecimal(digits, 0, n);
    }

    private static int stripCurrency(String s, int start, int end) {
        for (String suffix : CURRENCY_SUFFIXES) {
            int len = suffix.length();
            if (end - start > len && s.regionMatches(true, end - len, suffix, 0, len)) {
                char before = s.charAt(end - len - 1);
                // "р" must not eat the end of a word; it follows a digit or a space
                if ((before >= '0' && before <= '9') || isSpace(before) || before == '.' || before == ',') {
                    end -= len;
                    while (end > start && isSpace(s.charAt(end - 1))) {
                        end--;
                    }
                    return end;
                }
            }
        }
        return end;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\u00A0' || c == '\u202F' || c == '\u2007' || c == '\u2009';
    }

    private static boolean isMinus(char c) {
        return c == '-' || c == '\u2212' || c == '\u2013' || c == '\u2014' || c == '\u2012' || c == '\uFE63' || c == '\uFF0D';
    }

    /**
     * A moment of purchase. Accepts {@code dd.MM.yyyy}, {@code dd.MM.yy} (day and month may have
     * one digit), ISO {@code yyyy-MM-dd}, each optionally followed by a time {@code H:mm[:ss[.SSS]]}
     * after a space or {@code T}; ISO may end in {@code Z} or an offset. Times without an offset are
     * wall-clock time in {@code zone}; a date without time is midnight there.
     */
    public static Instant instant(String raw, ZoneId zone) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        DateCursor c = new DateCursor(Contacts.stripBlanks(raw));
        LocalDateTime local = c.dateTime();
        ZoneOffset offset = c.offset();
        c.expectEnd();
        return offset != null ? local.toInstant(offset) : local.atZone(zone).toInstant();
    }

    /**
     * A yes/no answer of a consent column: {@code да}, {@code нет}, {@code yes}, {@code no},
     * {@code 1}, {@code 0} (also {@code д}, {@code н}, {@code y}, {@code n}, {@code true},
     * {@code false}, {@code истина}, {@code ложь}, {@code +}, {@code -}), in any case. 1C writes
     * a Boolean attribute as {@code Истина}/{@code Ложь} when it exports it as text. Blank is
     * null: the file says nothing.
     *
     * @throws IllegalArgumentException for anything else, with a Russian reason
     */
    public static Boolean consent(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return switch (Contacts.stripBlanks(raw).toLowerCase(java.util.Locale.ROOT)) {
            case "да", "д", "yes", "y", "1", "true", "истина", "+" -> Boolean.TRUE;
            case "нет", "н", "no", "n", "0", "false", "ложь", "-" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("не согласие: ожидается да, нет, yes, no, 1 или 0");
        };
    }

    /** A calendar date (a birthday); a time part, if any, is ignored. */
    public static LocalDate date(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        DateCursor c = new DateCursor(Contacts.stripBlanks(raw));
        LocalDateTime local = c.dateTime();
        c.offset();
        c.expectEnd();
        return local.toLocalDate();
    }

    /** Hand-rolled scanner over one date string; every mismatch is "не дата". */
    private static final class DateCursor {
        private final String s;
        private int i;

        DateCursor(String s) {
            this.s = s;
        }

        LocalDateTime dateTime() {
            int year;
            int month;
            int day;
            int first = digits(1, 4);
            if (i < s.length() && s.charAt(i) == '-' && i == 4) {
                year = first;
                i++;
                month = digits(1, 2);
                expect('-');
                day = digits(1, 2);
            } else {
                day = first;
                if (i > 2) {
                    fail();
                }
                expect('.');
                month = digits(1, 2);
                expect('.');
                int start = i;
                year = digits(2, 4);
                int len = i - start;
                if (len == 2) {
                    year += year < 50 ? 2000 : 1900;
                } else if (len != 4) {
                    fail();
                }
            }
            int hour = 0;
            int minute = 0;
            int second = 0;
            int nano = 0;
            if (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == 'T' || s.charAt(i) == 't')) {
                while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == 'T' || s.charAt(i) == 't')) {
                    i++;
                }
                hour = digits(1, 2);
                expect(':');
                minute = digits(2, 2);
                if (i < s.length() && s.charAt(i) == ':') {
                    i++;
                    second = digits(2, 2);
                    if (i < s.length() && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
                        i++;
                        int start = i;
                        int fraction = digits(1, 9);
                        for (int k = i - start; k < 9; k++) {
                            fraction *= 10;
                        }
                        nano = fraction;
                    }
                }
            }
            try {
                return LocalDateTime.of(year, month, day, hour, minute, second, nano);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(NOT_A_DATE);
            }
        }

        ZoneOffset offset() {
            if (i >= s.length()) {
                return null;
            }
            char c = s.charAt(i);
            if (c == 'Z' || c == 'z') {
                i++;
                return ZoneOffset.UTC;
            }
            if (c != '+' && c != '-') {
                return null;
            }
            i++;
            int hours = digits(2, 2);
            int minutes = 0;
            if (i < s.length()) {
                if (s.charAt(i) == ':') {
                    i++;
                }
                minutes = digits(2, 2);
            }
            try {
                int seconds = hours * 3600 + minutes * 60;
                return ZoneOffset.ofTotalSeconds(c == '-' ? -seconds : seconds);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(NOT_A_DATE);
            }
        }

        void expectEnd() {
            if (i != s.length()) {
                fail();
            }
        }

        private int digits(int min, int max) {
            int start = i;
            int value = 0;
            while (i < s.length() && i - start < max) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
                i++;
            }
            if (i - start < min) {
                fail();
            }
            return value;
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                fail();
            }
            i++;
        }

        private static void fail() {
            throw new IllegalArgumentException(NOT_A_DATE);
        }
    }
}
