package org.repeatsales.hub.connector.telegram;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Start tokens for {@code https://t.me/<bot>?start=<token>} links that let a client link their chat.
 * A token is 32 characters of base64url from 24 random bytes (192 bits), inside what Telegram
 * passes on as a start parameter ({@code [A-Za-z0-9_-]}, at most 64). Making it single-use and
 * tied to one client needs storage, which is the hub core's job (see connectors/README.md).
 */
public final class TelegramDeepLinks {

    /** What Telegram accepts as a {@code start} parameter. */
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern BOT = Pattern.compile("[A-Za-z][A-Za-z0-9_]{3,31}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private TelegramDeepLinks() {
    }

    /** A fresh unguessable token. */
    public static String newToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The link that opens the bot and sends it {@code /start <token>} when the client taps Start. */
    public static String link(String botUsername, String token) {
        if (botUsername == null || !BOT.matcher(botUsername).matches()) {
            throw new IllegalArgumentException("not a Telegram bot username: " + botUsername);
        }
        if (token == null || !TOKEN.matcher(token).matches()) {
            // deliberately not echoing the token: it is a credential for linking a chat
            throw new IllegalArgumentException("a start token is 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        return "https://t.me/" + botUsername + "?start=" + token;
    }
}
