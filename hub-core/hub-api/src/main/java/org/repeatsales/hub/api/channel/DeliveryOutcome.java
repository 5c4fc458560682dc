package org.repeatsales.hub.api.channel;

import java.time.Instant;
import java.util.Objects;

/**
 * What became of one {@link ChannelConnector#send(OutboundMessage)}. Exactly one of four answers;
 * the hub decides from it whether to retry, give up or withdraw the address.
 */
public sealed interface DeliveryOutcome {

    /** The provider accepted the message; {@code providerMessageId} identifies it there. */
    record Delivered(String providerMessageId) implements DeliveryOutcome {
        public Delivered {
            Objects.requireNonNull(providerMessageId, "providerMessageId");
        }
    }

    /**
     * A temporary refusal (rate limited, server busy, timeout): the hub sends the same message again
     * no earlier than {@code after}. The message was not delivered, so a retry cannot duplicate it.
     */
    record RetryLater(Instant after, String reason) implements DeliveryOutcome {
        public RetryLater {
            Objects.requireNonNull(after, "after");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A permanent refusal of this message: the hub does not retry it. {@code rawAnswer} keeps the
     * provider's answer for diagnosis (no secrets; may be null when there was none).
     */
    record Failed(String reason, String rawAnswer) implements DeliveryOutcome {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The address is gone or its owner said stop (mailbox does not exist, bot blocked, device token
     * unregistered): the hub withdraws consent for this address and sends nothing more to it.
     */
    record Unsubscribed(String reason) implements DeliveryOutcome {
        public Unsubscribed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
