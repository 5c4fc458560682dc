package org.repeatsales.hub.connector.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.pf4j.Extension;
import org.repeatsales.hub.api.PluginContext;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.ChannelConnector;
import org.repeatsales.hub.api.channel.ContentLimits;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.api.channel.Readiness;

/**
 * Push notifications through Firebase Cloud Messaging HTTP v1: one {@code messages:send} per device
 * token, with an OAuth2 access token of the configured service account ({@link AccessTokens}).
 *
 * <p>Temporary refusals (quota, overload, internal errors) are answered retry-later at the time
 * FCM's {@code Retry-After} names, else after an exponential backoff over consecutive refusals
 * (reset by the next delivery). A 429 or 503 also holds every send of the project until then:
 * sending the rest of a campaign into an overloaded FCM would only collect more refusals.
 */
@Extension
public class PushConnector implements ChannelConnector {

    /** What FCM accepts in one message: the notification and data, not the device token. */
    static final int MAX_PAYLOAD_BYTES = 4096;
    /** Longer titles are cut by the phones' notification shade; the payload bound is the hard one. */
    static final int MAX_TITLE_CHARS = 200;
    private static final ContentLimits LIMITS = new ContentLimits(MAX_TITLE_CHARS, MAX_PAYLOAD_BYTES, false,
            MAX_PAYLOAD_BYTES);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PluginContext context;
    private final PushSettings settings;
    private final HttpClient http;
    private final AccessTokens tokens;
    private final URI send;
    private int refusalStreak;
    private Instant pausedUntil = Instant.MIN;

    public PushConnector(PluginContext context) {
        this.context = context;
        this.settings = PushSettings.from(context.config());
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(settings.timeoutMillis())).build();
        if (settings.problem() == null) {
            this.tokens = new AccessTokens(settings.account(), http, context.clock(),
                    Duration.ofSeconds(settings.tokenRefreshMarginSeconds()), Duration.ofMillis(settings.timeoutMillis()));
            this.send = URI.create(settings.baseUrl() + "/v1/projects/" + settings.projectId() + "/messages:send");
        } else {
            this.tokens = null;
            this.send = null;
        }
        context.logger().log(Level.INFO, "Push connector: {0}", settings.problem() == null ? settings : settings.problem());
    }

    @Override
    public String id() {
        return "push";
    }

    @Override
    public Channel channel() {
        return Channel.PUSH;
    }

    @Override
    public Readiness readiness() {
        return settings.problem() == null ? Readiness.ready() : Readiness.notReady(settings.problem());
    }

    /** Title from the subject, body from the text, no HTML; FCM's 4096-byte payload bound. */
    @Override
    public ContentLimits contentLimits() {
        return LIMITS;
    }

    @Override
    public DeliveryOutcome send(OutboundMessage message) {
        if (settings.problem() != null) {
            return new DeliveryOutcome.Failed("not ready: " + settings.problem(), null);
        }
        String title = message.subject() == null ? "" : message.subject();
        if (title.length() > MAX_TITLE_CHARS) {
            return new DeliveryOutcome.Failed("title has " + title.length() + " characters, at most " + MAX_TITLE_CHARS
                    + " are sent", null);
        }
        ObjectNode payload = payload(title, message);
        int bytes = payload.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PAYLOAD_BYTES) {
            // FCM would answer INVALID_ARGUMENT "Message is too big"; no need to spend a request on it
            return new DeliveryOutcome.Failed("notification and data take " + bytes + " bytes, FCM takes "
                    + MAX_PAYLOAD_BYTES, null);
        }
        Instant pause = pausedUntil();
        if (pause.isAfter(context.clock().instant())) {
            return new DeliveryOutcome.RetryLater(pause, "FCM asked to back off; sends held until then");
        }
        ObjectNode body = JSON.createObjectNode();
        ObjectNode fcmMessage = body.putObject("message");
        fcmMessage.put("token", message.address().trim());
        fcmMessage.setAll(payload);
        String json = body.toString();

        for (int attempt = 1; ; attempt++) {
            String token;
            try {
                token = tokens.current();
            } catch (AccessTokens.Unavailable e) {
                return tokenProblem(message, e);
            }
            HttpResponse<String> response;
            try {
                response = http.send(HttpRequest.newBuilder(send)
                        .timeout(Duration.ofMillis(settings.timeoutMillis()))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json; charset=UTF-8")
                        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                        .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (HttpConnectTimeoutException | ConnectException e) {
                // nothing reached FCM, so a retry cannot duplicate the notification
                return new DeliveryOutcome.RetryLater(backoff(null), "FCM unreachable: " + e.getClass().getSimpleName());
            } catch (HttpTimeoutException e) {
                // the request went out and no answer came: FCM may have sent it, and the contract
                // prefers a lost message to a duplicated one
                return new DeliveryOutcome.Failed("no answer within " + settings.timeoutMillis()
                        + " ms; the notification may have been sent", null);
            } catch (IOException e) {
                return new DeliveryOutcome.Failed("FCM connection dropped; the notification may have been sent: "
                        + e.getClass().getSimpleName(), null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new DeliveryOutcome.RetryLater(context.clock().instant(), "interrupted before an answer");
            }
            FcmAnswers.Answer answer = FcmAnswers.classify(response.statusCode(), response.body(), settings.projectId());
            if (answer.kind() == FcmAnswers.Kind.UNAUTHENTICATED && attempt == 1) {
                // tokens can be revoked before their expiry: one fresh token, one more try
                tokens.discard(token);
                context.logger().log(Level.DEBUG, "Push {0}: FCM refused the access token, fetching another",
                        message.correlationId());
                continue;
            }
            DeliveryOutcome outcome = outcome(answer, response);
            context.logger().log(Level.DEBUG, "Push {0}: HTTP {1} -> {2}", message.correlationId(),
                    response.statusCode(), outcome.getClass().getSimpleName());
            return outcome;
        }
    }

    private DeliveryOutcome outcome(FcmAnswers.Answer answer, HttpResponse<String> response) {
        switch (answer.kind()) {
            case DELIVERED:
                synchronized (this) {
                    refusalStreak = 0;
                }
                return new DeliveryOutcome.Delivered(answer.messageName());
            case RETRY:
                Instant at = backoff(FcmAnswers.retryAfter(response.headers().firstValue("Retry-After").orElse(null),
                        context.clock().instant()));
                int status = response.statusCode();
                if (status == 429 || status == 503) {
                    pauseUntil(at);
                    context.logger().log(Level.WARNING, "FCM answered {0}: push sends held until {1}", status, at);
                }
                return new DeliveryOutcome.RetryLater(at, answer.reason());
            case UNSUBSCRIBED:
                return new DeliveryOutcome.Unsubscribed(answer.reason());
            case UNAUTHENTICATED:
                return new DeliveryOutcome.Failed(answer.reason() + " (a fresh access token was refused too: check "
                        + "hub.plugins.push.service-account-file and hub.plugins.push.project-id=" + settings.projectId() + ")",
                        answer.rawAnswer());
            default:
                return new DeliveryOutcome.Failed(answer.reason(), answer.rawAnswer());
        }
    }

    private DeliveryOutcome tokenProblem(OutboundMessage message, AccessTokens.Unavailable e) {
        context.logger().log(Level.WARNING, "Push {0}: no access token: {1}", message.correlationId(), e.getMessage());
        return e.temporary
                ? new DeliveryOutcome.RetryLater(backoff(null), "no access token: " + e.getMessage())
                : new DeliveryOutcome.Failed("no access token: " + e.getMessage(), e.rawAnswer);
    }

    /**
     * When to try again: what the server asked for, else {@code retry-after-seconds} doubled for
     * every refusal in a row before this one, capped at {@code max-backoff-seconds}.
     */
    private synchronized Instant backoff(Duration asked) {
        Instant now = context.clock().instant();
        int streak = refusalStreak++;
        if (asked != null) {
            return now.plus(asked);
        }
        long seconds = settings.retryAfterSeconds() << Math.min(streak, 20);
        return now.plusSeconds(Math.min(seconds, settings.maxBackoffSeconds()));
    }

    private synchronized void pauseUntil(Instant at) {
        if (at.isAfter(pausedUntil)) {
            pausedUntil = at;
        }
    }

    private synchronized Instant pausedUntil() {
        return pausedUntil;
    }

    /** The notification and the data of the FCM message (what its size limit counts). */
    private static ObjectNode payload(String title, OutboundMessage message) {
        ObjectNode payload = JSON.createObjectNode();
        ObjectNode notification = payload.putObject("notification");
        notification.put("title", title);
        notification.put("body", message.text());
        ObjectNode data = payload.putObject("data");
        for (Map.Entry<String, String> h : message.headers().entrySet()) {
            data.put(h.getKey(), h.getValue());
        }
        // lets the app (and FCM's delivery reports) point back at the hub's delivery
        data.put("hub_delivery", message.correlationId());
        return payload;
    }
}
