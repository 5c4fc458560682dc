package org.repeatsales.hub.api;

import java.util.Objects;

/**
 * A user-facing text in Russian (shown first) and English.
 *
 * @param ru the Russian text, never blank
 * @param en the English text; the Russian one when absent
 */
public record Label(String ru, String en) {

    public Label {
        Objects.requireNonNull(ru, "ru");
        if (ru.isBlank()) {
            throw new IllegalArgumentException("A label needs a Russian text");
        }
        en = en == null || en.isBlank() ? ru : en;
    }

    public static Label of(String ru, String en) {
        return new Label(ru, en);
    }
}
