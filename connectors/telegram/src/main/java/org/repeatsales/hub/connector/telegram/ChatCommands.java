package org.repeatsales.hub.connector.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the two commands the hub cares about from a Bot API {@code Update} (as received by
 * {@code getUpdates} or a webhook): {@code /start <token>} links the chat to the client the token
 * was issued for, {@code /stop} withdraws consent for the chat. Everything else is ignored.
 * Only private chats count: a token posted into a group must not link the group to a client.
 */
public final class ChatCommands {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code /start TOKEN} or {@code /start@SomeBot TOKEN}, as Telegram clients send them. */
    private static final Pattern START = Pattern.compile("^/start(?:@\\w+)?\\s+(\\S+)\\s*$");
    private static final Pattern STOP = Pattern.compile("^/stop(?:@\\w+)?\\s*$");

    private ChatCommands() {
    }

    /** A command from one chat. */
    public sealed interface Command {
        long chatId();
    }

    /** The client tapped a deep link: link {@code chatId} to the client {@code token} was issued for. */
    public record Start(long chatId, String token) implements Command {
        @Override
        public String toString() {
            // the token is a credential until it is used
            return "Start[chatId=" + chatId + "]";
        }
    }

    /** The client asked to receive nothing more in this chat. */
    public record Stop(long chatId) implements Command {
    }

    /** The command in {@code updateJson}, or empty for anything else (other text, groups, malformed JSON). */
    public static Optional<Command> parse(String updateJson) {
        JsonNode update;
        try {
            update = JSON.readTree(updateJson == null ? "" : updateJson);
        } catch (IOException e) {
            return Optional.empty();
        }
        return update == null ? Optional.empty() : parse(update);
    }

    /** The command in one parsed {@code Update}, or empty for anything else. */
    static Optional<Command> parse(JsonNode update) {
        JsonNode message = update.path("message");
        JsonNode chat = message.path("chat");
        if (!"private".equals(chat.path("type").asText()) || !chat.path("id").canConvertToLong()) {
            return Optional.empty();
        }
        long chatId = chat.path("id").asLong();
        String text = message.path("text").asText("").trim();
        if (STOP.matcher(text).matches()) {
            return Optional.of(new Stop(chatId));
        }
        Matcher start = START.matcher(text);
        if (start.matches() && TelegramDeepLinks.TOKEN.matcher(start.group(1)).matches()) {
            return Optional.of(new Start(chatId, start.group(1)));
        }
        // a bare /start (the bot opened without a link) links nothing
        return Optional.empty();
    }
}
