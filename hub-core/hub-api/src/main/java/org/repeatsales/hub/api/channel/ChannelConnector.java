package org.repeatsales.hub.api.channel;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.pf4j.ExtensionPoint;

/**
 * Delivers rendered messages on one channel (e-mail, Telegram, SMS, push): an extension point that
 * connector plugins implement with a class marked {@code @org.pf4j.Extension}.
 *
 * <h2>Lifecycle</h2>
 * <ol>
 *   <li>The hub creates the extension once per plugin start, passing a
 *       {@link org.repeatsales.hub.api.PluginContext} to a constructor that takes one. The
 *       constructor reads the settings ({@code hub.plugins.<id>.*}; secrets are named there by
 *       environment variable, never given in clear) and must not fail on bad or missing ones:
 *       that is what {@link #readiness()} reports.</li>
 *   <li>The hub reads {@link #id()}, {@link #channel()}, {@link #rateLimit()},
 *       {@link #perAddressRateLimit()} and {@link #contentLimits()}; they are cheap and constant
 *       for the life of the instance.</li>
 *   <li>It calls {@link #readiness()} before a campaign and on the admin page. A connector that
 *       is not ready is never asked to send.</li>
 *   <li>It calls {@link #send(OutboundMessage)} for each message, possibly from several threads,
 *       paced by the declared rate limits.</li>
 *   <li>When the plugin is stopped the hub calls {@link #close()}; the connector releases
 *       connections it kept open. No send is called after or during {@code close}.</li>
 * </ol>
 *
 * <h2>Thread-safety</h2>
 * {@code send} may be called concurrently. A connector that keeps a connection open for bulk
 * sends guards it itself (one connection per thread, or a lock).
 *
 * <h2>Outcomes</h2>
 * {@code send} answers; it does not throw for anything the provider or the network does:
 * <ul>
 *   <li>{@link DeliveryOutcome.Delivered}: accepted by the provider.</li>
 *   <li>{@link DeliveryOutcome.RetryLater}: a temporary condition (4xx SMTP reply, HTTP 429/503,
 *       timeout, connection refused). This is the only outcome after which the hub sends the
 *       same message again, not before the given instant.</li>
 *   <li>{@link DeliveryOutcome.Failed}: permanent for this message (rejected content, bad
 *       settings discovered while sending); the raw answer is kept for diagnosis.</li>
 *   <li>{@link DeliveryOutcome.Unsubscribed}: the address no longer accepts messages; the hub
 *       withdraws it.</li>
 * </ul>
 * An exception thrown from {@code send} is a bug in the connector; the hub records it as
 * {@code Failed} with the exception's message and carries on with other messages.
 *
 * <h2>Idempotency</h2>
 * A message answered {@code RetryLater} was not delivered. When the connector cannot tell (the
 * connection dropped after the data was sent), it answers {@code Failed} rather than risk a
 * duplicate marketing message.
 *
 * <h2>Commands from clients (since hub-api 0.6.0)</h2>
 * A channel on which clients write back (Telegram) may let them link their address and say stop
 * there: {@link #receivesCommands()} answers true, {@link #startLink(String)} builds the link that
 * carries a start token the hub issued, and {@link #receive(long, Duration)} reads what clients
 * sent. The hub keeps the tokens and the read position in its store and answers the client with
 * {@link #send(OutboundMessage)}. Connectors that do none of this keep the defaults.
 *
 * <h2>Logging</h2>
 * Log with the {@link OutboundMessage#correlationId()}; never log addresses, bodies or secrets
 * at INFO.
 */
public interface ChannelConnector extends ExtensionPoint, AutoCloseable {

    /** Stable id of the connector, e.g. {@code email}: lower-case letters, digits and dashes. */
    String id();

    /** The channel this connector serves. */
    Channel channel();

    /** Whether the current settings allow sending, with the reason when they do not. */
    Readiness readiness();

    /** Sends over all addresses the provider allows; unlimited by default. */
    default RateLimit rateLimit() {
        return RateLimit.UNLIMITED;
    }

    /** Sends to one address the provider allows (Telegram: one a second per chat). */
    default RateLimit perAddressRateLimit() {
        return RateLimit.UNLIMITED;
    }

    /** What one message may contain on this channel. */
    ContentLimits contentLimits();

    /** Delivers one message. See the class documentation for the outcomes. */
    DeliveryOutcome send(OutboundMessage message);

    /** True when the hub should poll {@link #receive(long, Duration)}; false by default. */
    default boolean receivesCommands() {
        return false;
    }

    /**
     * The link a client opens to link their address on this channel to the client {@code token} was
     * issued for (Telegram: {@code https://t.me/<bot>?start=<token>}), or empty when the channel has
     * none or the connector cannot build it now (the reason is in its log).
     */
    default Optional<String> startLink(String token) {
        return Optional.empty();
    }

    /**
     * Reads the commands clients sent after {@code position} (exclusive), waiting up to {@code wait}
     * for the first when there are none yet (long polling). Called by one hub thread at a time.
     * Reading past a position may tell the provider those messages are consumed, so the hub stores
     * {@link ClientCommands#lastPosition()} together with what it did about the commands, and asks
     * after it next time, also after a restart.
     *
     * @param position the last position the hub stored, 0 when it never read any
     * @throws IOException when the provider cannot be reached or refuses; the message names the
     *     cause and holds no secret. The hub tries again later from the same position
     */
    default ClientCommands receive(long position, Duration wait) throws IOException {
        return ClientCommands.none(position);
    }

    /** Releases kept connections; the default holds none. */
    @Override
    default void close() {
    }
}
