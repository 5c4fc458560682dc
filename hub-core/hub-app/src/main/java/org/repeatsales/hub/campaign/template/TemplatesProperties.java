package org.repeatsales.hub.campaign.template;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of campaign templates ({@code hub.templates.*}).
 *
 * @param smsMaxParts most SMS parts a campaign SMS may take with the longest expected values of its
 *     variables (the SMS connector's {@code max-parts} is the hard limit at send time)
 */
@ConfigurationProperties("hub.templates")
public record TemplatesProperties(@DefaultValue("6") int smsMaxParts) {

    public TemplatesProperties {
        if (smsMaxParts < 1) {
            throw new IllegalArgumentException("hub.templates.sms-max-parts must be at least 1, got " + smsMaxParts);
        }
    }
}
