package org.repeatsales.hub.connector.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TelegramDeepLinksTest {

    @Test
    void shouldIssueTokensTelegramPassesOnAsStartParameter() {
        String token = TelegramDeepLinks.newToken();
        assertThat(token).hasSize(32).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void shouldNeverIssueTheSameTokenTwice() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(TelegramDeepLinks.newToken())).isTrue();
        }
    }

    @Test
    void shouldBuildTheStartLink() {
        assertThat(TelegramDeepLinks.link("ShopBot", "abc_123-x")).isEqualTo("https://t.me/ShopBot?start=abc_123-x");
    }

    @Test
    void shouldRefuseATokenTelegramWouldMangle() {
        assertThatThrownBy(() -> TelegramDeepLinks.link("ShopBot", "a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("a b");
    }
}
