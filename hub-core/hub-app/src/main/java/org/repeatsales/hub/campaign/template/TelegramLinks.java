package org.repeatsales.hub.campaign.template;

/**
 * Deep links that let a client link their Telegram chat to the shop's bot:
 * {@code https://t.me/<bot>?start=<token>}, a single-use start token per link. Templates show one
 * as {@code {{telegramLink}}}. The hub's Telegram chat linking provides the bean; while there is
 * none, templates using the variable are refused when saved and unrenderable at send time.
 */
public interface TelegramLinks {

    /** A fresh link for the client; issues (stores) a new start token. */
    String link(long clientId);

    /** A link of the same shape and length that issues no token, for previews. */
    String sample();

    /** The longest link {@link #link} returns, for SMS length estimates. */
    int maxLength();
}
