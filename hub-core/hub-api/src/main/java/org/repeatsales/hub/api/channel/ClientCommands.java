package org.repeatsales.hub.api.channel;

import java.util.List;

/**
 * One answer of {@link ChannelConnector#receive}: the commands found, and the position up to which
 * the provider's incoming messages were read (including ones that carried no command).
 *
 * @param lastPosition the highest position read, or the position asked after when nothing came
 * @param commands the commands among them, in the order received
 */
public record ClientCommands(long lastPosition, List<ClientCommand> commands) {

    public ClientCommands {
        commands = List.copyOf(commands);
    }

    /** Nothing new after {@code position}. */
    public static ClientCommands none(long position) {
        return new ClientCommands(position, List.of());
    }
}
