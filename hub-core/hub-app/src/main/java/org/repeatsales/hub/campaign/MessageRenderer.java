package org.repeatsales.hub.campaign;

import java.util.List;
import java.util.Map;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.OutboundMessage;

/**
 * Turns deliveries into messages at send time, so a message carries the client's data as it is
 * when it leaves (a name fixed yesterday, a fresh unsubscribe link), not when the run was planned.
 * The dispatcher calls it a batch at a time; an implementation loads the batch's client variables
 * in one query rather than one per message.
 */
public interface MessageRenderer {

    /**
     * One delivery to render.
     *
     * @param deliveryId the delivery row; becomes the message's correlation id
     * @param clientId the client
     * @param channel the channel being tried
     * @param address the client's address on it, already checked for consent
     */
    record Recipient(long deliveryId, long clientId, Channel channel, String address) {
    }

    /**
     * What is common to a batch.
     *
     * @param runId the run (its frozen definition names the audience and campaign variables)
     * @param step the channel step being tried, with its template
     * @param campaignVariables values the marketer set on the campaign, such as a promo code
     */
    record Batch(long runId, ChannelStep step, Map<String, String> campaignVariables) {
    }

    /** The message for one delivery, or why there is none (a failure of that delivery alone). */
    sealed interface Result {
        record Rendered(OutboundMessage message) implements Result {
        }

        record Unrenderable(String reason) implements Result {
        }
    }

    /** @return a result for every recipient, keyed by delivery id */
    Map<Long, Result> render(Batch batch, List<Recipient> recipients);
}
