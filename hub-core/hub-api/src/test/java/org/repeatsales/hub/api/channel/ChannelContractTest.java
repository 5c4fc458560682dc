package org.repeatsales.hub.api.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelContractTest {

    @Test
    void shouldRequireReasonWhenNotReady() {
        assertThat(Readiness.ready().isReady()).isTrue();
        assertThat(Readiness.notReady("hub.plugins.email.host is not set").reason()).contains("host");
        assertThatThrownBy(() -> Readiness.notReady(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldAddOneClickUnsubscribeHeaders() {
        OutboundMessage m = new OutboundMessage("a@example.org", "Тема", "<p>hi</p>", "hi", Map.of("X-Campaign", "7"), "d-1")
                .withUnsubscribe("https://hub.example/u/abc");

        assertThat(m.headers())
                .containsEntry("List-Unsubscribe", "<https://hub.example/u/abc>")
                .containsEntry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
                .containsEntry("X-Campaign", "7");
    }

    @Test
    void shouldRejectMessageWithoutAddressOrText() {
        assertThatThrownBy(() -> new OutboundMessage(" ", null, null, "t", null, "d-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OutboundMessage("a@b", null, null, null, null, "d-1")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldPermitOnlyTheFourOutcomes() {
        // sealed: the dispatcher can rely on handling exactly these answers
        assertThat(DeliveryOutcome.class.getPermittedSubclasses()).extracting(Class::getSimpleName)
                .containsExactlyInAnyOrder("Delivered", "RetryLater", "Failed", "Unsubscribed");
    }

    @Test
    void shouldRejectNonPositiveRateLimit() {
        assertThat(RateLimit.perSecond(30).permits()).isEqualTo(30);
        assertThat(RateLimit.UNLIMITED.unlimited()).isTrue();
        assertThatThrownBy(() -> RateLimit.perSecond(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
