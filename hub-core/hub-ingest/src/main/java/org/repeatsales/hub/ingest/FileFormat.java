package org.repeatsales.hub.ingest;

import java.util.Locale;

/** The kinds of file the hub imports. */
public enum FileFormat {
    CSV("csv"),
    XLSX("xlsx"),
    RECEIPTS_JSON("receipts-json");

    private final String id;

    FileFormat(String id) {
        this.id = id;
    }

    /** The name used on the command line and in the API ({@code csv}, {@code xlsx}, {@code receipts-json}). */
    public String id() {
        return id;
    }

    /** Parses a format name as users write it; throws with the list of known names otherwise. */
    public static FileFormat of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (FileFormat f : values()) {
            if (f.id.equals(n) || f.name().equalsIgnoreCase(n)) {
                return f;
            }
        }
        if (n.equals("json")) {
            return RECEIPTS_JSON;
        }
        throw new IllegalArgumentException("Unknown format '" + name + "'; known formats: csv, xlsx, receipts-json");
    }
}
