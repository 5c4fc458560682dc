package org.repeatsales.hub.ingest;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Normalises contact details as people type them into cash registers and 1C, so that the same
 * client written three ways is recognised as one: phones become E.164, e-mails are trimmed and
 * lower-cased. Anything that does not look like a usable contact becomes {@code null}, never an
 * exception, because a bad contact must not cost the receipt.
 */
public final class Contacts {

    private static final String DEFAULT_REGION = "RU";

    /** Building the utility loads metadata for every country; do it once, it is thread-safe. */
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    /** What {@link #isBlank(char)} calls blank, as the body of a regex character class. */
    private static final String BLANKS = "\\p{javaWhitespace}\\p{javaSpaceChar}\\ufeff\\u200b\\u2060";

    /**
     * Deliberately loose: the goal is to drop obvious junk ("нет", "-", a phone in the e-mail
     * column), not to implement RFC 5322. The top-level domain must have at least two non-digit
     * characters, so "user@host.1" is rejected while "user@почта.рф" is kept.
     */
    private static final Pattern EMAIL = Pattern.compile(
            "[^" + BLANKS + "@]+@(?:[^" + BLANKS + "@.]+\\.)+[^" + BLANKS + "@.\\d]{2,}");

    /** Excel's display of a long number ("7,91668E+10"): the digits it rounded away are lost. */
    private static final Pattern SCIENTIFIC = Pattern.compile(
            "[" + BLANKS + "]*[+-]?\\d+(?:[.,]\\d+)?[eE][+-]?\\d+[" + BLANKS + "]*");

    private Contacts() {
    }

    /**
     * The phone in E.164 ("+79161234567"), reading numbers without a country code as Russian;
     * {@code null} when the text is empty, a placeholder, or holds no valid number. Of a cell with
     * several numbers or with words around the number, the first valid number is the phone.
     */
    public static String phone(String raw) {
        if (raw == null) {
            return null;
        }
        String whole = singlePhone(raw);
        return whole != null ? whole : firstOfSeveralPhones(raw);
    }

    private static String singlePhone(String raw) {
        int length = raw.length();
        char[] digits = new char[Math.min(length, 32)];
        int count = 0;
        boolean plus = false;
        boolean onlyPhoneCharacters = true;
        for (int i = 0; i < length; i++) {
            char c = raw.charAt(i);
            if (c >= '0' && c <= '9') {
                if (count == digits.length) {
                    return null;
                }
                digits[count++] = c;
            } else if (c == '+') {
                plus |= count == 0;
            } else if (c == '@') {
                // a phone-like run of digits inside an e-mail address is not a phone
                return null;
            } else if (!isPhoneSeparator(c)) {
                onlyPhoneCharacters = false;
            }
        }
        if (count == 0) {
            return null;
        }
        if (onlyPhoneCharacters) {
            String fast = russianMobile(digits, count, plus);
            if (fast != null) {
                return fast;
            }
        } else if (SCIENTIFIC.matcher(raw).matches()) {
            return null;
        }
        return viaLibphonenumber(raw);
    }

    /**
     * People put a second number, a note or a label into the phone cell ("+7 916 111-11-02,
     * +7 926 111-11-03", "89161111105 / 89261111106", "+7-916-111-11-04 (моб.)", "тел. 8 (916)
     * 111-11-07"), and libphonenumber gives up on the whole. Losing the number would make a known
     * client anonymous, so each run of the characters a phone is written with is tried on its own,
     * in order; a slash, a letter or a comma ends a run, and a plus after digits starts the next.
     */
    private static String firstOfSeveralPhones(String raw) {
        if (raw.indexOf('@') >= 0 || SCIENTIFIC.matcher(raw).matches()) {
            return null;
        }
        int length = raw.length();
        int start = 0;
        boolean digits = false;
        for (int i = 0; i <= length; i++) {
            char c = i < length ? raw.charAt(i) : ',';
            boolean digit = c >= '0' && c <= '9';
            boolean boundary = !digit && c != '+' && (c == '/' || !isPhoneSeparator(c));
            if (boundary || (c == '+' && digits)) {
                // the whole cell has already been tried
                if (digits && (start > 0 || i < length)) {
                    String phone = singlePhone(raw.substring(start, i));
                    if (phone != null) {
                        return phone;
                    }
                }
                start = boundary ? i + 1 : i;
                digits = false;
            } else if (digit) {
                digits = true;
            }
        }
        return null;
    }

    /**
     * Covers the overwhelming majority of rows of a Russian import without the cost of the full
     * parser. Only mobile numbers (national number starting with 9) take this path, because every
     * +7 9xx number is valid; landlines and Kazakh numbers share +7 but not all their ranges are
     * assigned, so they are left to libphonenumber to validate.
     */
    private static String russianMobile(char[] digits, int count, boolean plus) {
        int start;
        if (count == 11 && (digits[0] == '7' || (digits[0] == '8' && !plus))) {
            start = 1;
        } else if (count == 10 && !plus) {
            start = 0;
        } else {
            return null;
        }
        if (digits[start] != '9') {
            return null;
        }
        StringBuilder e164 = new StringBuilder(12).append("+7");
        e164.append(digits, start, 10);
        return e164.toString();
    }

    private static boolean isPhoneSeparator(char c) {
        return c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '/'
                || c == '\u2010' || c == '\u2011' || c == '\u2012' || c == '\u2013' || c == '\u2014' || isBlank(c);
    }

    private static String viaLibphonenumber(String raw) {
        try {
            // libphonenumber takes U+00A0 between digits but not the narrow or zero-width spaces
            StringBuilder spaced = new StringBuilder(raw.length());
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                spaced.append(isBlank(c) ? ' ' : c);
            }
            PhoneNumber number = PHONES.parse(spaced.toString().trim(), DEFAULT_REGION);
            if (!PHONES.isValidNumber(number)) {
                return null;
            }
            return PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            return null;
        }
    }

    /** The e-mail trimmed and lower-cased, without a "mailto:" prefix; {@code null} if it is not one. */
    public static String email(String raw) {
        if (raw == null) {
            return null;
        }
        String value = stripBlanks(raw).toLowerCase(Locale.ROOT);
        if (value.startsWith("mailto:")) {
            value = stripBlanks(value.substring("mailto:".length()));
        }
        if (value.isEmpty() || !EMAIL.matcher(value).matches()) {
            return null;
        }
        return value;
    }

    /**
     * The buyer as a fiscal receipt names them. FFD tag 1008 ({@code buyerPhoneOrAddress}) holds
     * whichever contact the client gave for the electronic receipt: a phone or an e-mail, and
     * registers write the literal "none" when there was none.
     */
    public static Buyer buyerFromTag1008(String value) {
        return buyerFromTag1008(value, null);
    }

    /**
     * As {@link #buyerFromTag1008(String)}, keeping the buyer's name from FFD tag 1227 when the
     * receipt has it (FFD 1.2 receipts for organisations and some loyalty integrations).
     */
    public static Buyer buyerFromTag1008(String value, String buyerName) {
        String name = buyerName == null ? null : stripBlanks(buyerName);
        if (name != null && name.isEmpty()) {
            name = null;
        }
        String phone = null;
        String email = null;
        if (value != null && !isPlaceholder(value)) {
            if (value.indexOf('@') >= 0) {
                email = email(value);
            } else {
                phone = phone(value);
            }
        }
        if (name == null && phone == null && email == null) {
            return Buyer.ANONYMOUS;
        }
        return new Buyer(name, phone, email, null, null, null);
    }

    private static boolean isPlaceholder(String value) {
        String v = stripBlanks(value);
        return v.isEmpty() || v.equalsIgnoreCase("none") || v.equalsIgnoreCase("null") || v.equals("-")
                || v.equalsIgnoreCase("нет");
    }

    /**
     * Excel and 1C pad cells with no-break spaces (U+00A0, the narrow U+202F, the figure space
     * U+2007), and text pasted from web pages or joined from UTF-8 files brings zero-width ones
     * (U+FEFF, U+200B, U+2060). {@link String#strip()} keeps all of these, and an address padded
     * with them would be a second client.
     */
    static boolean isBlank(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\ufeff' || c == '\u200b' || c == '\u2060';
    }

    /** The text without what {@link #isBlank(char)} calls blank at either end. */
    static String stripBlanks(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isBlank(text.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }
}
