package org.repeatsales.hub.consent;

import org.springframework.stereotype.Component;

/**
 * Gives templates ({@code {{telegramLink}}}) the client's deep link from the hub's Telegram chat
 * linking. A link needs a ready Telegram connector that knows its bot: without one a message using
 * the variable cannot be rendered, and says why, rather than going out with an empty link.
 */
@Component
class TemplateTelegramLinks implements org.repeatsales.hub.campaign.template.TelegramLinks {

    /** {@code https://t.me/} + a bot username (at most 32 characters) + {@code ?start=} + a 32-character token. */
    static final int MAX_LENGTH = "https://t.me/".length() + 32 + "?start=".length() + 32;

    private final TelegramLinks links;

    TemplateTelegramLinks(TelegramLinks links) {
        this.links = links;
    }

    @Override
    public String link(long clientId) {
        return links.linkFor(clientId).orElseThrow(() -> new IllegalStateException(
                "no Telegram link can be issued: no ready Telegram connector that knows its bot username"));
    }

    @Override
    public String sample() {
        return "https://t.me/shop_bot?start=" + "A".repeat(32);
    }

    @Override
    public int maxLength() {
        return MAX_LENGTH;
    }
}
