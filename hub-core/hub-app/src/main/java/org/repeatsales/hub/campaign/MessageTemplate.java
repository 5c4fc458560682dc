package org.repeatsales.hub.campaign;

/**
 * A message as the marketer wrote it for one channel, with template variables still in it.
 *
 * @param subject e-mail subject or push title; null where the channel has none (SMS, Telegram)
 * @param text the plain-text body: what SMS and Telegram send, the alternative part of an e-mail
 * @param html the HTML body of an e-mail, or null
 */
public record MessageTemplate(String subject, String text, String html) {
}
