package org.repeatsales.hub.clients;

/**
 * Hides most of a phone or e-mail for people who may see that a client has a contact but not
 * take it (the analyst role): enough is left to tell two clients apart.
 */
public final class ContactMask {

    private ContactMask() {
    }

    public static String phone(String phone) {
        if (phone == null || phone.length() < 7) {
            return phone == null ? null : "***";
        }
        return phone.substring(0, 5) + "*".repeat(phone.length() - 7) + phone.substring(phone.length() - 2);
    }

    public static String email(String email) {
        if (email == null) {
            return null;
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }

    /** Masks an identity value by its kind; source keys are not contacts and stay visible. */
    public static String identity(String kind, String value) {
        return switch (kind) {
            case "phone" -> phone(value);
            case "email" -> email(value);
            default -> value;
        };
    }
}
