package org.repeatsales.hub.api.channel;

import java.util.Map;
import java.util.Objects;

/**
 * One rendered message to one address. The hub has already checked consent and rendered the
 * template; the connector only delivers. Holds personal data: never log the address, subject or
 * bodies at INFO.
 *
 * @param address where to: an e-mail, a phone in E.164, a Telegram chat id or a push token
 * @param subject the subject (e-mail) or title (push); may be null where the channel has none
 * @param html the HTML body, or null; channels without HTML ignore it
 * @param text the plain-text body, never null (also the alternative part of an HTML e-mail)
 * @param headers extra protocol headers, such as {@code List-Unsubscribe}; empty when none
 * @param correlationId the hub's id of this delivery, echoed in logs and provider metadata so an
 *     answer can be matched to it; never null
 */
public record OutboundMessage(String address, String subject, String html, String text, Map<String, String> headers,
        String correlationId) {

    /** The header of RFC 2369 carrying the unsubscribe URL(s), each in angle brackets. */
    public static final String LIST_UNSUBSCRIBE = "List-Unsubscribe";
    /** The header of RFC 8058 that makes {@link #LIST_UNSUBSCRIBE} a one-click POST. */
    public static final String LIST_UNSUBSCRIBE_POST = "List-Unsubscribe-Post";

    public OutboundMessage {
        Objects.requireNonNull(address, "address");
        if (address.isBlank()) {
            throw new IllegalArgumentException("A message needs an address");
        }
        Objects.requireNonNull(text, "text");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        Objects.requireNonNull(correlationId, "correlationId");
    }

    /** A message with a one-click unsubscribe link in its headers (RFC 2369 and RFC 8058). */
    public OutboundMessage withUnsubscribe(String url) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put(LIST_UNSUBSCRIBE, "<" + url + ">");
        all.put(LIST_UNSUBSCRIBE_POST, "List-Unsubscribe=One-Click");
        return new OutboundMessage(address, subject, html, text, all, correlationId);
    }
}
