package org.repeatsales.hub.connector.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.repeatsales.hub.api.channel.DeliveryOutcome;

/**
 * Maps a Bot API answer ({@code {"ok":false,"error_code":403,"description":"Forbidden: bot was blocked
 * by the user"}}) to a {@link DeliveryOutcome}. The description texts are Telegram's documented
 * ones; anything not recognised is {@code Failed} with the raw answer kept for diagnosis.
 */
final class BotApiAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BotApiAnswers() {
    }

    /**
     * @param status the HTTP status
     * @param body the answer as received (may be a proxy's HTML page for 5xx)
     * @param now when the answer came, for {@code RetryLater}
     * @param serverErrorDelay how far ahead a 5xx without {@code retry_after} is retried
     */
    static DeliveryOutcome outcome(int status, String body, Instant now, Duration serverErrorDelay) {
        JsonNode answer = parse(body);
        String description = answer.path("description").asText("");
        long retryAfter = answer.path("parameters").path("retry_after").asLong(0);
        if (status == 200 && answer.path("ok").asBoolean(false)) {
            JsonNode id = answer.path("result").path("message_id");
            return id.isMissingNode() || id.isNull()
                    // accepted, so it must not be sent again; but the answer is not what the API documents
                    ? new DeliveryOutcome.Failed("accepted without a message_id", body)
                    : new DeliveryOutcome.Delivered(id.asText());
        }
        if (status == 429) {
            // retry_after is Telegram's own figure; without it, a second is the smallest sensible wait
            return new DeliveryOutcome.RetryLater(now.plusSeconds(Math.max(1, retryAfter)),
                    "Telegram flood control: 429 " + description);
        }
        if (status >= 500) {
            Instant after = retryAfter > 0 ? now.plusSeconds(retryAfter) : now.plus(serverErrorDelay);
            return new DeliveryOutcome.RetryLater(after, "Bot API answered " + status);
        }
        String lower = description.toLowerCase(Locale.ROOT);
        if (status == 403 && (lower.contains("bot was blocked by the user")
                || lower.contains("can't initiate conversation")
                || lower.contains("user is deactivated")
                || lower.contains("bot was kicked"))) {
            return new DeliveryOutcome.Unsubscribed("Telegram: " + description);
        }
        if (status == 400 && lower.contains("chat not found")) {
            return new DeliveryOutcome.Unsubscribed("Telegram: " + description);
        }
        return new DeliveryOutcome.Failed("Bot API answered " + status + (description.isEmpty() ? "" : ": " + description),
                body);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.missingNode();
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.missingNode() : node;
        } catch (IOException e) {
            // a proxy's HTML error page: the status alone decides
            return JSON.missingNode();
        }
    }
}
