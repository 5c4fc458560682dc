package org.repeatsales.hub.api.segment;

import java.util.Objects;
import org.repeatsales.hub.api.Label;

/**
 * One named group a strategy puts clients into, e.g. {@code new-active} «Новые активные».
 *
 * @param code stable key stored with each member: lower-case letters, digits and dashes
 * @param name what marketers see, Russian first
 */
public record Cell(String code, Label name) {

    public Cell {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(name, "name");
        if (!code.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("Cell code '" + code + "' must be lower-case letters, digits and dashes");
        }
    }

    public static Cell of(String code, String ru, String en) {
        return new Cell(code, new Label(ru, en));
    }
}
