package org.repeatsales.hub.ingest;

import java.util.Locale;

/**
 * TEMPORARY stand-in so the CSV/Excel reader compiles on its own branch: replaced on merge by the
 * real one (libphonenumber-based), which has the same two static methods.
 */
final class Contacts {

    private Contacts() {
    }

    static String phone(String raw) {
        if (raw == null) {
            return null;
        }
        String digits = raw.replaceAll("\\D", "");
        if (digits.length() == 11 && digits.charAt(0) == '8') {
            digits = "7" + digits.substring(1);
        } else if (digits.length() == 10) {
            digits = "7" + digits;
        }
        return digits.length() == 11 ? "+" + digits : null;
    }

    static String email(String raw) {
        if (raw == null) {
            return null;
        }
        String e = raw.trim().toLowerCase(Locale.ROOT);
        return e.indexOf('@') > 0 ? e : null;
    }
}
