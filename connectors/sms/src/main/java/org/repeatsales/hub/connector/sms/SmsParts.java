package org.repeatsales.hub.connector.sms;

/**
 * How many SMS parts a text takes. Text made only of GSM 03.38 characters goes as GSM-7: 160
 * septets in one SMS, 153 per part when split (the rest carries the concatenation header); the
 * extension characters ({@code ^ { } \ [ ] ~ | €} and form feed) take two septets each. Any other
 * character (Cyrillic, emoji) sends the whole text as UCS-2: 70 UTF-16 units in one SMS, 67 per part.
 */
public final class SmsParts {

    /** Septets (GSM-7) or UTF-16 units (UCS-2) that fit one unsplit SMS. */
    public static final int GSM7_SINGLE = 160;
    public static final int GSM7_PART = 153;
    public static final int UCS2_SINGLE = 70;
    public static final int UCS2_PART = 67;

    private static final String GSM7_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String GSM7_EXTENSION = "\f^{}\\[~]|€";

    private SmsParts() {
    }

    /** Whether the whole text can go as GSM-7. */
    public static boolean isGsm7(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (GSM7_BASIC.indexOf(c) < 0 && GSM7_EXTENSION.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Length in the text's encoding: septets for GSM-7, UTF-16 units for UCS-2. */
    public static int units(String text) {
        if (!isGsm7(text)) {
            return text.length();
        }
        int septets = 0;
        for (int i = 0; i < text.length(); i++) {
            septets += GSM7_EXTENSION.indexOf(text.charAt(i)) >= 0 ? 2 : 1;
        }
        return septets;
    }

    /** SMS parts the text takes; 1 for an empty text. */
    public static int parts(String text) {
        boolean gsm = isGsm7(text);
        int units = units(text);
        int single = gsm ? GSM7_SINGLE : UCS2_SINGLE;
        int part = gsm ? GSM7_PART : UCS2_PART;
        if (units <= single) {
            return 1;
        }
        return (units + part - 1) / part;
    }

    /** The longest text of any alphabet that is sure to fit {@code maxParts} parts (the UCS-2 bound). */
    public static int maxCharsSureToFit(int maxParts) {
        return maxParts == 1 ? UCS2_SINGLE : UCS2_PART * maxParts;
    }
}
