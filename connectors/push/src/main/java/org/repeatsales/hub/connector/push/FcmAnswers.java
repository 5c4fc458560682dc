package org.repeatsales.hub.connector.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * What an answer of FCM's {@code messages:send} means, from the HTTP status and the v1 error body
 * ({@code error.status} and the {@code errorCode} of the {@code FcmError} in {@code error.details}).
 * The connector turns the kind into an outcome, adding the retry time.
 */
final class FcmAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();

    enum Kind {
        DELIVERED,
        /** Temporary: quota, overload, internal error. Retried after Retry-After or the backoff. */
        RETRY,
        /** FCM says the access token is not (or no longer) valid: fetch another and try once more. */
        UNAUTHENTICATED,
        FAILED,
        UNSUBSCRIBED
    }

    /**
     * @param messageName the message's resource name on delivery ({@code projects/p/messages/...})
     * @param reason why, for the outcome and the log; never holds the device token or the text
     * @param rawAnswer the body as FCM sent it, kept for failures
     */
    record Answer(Kind kind, String messageName, String reason, String rawAnswer) {
    }

    private FcmAnswers() {
    }

    static Answer classify(int status, String body, String projectId) {
        if (status == 200) {
            String name = field(body, "name");
            return name == null
                    ? new Answer(Kind.FAILED, null, "FCM answered HTTP 200 without a message name", body)
                    : new Answer(Kind.DELIVERED, name, null, null);
        }
        JsonNode error = error(body);
        String code = errorCode(error);
        String state = error == null ? null : text(error.get("status"));
        String message = error == null ? null : text(error.get("message"));
        String what = "FCM " + status + " " + (code != null ? code : state != null ? state : "")
                + (message != null ? " " + message : "");
        what = what.replaceAll("\\s+$", "");
        // the FCM-specific errorCode says more than the generic status, so it is looked at first
        String key = code != null ? code : state != null ? state : "";
        switch (key) {
            case "UNREGISTERED":
                return new Answer(Kind.UNSUBSCRIBED, null, what
                        + " (the app was uninstalled or the device token expired): the hub removes this push token", body);
            case "SENDER_ID_MISMATCH":
                return new Answer(Kind.FAILED, null, what + " (the device token belongs to another Firebase project than "
                        + "hub.plugins.push.project-id=" + projectId + ")", body);
            case "THIRD_PARTY_AUTH_ERROR":
                return new Answer(Kind.FAILED, null, what + " (the APNs key or web-push certificate is missing or invalid "
                        + "in the Firebase console of project " + projectId + ", hub.plugins.push.project-id)", body);
            case "QUOTA_EXCEEDED", "RESOURCE_EXHAUSTED", "UNAVAILABLE", "INTERNAL":
                return new Answer(Kind.RETRY, null, what, body);
            case "INVALID_ARGUMENT":
                return new Answer(Kind.FAILED, null, what, body);
            case "UNAUTHENTICATED":
                return new Answer(Kind.UNAUTHENTICATED, null, what, body);
            case "PERMISSION_DENIED":
                return new Answer(Kind.FAILED, null, what + " (the service account of hub.plugins.push.service-account-file "
                        + "may not send for hub.plugins.push.project-id=" + projectId
                        + ": it needs the Firebase Cloud Messaging API enabled and a role allowed to send)", body);
            default:
                break;
        }
        if (status == 401) {
            return new Answer(Kind.UNAUTHENTICATED, null, what, body);
        }
        if (status == 403) {
            return new Answer(Kind.FAILED, null, what + " (check hub.plugins.push.service-account-file and "
                    + "hub.plugins.push.project-id=" + projectId + ")", body);
        }
        if (status == 404 && error == null) {
            return new Answer(Kind.FAILED, null, "FCM 404 without an error body: check hub.plugins.push.base-url and "
                    + "hub.plugins.push.project-id=" + projectId, body);
        }
        if (status == 429 || status >= 500) {
            return new Answer(Kind.RETRY, null, what, body);
        }
        return new Answer(Kind.FAILED, null, what, body);
    }

    /**
     * The wait a Retry-After header asks for, in seconds or as an HTTP date; null when absent or
     * unreadable (the backoff decides then).
     */
    static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static JsonNode error(String body) {
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode error = root == null ? null : root.get("error");
            return error != null && error.isObject() ? error : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String errorCode(JsonNode error) {
        if (error == null) {
            return null;
        }
        for (JsonNode detail : error.path("details")) {
            String code = text(detail.get("errorCode"));
            if (code != null && text(detail.get("@type")) != null && detail.get("@type").asText().endsWith("FcmError")) {
                return code;
            }
        }
        for (JsonNode detail : error.path("details")) {
            String code = text(detail.get("errorCode"));
            if (code != null) {
                return code;
            }
        }
        return null;
    }

    private static String field(String body, String name) {
        try {
            JsonNode root = JSON.readTree(body);
            return root == null ? null : text(root.get(name));
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node) {
        return node == null || !node.isTextual() || node.asText().isBlank() ? null : node.asText();
    }
}
