package org.repeatsales.hub.console;

import org.springframework.security.core.Authentication;

/** What the console needs to know of who is looking. */
final class ConsoleUser {

    private ConsoleUser() {
    }

    /** Analysts (and any role without the right) see phone and e-mail masked, as in the API. */
    static boolean seesContacts(Authentication who) {
        return who != null && who.getAuthorities().stream()
                .anyMatch(a -> a.getAuthority().equals("ROLE_ADMIN") || a.getAuthority().equals("ROLE_MARKETER"));
    }

    /** Admins manage sources, plugins and channels. */
    static boolean isAdmin(Authentication who) {
        return who != null && who.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_ADMIN"));
    }
}
