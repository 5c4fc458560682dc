package org.repeatsales.hub.api.channel;

import java.util.Objects;

/**
 * What a client asked the hub through the channel itself, such as Telegram's {@code /start <token>}
 * after tapping a deep link, or {@code /stop}. Received by {@link ChannelConnector#receive}.
 *
 * @param position the provider's sequence number of the incoming message (Telegram's
 *     {@code update_id}); the hub keeps the last one it stored so nothing is lost or applied twice
 * @param address the address the command came from (a Telegram chat id)
 * @param kind what the client asked for
 * @param token for {@link Kind#START}, the start token of the link the client opened; null for
 *     {@link Kind#STOP}. A credential until used: never log it
 */
public record ClientCommand(long position, String address, Kind kind, String token) {

    /** The commands the hub acts on; connectors drop everything else. */
    public enum Kind {
        /** Link this address to the client the token was issued for, with consent. */
        START,
        /** Withdraw consent for this address. */
        STOP
    }

    public ClientCommand {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.START && (token == null || token.isBlank())) {
            throw new IllegalArgumentException("A start command carries a token");
        }
    }

    @Override
    public String toString() {
        return "ClientCommand[position=" + position + ", kind=" + kind + "]";
    }
}
