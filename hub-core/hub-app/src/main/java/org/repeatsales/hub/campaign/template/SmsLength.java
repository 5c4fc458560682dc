package org.repeatsales.hub.campaign.template;

/**
 * How many SMS parts a text takes, counted the way the SMS connector and the gateways count:
 * GSM-7 (GSM 03.38 alphabet) 160 septets in one SMS or 153 per part, the extension characters
 * ({@code ^ { } \ [ ] ~ | €} and form feed) two septets each; any other character (Cyrillic,
 * emoji) sends the whole text as UCS-2, 70 UTF-16 units in one SMS or 67 per part.
 */
public final class SmsLength {

    private static final String GSM7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String GSM7_DOUBLE = "\f^{}\\[~]|€";

    private SmsLength() {
    }

    public static boolean isGsm7(String text) {
        return text.chars().allMatch(c -> GSM7.indexOf(c) >= 0 || GSM7_DOUBLE.indexOf(c) >= 0);
    }

    /** Septets for GSM-7 text, UTF-16 units otherwise. */
    public static int units(String text) {
        if (!isGsm7(text)) {
            return text.length();
        }
        return text.length() + (int) text.chars().filter(c -> GSM7_DOUBLE.indexOf(c) >= 0).count();
    }

    /** Parts of the text; an empty text is one part. */
    public static int parts(String text) {
        boolean gsm = isGsm7(text);
        int units = units(text);
        int single = gsm ? 160 : 70;
        int part = gsm ? 153 : 67;
        return units <= single ? 1 : (units + part - 1) / part;
    }
}
