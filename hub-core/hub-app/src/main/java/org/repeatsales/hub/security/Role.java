package org.repeatsales.hub.security;

import java.util.Locale;

/** What a user may do: admin everything; marketer segments and campaigns; analyst reads, contacts masked. */
public enum Role {
    ADMIN, MARKETER, ANALYST;

    public String authority() {
        return "ROLE_" + name();
    }

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
