package org.repeatsales.hub.api.channel;

/**
 * What a channel accepts in one message, so the hub can refuse a campaign before sending rather
 * than collect thousands of failures.
 *
 * @param maxSubjectChars longest subject, 0 when the channel has no subject
 * @param maxTextChars longest plain text, {@link Integer#MAX_VALUE} when unbounded
 * @param html whether {@link OutboundMessage#html()} is used; otherwise only the text is sent
 * @param maxBytes largest whole message in bytes as the provider counts it, or
 *     {@link Long#MAX_VALUE} when unbounded
 */
public record ContentLimits(int maxSubjectChars, int maxTextChars, boolean html, long maxBytes) {

    public ContentLimits {
        if (maxSubjectChars < 0 || maxTextChars < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
