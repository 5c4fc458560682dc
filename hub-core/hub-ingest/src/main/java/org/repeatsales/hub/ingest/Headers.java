package org.repeatsales.hub.ingest;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Column header comparison. Exports differ in case, stray spaces (often no-break ones), a BOM
 * glued to the first header and quotes left around values; none of that makes a different column.
 */
final class Headers {

    private Headers() {
    }

    static String normalize(String header) {
        if (header == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(header.length());
        boolean space = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '\uFEFF' || c == '"' || c == '\'') {
                continue;
            }
            if (Character.isWhitespace(c) || Values.isSpace(c)) {
                space = sb.length() > 0;
                continue;
            }
            if (space) {
                sb.append(' ');
                space = false;
            }
            sb.append(c == 'ё' || c == 'Ё' ? 'е' : c);
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    /** Normalised header to its first column index. */
    static Map<String, Integer> index(String[] header) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            index.putIfAbsent(normalize(header[i]), i);
        }
        return index;
    }
}
