package org.repeatsales.hub.connector.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** /start and /stop read from updates shaped like the Bot API's getUpdates results. */
class ChatCommandsTest {

    private static String update(String chatType, long chatId, String text) {
        return """
                {"update_id":900001,"message":{"message_id":17,"from":{"id":%d,"is_bot":false,"first_name":"Анна","language_code":"ru"},
                 "chat":{"id":%d,"first_name":"Анна","type":"%s"},"date":1764000000,"text":"%s",
                 "entities":[{"offset":0,"length":6,"type":"bot_command"}]}}""".formatted(chatId, chatId, chatType, text);
    }

    @Test
    void shouldReadStartTokenFromPrivateChat() {
        assertThat(ChatCommands.parse(update("private", 123456789L, "/start Zq3_x-9AbCdEfGhIjKlMnOpQrStUvWxY")))
                .contains(new ChatCommands.Start(123456789L, "Zq3_x-9AbCdEfGhIjKlMnOpQrStUvWxY"));
    }

    @Test
    void shouldReadStartAddressedToTheBotByName() {
        assertThat(ChatCommands.parse(update("private", 5L, "/start@ShopBot abc123")))
                .contains(new ChatCommands.Start(5L, "abc123"));
    }

    @Test
    void shouldReadStop() {
        assertThat(ChatCommands.parse(update("private", 5L, "/stop"))).contains(new ChatCommands.Stop(5L));
    }

    @Test
    void shouldIgnoreStartWithoutToken() {
        // the bot opened from search, not from a link: nothing to link
        assertThat(ChatCommands.parse(update("private", 5L, "/start"))).isEmpty();
    }

    @Test
    void shouldIgnoreStartTokenPostedInAGroup() {
        // a group must never become a client's address, whoever posted the link there
        assertThat(ChatCommands.parse(update("group", -100200300L, "/start abc123"))).isEmpty();
    }

    @Test
    void shouldIgnoreTokenWithCharactersTelegramNeverSends() {
        assertThat(ChatCommands.parse(update("private", 5L, "/start abc$123"))).isEmpty();
    }

    @Test
    void shouldIgnoreOtherMessagesAndMalformedUpdates() {
        assertThat(ChatCommands.parse(update("private", 5L, "Здравствуйте"))).isEmpty();
        assertThat(ChatCommands.parse("{\"update_id\":1,\"edited_message\":{}}")).isEmpty();
        assertThat(ChatCommands.parse("not json")).isEmpty();
    }

    @Test
    void shouldKeepTheTokenOutOfToString() {
        assertThat(new ChatCommands.Start(5L, "secret-token").toString()).doesNotContain("secret-token");
    }
}
