package org.repeatsales.hub.connector.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.api.channel.DeliveryOutcome;

/** Every documented Bot API answer maps to the outcome the hub acts on; bodies as Telegram sends them. */
class BotApiAnswersTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final Duration SERVER_ERROR_DELAY = Duration.ofSeconds(30);

    private static DeliveryOutcome outcome(int status, String body) {
        return BotApiAnswers.outcome(status, body, NOW, SERVER_ERROR_DELAY);
    }

    @Test
    void shouldReturnMessageIdWhenAccepted() {
        assertThat(outcome(200, """
                {"ok":true,"result":{"message_id":4711,"from":{"id":1,"is_bot":true},"chat":{"id":123456789,"type":"private"},"date":1764000000,"text":"Hi"}}"""))
                .isEqualTo(new DeliveryOutcome.Delivered("4711"));
    }

    @Test
    void shouldTreatBlockedBotAsUnsubscribed() {
        assertThat(outcome(403, """
                {"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"""))
                .isInstanceOf(DeliveryOutcome.Unsubscribed.class);
    }

    @Test
    void shouldTreatCannotInitiateConversationAsUnsubscribed() {
        assertThat(outcome(403, """
                {"ok":false,"error_code":403,"description":"Forbidden: bot can't initiate conversation with a user"}"""))
                .isInstanceOf(DeliveryOutcome.Unsubscribed.class);
    }

    @Test
    void shouldTreatChatNotFoundAsUnsubscribed() {
        assertThat(outcome(400, """
                {"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"""))
                .isInstanceOf(DeliveryOutcome.Unsubscribed.class);
    }

    @Test
    void shouldFailOtherBadRequestKeepingRawAnswer() {
        String body = """
                {"ok":false,"error_code":400,"description":"Bad Request: message text is empty"}""";
        assertThat(outcome(400, body)).isEqualTo(
                new DeliveryOutcome.Failed("Bot API answered 400: Bad Request: message text is empty", body));
    }

    @Test
    void shouldFailWrongTokenRatherThanRetry() {
        // a wrong token does not fix itself; retrying would only repeat the 401
        assertThat(outcome(401, """
                {"ok":false,"error_code":401,"description":"Unauthorized"}"""))
                .isInstanceOf(DeliveryOutcome.Failed.class);
    }

    @Test
    void shouldRetryAfterTheSecondsTelegramAsksFor() {
        assertThat(outcome(429, """
                {"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"""))
                .isInstanceOfSatisfying(DeliveryOutcome.RetryLater.class,
                        later -> assertThat(later.after()).isEqualTo(NOW.plusSeconds(7)));
    }

    @Test
    void shouldRetryServerErrorEvenWhenTheBodyIsAProxyPage() {
        assertThat(outcome(502, "<html><body><h1>502 Bad Gateway</h1></body></html>"))
                .isInstanceOfSatisfying(DeliveryOutcome.RetryLater.class,
                        later -> assertThat(later.after()).isEqualTo(NOW.plus(SERVER_ERROR_DELAY)));
    }

    @Test
    void shouldNotResendAnAcceptedMessageWhoseAnswerIsOdd() {
        // 200 means Telegram took it: a retry would duplicate a marketing message
        assertThat(outcome(200, "{\"ok\":true,\"result\":true}")).isInstanceOf(DeliveryOutcome.Failed.class);
    }
}
