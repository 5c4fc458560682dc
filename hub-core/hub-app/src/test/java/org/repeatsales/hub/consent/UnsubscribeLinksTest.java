package org.repeatsales.hub.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.api.channel.Channel;

class UnsubscribeLinksTest {

    private final UnsubscribeLinks links = new UnsubscribeLinks("a-secret-of-at-least-16-bytes".getBytes(StandardCharsets.UTF_8),
            "https://hub.example/");

    @Test
    void shouldVerifyOwnTokenForItsClientAndChannel() {
        assertThat(links.verify(links.token(42, Channel.EMAIL))).contains(new UnsubscribeLinks.Target(42, Channel.EMAIL));
        assertThat(links.url(42, Channel.EMAIL)).startsWith("https://hub.example/u/42.EMAIL.");
    }

    @Test
    void shouldRefuseTokenSignedWithAnotherSecret() {
        UnsubscribeLinks other = new UnsubscribeLinks("another-secret-16-bytes!".getBytes(StandardCharsets.UTF_8), "https://x");

        assertThat(links.verify(other.token(42, Channel.EMAIL))).isEmpty();
    }

    @Test
    void shouldRefuseTokenMovedToAnotherClient() {
        String token = links.token(42, Channel.EMAIL);

        assertThat(links.verify(token.replaceFirst("^42\\.", "43."))).isEmpty();
        assertThat(links.verify(token + "x")).isEmpty();
        assertThat(links.verify("42.EMAIL")).isEmpty();
        assertThat(links.verify(null)).isEmpty();
    }
}
