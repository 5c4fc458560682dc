package org.repeatsales.hub.connector.sms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import org.repeatsales.hub.api.channel.DeliveryOutcome;

/** Turns an SMS.ru or SMSC.ru answer into a {@link DeliveryOutcome}. */
final class GatewayAnswers {

    /** How far ahead to retry: generic temporary failures and a lack of funds (topped up by a person). */
    record Delays(long retryAfterSeconds, long noFundsRetrySeconds) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private GatewayAnswers() {
    }

    /** An SMS.ru {@code /sms/send?json=1} answer for one number ({@code phone} as sent, digits only). */
    static DeliveryOutcome smsRu(int status, String body, String phone, Instant now, Delays delays) {
        if (status >= 500 || status == 429) {
            return new DeliveryOutcome.RetryLater(now.plusSeconds(delays.retryAfterSeconds()),
                    "SMS.ru answered HTTP " + status);
        }
        JsonNode root = parse(body);
        if (status != 200 || root == null || !root.isObject()) {
            return new DeliveryOutcome.Failed("unexpected SMS.ru answer (HTTP " + status + ")", body);
        }
        // the per-number answer decides; the top-level code only when there is none (bad api_id etc.)
        JsonNode entry = null;
        JsonNode sms = root.path("sms");
        Iterator<JsonNode> numbers = sms.elements();
        if (sms.isObject() && sms.has(phone)) {
            entry = sms.get(phone);
        } else if (sms.isObject() && numbers.hasNext()) {
            // SMS.ru may write the number back in another form; one number was sent, one answer came
            entry = numbers.next();
        }
        JsonNode source = entry != null ? entry : root;
        int code = source.path("status_code").asInt(-1);
        if (code == 100) {
            String id = source.path("sms_id").asText("");
            if (entry == null || id.isEmpty()) {
                return new DeliveryOutcome.Failed("SMS.ru answered OK without an sms_id", body);
            }
            return new DeliveryOutcome.Delivered(id);
        }
        String text = "SMS.ru " + code + (source.hasNonNull("status_text") ? " " + source.get("status_text").asText() : "");
        return switch (code) {
            case 201 -> new DeliveryOutcome.RetryLater(now.plusSeconds(delays.noFundsRetrySeconds()),
                    text + " (no funds on the SMS.ru account)");
            case 206, 220, 230, 231, 232 -> new DeliveryOutcome.RetryLater(now.plusSeconds(delays.retryAfterSeconds()),
                    text + " (limit reached or service busy)");
            case 202 -> new DeliveryOutcome.Unsubscribed(text + " (not a valid phone number)");
            case 209 -> new DeliveryOutcome.Unsubscribed(text + " (number is on the stop list)");
            case 207 -> new DeliveryOutcome.Failed(text + " (SMS.ru does not send to this number)", body);
            case 200, 300, 301, 302 -> new DeliveryOutcome.Failed(text
                    + " (check hub.plugins.sms.api-id-env and the api_id in that variable)", body);
            case 204 -> new DeliveryOutcome.Failed(text + " (check hub.plugins.sms.sender)", body);
            default -> new DeliveryOutcome.Failed(text.isBlank() ? "SMS.ru error" : text, body);
        };
    }

    /** An SMSC.ru {@code send.php?fmt=3} answer. */
    static DeliveryOutcome smsc(int status, String body, Instant now, Delays delays) {
        if (status >= 500 || status == 429) {
            return new DeliveryOutcome.RetryLater(now.plusSeconds(delays.retryAfterSeconds()),
                    "SMSC.ru answered HTTP " + status);
        }
        JsonNode root = parse(body);
        if (status != 200 || root == null || !root.isObject()) {
            return new DeliveryOutcome.Failed("unexpected SMSC.ru answer (HTTP " + status + ")", body);
        }
        if (!root.has("error_code") && !root.has("error")) {
            String id = root.path("id").asText("");
            return id.isEmpty()
                    ? new DeliveryOutcome.Failed("SMSC.ru answered without an id", body)
                    : new DeliveryOutcome.Delivered(id);
        }
        int code = root.path("error_code").asInt(-1);
        String text = "SMSC.ru " + code + " " + root.path("error").asText("");
        return switch (code) {
            case 3 -> new DeliveryOutcome.RetryLater(now.plusSeconds(delays.noFundsRetrySeconds()),
                    text + " (no funds on the SMSC.ru account)");
            case 9 -> new DeliveryOutcome.RetryLater(now.plusSeconds(delays.retryAfterSeconds()),
                    text + " (too many requests)");
            case 4 -> new DeliveryOutcome.RetryLater(now.plusSeconds(delays.retryAfterSeconds()),
                    text + " (IP address temporarily blocked by SMSC.ru)");
            case 7 -> new DeliveryOutcome.Unsubscribed(text + " (not a valid phone number)");
            case 8 -> new DeliveryOutcome.Failed(text + " (SMSC.ru cannot deliver to this number)", body);
            case 1 -> new DeliveryOutcome.Failed(text + " (check hub.plugins.sms.sender and the message)", body);
            case 2 -> new DeliveryOutcome.Failed(text
                    + " (check hub.plugins.sms.login and the password in hub.plugins.sms.password-env)", body);
            default -> new DeliveryOutcome.Failed(text, body);
        };
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
