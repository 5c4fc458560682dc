package org.repeatsales.hub.campaign.template;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Deep links for tests, shaped like the bot's real ones ({@code https://t.me/<bot>?start=<32 chars>});
 * the hub's Telegram chat linking provides the production bean.
 */
final class TestTelegramLinks implements TelegramLinks {

    private final String bot;
    private final AtomicLong issued = new AtomicLong();

    TestTelegramLinks(String bot) {
        this.bot = bot;
    }

    @Override
    public String link(long clientId) {
        return "https://t.me/" + bot + "?start=" + String.format("c%015dn%015d", clientId, issued.incrementAndGet());
    }

    @Override
    public String sample() {
        return "https://t.me/" + bot + "?start=" + "0".repeat(32);
    }

    @Override
    public int maxLength() {
        return ("https://t.me/" + bot + "?start=").length() + 32;
    }

    long issued() {
        return issued.get();
    }
}
