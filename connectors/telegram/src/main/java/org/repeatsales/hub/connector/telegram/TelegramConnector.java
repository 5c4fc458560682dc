package org.repeatsales.hub.connector.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.pf4j.Extension;
import org.repeatsales.hub.api.PluginContext;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.ChannelConnector;
import org.repeatsales.hub.api.channel.ClientCommand;
import org.repeatsales.hub.api.channel.ClientCommands;
import org.repeatsales.hub.api.channel.ContentLimits;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.api.channel.RateLimit;
import org.repeatsales.hub.api.channel.Readiness;

/**
 * Telegram through the Bot API's {@code sendMessage}. Besides declaring its limits to the hub, the
 * connector paces itself ({@link SendPacer}): several hub threads or a second dispatcher must not
 * add up to more than Telegram allows, and a 429 stops every send of this bot until its
 * {@code retry_after} has passed instead of letting the other threads hammer the API meanwhile.
 */
@Extension
public class TelegramConnector implements ChannelConnector {

    /** Telegram's documented limit for the text of one message; no subject, no HTML body. */
    static final int MAX_TEXT_CHARS = 4096;
    private static final ContentLimits LIMITS = new ContentLimits(0, MAX_TEXT_CHARS, false, Long.MAX_VALUE);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PluginContext context;
    private final TelegramSettings settings;
    private final SendPacer pacer;
    private final HttpClient http;
    private final URI sendMessage;
    /** The bot's username from the settings, or as {@code getMe} answered it once. */
    private volatile String botUsername;

    public TelegramConnector(PluginContext context) {
        this(context, System::getenv);
    }

    TelegramConnector(PluginContext context, UnaryOperator<String> env) {
        this.context = context;
        this.settings = TelegramSettings.from(context.config(), env);
        this.pacer = new SendPacer(settings.ratePerSecond(), settings.pacingMarginMillis(), System::nanoTime);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(settings.timeoutMillis())).build();
        this.sendMessage = settings.problem() == null
                ? URI.create(settings.baseUrl() + "/bot" + settings.token() + "/sendMessage")
                : null;
        this.botUsername = settings.botUsername();
        context.logger().log(Level.INFO, "Telegram connector: {0}", settings.problem() == null ? settings : settings.problem());
    }

    @Override
    public String id() {
        return "telegram";
    }

    @Override
    public Channel channel() {
        return Channel.TELEGRAM;
    }

    @Override
    public Readiness readiness() {
        return settings.problem() == null ? Readiness.ready() : Readiness.notReady(settings.problem());
    }

    @Override
    public RateLimit rateLimit() {
        return RateLimit.perSecond(settings.ratePerSecond());
    }

    @Override
    public RateLimit perAddressRateLimit() {
        return RateLimit.perSecond(1);
    }

    @Override
    public ContentLimits contentLimits() {
        return LIMITS;
    }

    @Override
    public boolean receivesCommands() {
        return true;
    }

    /**
     * {@code https://t.me/<bot>?start=<token>}; the bot's username comes from {@code bot-username},
     * or else from the Bot API's {@code getMe}, asked once.
     */
    @Override
    public Optional<String> startLink(String token) {
        String bot = botUsername;
        if (bot == null && settings.problem() == null) {
            bot = askUsername();
        }
        return bot == null ? Optional.empty() : Optional.of(TelegramDeepLinks.link(bot, token));
    }

    private synchronized String askUsername() {
        if (botUsername != null) {
            return botUsername;
        }
        try {
            JsonNode me = call("getMe", JSON.createObjectNode(), Duration.ofMillis(settings.timeoutMillis()));
            String name = me.path("username").asText(null);
            if (name != null && !name.isBlank()) {
                botUsername = name;
                context.logger().log(Level.INFO, "Telegram bot username from getMe: {0}", name);
            }
        } catch (IOException e) {
            context.logger().log(Level.WARNING, "Telegram getMe failed, no start links until it answers "
                    + "or hub.plugins.telegram.bot-username is set: {0}", e.getMessage());
        }
        return botUsername;
    }

    /**
     * Long-polls {@code getUpdates} with {@code offset = position + 1}, which also tells Telegram
     * that every update up to {@code position} is consumed: Telegram then forgets them, so the hub
     * must have stored that position before (it does, in the transaction that applies the commands).
     * Only {@code message} updates are asked for; of those, {@code /start <token>} and {@code /stop}
     * in private chats become commands.
     */
    @Override
    public ClientCommands receive(long position, Duration wait) throws IOException {
        if (settings.problem() != null) {
            throw new IOException("not ready: " + settings.problem());
        }
        ObjectNode request = JSON.createObjectNode();
        if (position > 0) {
            request.put("offset", position + 1);
        }
        request.put("timeout", Math.max(0, wait.toSeconds()));
        ((ArrayNode) request.putArray("allowed_updates")).add("message");
        JsonNode updates = call("getUpdates", request, wait.plusMillis(settings.timeoutMillis()));
        if (!updates.isArray()) {
            throw new IOException("getUpdates answered no list of updates");
        }
        long last = position;
        List<ClientCommand> commands = new ArrayList<>();
        for (JsonNode update : updates) {
            if (!update.path("update_id").canConvertToLong()) {
                throw new IOException("getUpdates answered an update without update_id");
            }
            long id = update.path("update_id").asLong();
            last = Math.max(last, id);
            ChatCommands.parse(update).ifPresent(c -> commands.add(c instanceof ChatCommands.Start start
                    ? new ClientCommand(id, Long.toString(start.chatId()), ClientCommand.Kind.START, start.token())
                    : new ClientCommand(id, Long.toString(c.chatId()), ClientCommand.Kind.STOP, null)));
        }
        return new ClientCommands(last, commands);
    }

    /** Calls a Bot API method and answers its {@code result}; any other answer is an IOException naming it. */
    private JsonNode call(String method, ObjectNode body, Duration timeout) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.baseUrl() + "/bot" + settings.token() + "/" + method))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException("Bot API " + method + " unreachable: " + scrub(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + method);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            answer = null;
        }
        if (response.statusCode() != 200 || answer == null || !answer.path("ok").asBoolean(false)) {
            String description = answer == null ? "" : answer.path("description").asText("");
            // 409 here means a webhook is set for the bot: getUpdates and webhooks exclude each other
            throw new IOException("Bot API " + method + " answered " + response.statusCode()
                    + (description.isEmpty() ? "" : ": " + description));
        }
        return answer.path("result");
    }

    @Override
    public DeliveryOutcome send(OutboundMessage message) {
        if (settings.problem() != null) {
            return new DeliveryOutcome.Failed("not ready: " + settings.problem(), null);
        }
        if (message.text().length() > MAX_TEXT_CHARS) {
            // Telegram would answer 400 "message is too long"; no need to spend a request on it
            return new DeliveryOutcome.Failed("text has " + message.text().length() + " characters, Telegram takes "
                    + MAX_TEXT_CHARS, null);
        }
        DeliveryOutcome waited = waitForTurn(message.address());
        if (waited != null) {
            return waited;
        }
        HttpRequest request = HttpRequest.newBuilder(sendMessage)
                .timeout(Duration.ofMillis(settings.timeoutMillis()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(message), StandardCharsets.UTF_8))
                .build();
        SendPacer.Departure departure;
        try {
            departure = leave();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.RetryLater(context.clock().instant(), "interrupted while paced");
        }
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            // nothing reached Telegram, so a retry cannot duplicate the message
            return new DeliveryOutcome.RetryLater(retryInstant(), "Bot API unreachable: " + scrub(e));
        } catch (HttpTimeoutException e) {
            // the request went out and no answer came: Telegram may have delivered it. The contract
            // prefers a lost message to a duplicated marketing message.
            return new DeliveryOutcome.Failed("no answer within " + settings.timeoutMillis()
                    + " ms; the message may have been delivered", null);
        } catch (IOException e) {
            // the connection broke after it was made: as with a timeout, Telegram may have the message
            return new DeliveryOutcome.Failed("Bot API connection dropped; the message may have been delivered: "
                    + scrub(e), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.RetryLater(retryInstant(), "interrupted before an answer");
        } finally {
            pacer.answered(departure);
        }
        Instant now = context.clock().instant();
        DeliveryOutcome outcome = BotApiAnswers.outcome(response.statusCode(), response.body(), now,
                Duration.ofSeconds(settings.retryAfterSeconds()));
        if (response.statusCode() == 429 && outcome instanceof DeliveryOutcome.RetryLater later) {
            long pauseNanos = Duration.between(now, later.after()).toNanos();
            pacer.pauseUntil(System.nanoTime() + pauseNanos);
            context.logger().log(Level.WARNING, "Telegram 429 on {0}: all sends paused until {1}",
                    message.correlationId(), later.after());
        }
        context.logger().log(Level.DEBUG, "Telegram {0}: {1} -> {2}", message.correlationId(),
                response.statusCode(), outcome.getClass().getSimpleName());
        return outcome;
    }

    /** Sleeps until this chat's and the bot's turn; answers RetryLater when a 429 pause is too long to sit out. */
    private DeliveryOutcome waitForTurn(String chat) {
        long maxWait = TimeUnit.SECONDS.toNanos(settings.maxWaitSeconds());
        while (true) {
            long pauseLeft = pacer.pausedUntil() - System.nanoTime();
            if (pauseLeft > maxWait) {
                // holding a hub thread for minutes helps nobody; the hub retries at the right time
                return new DeliveryOutcome.RetryLater(context.clock().instant().plusNanos(pauseLeft),
                        "Telegram flood control pause still running");
            }
            long at = pacer.reserve(chat);
            try {
                sleepUntil(at);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new DeliveryOutcome.RetryLater(context.clock().instant(), "interrupted while paced");
            }
            // a 429 seen by another thread while this one slept moves its turn behind the pause
            if (pacer.pausedUntil() <= System.nanoTime()) {
                return null;
            }
        }
    }

    /** Waits until the pacer lets a send leave (see {@link SendPacer#depart}). */
    private SendPacer.Departure leave() throws InterruptedException {
        long[] wait = new long[1];
        SendPacer.Departure departure;
        while ((departure = pacer.depart(wait)) == null) {
            TimeUnit.NANOSECONDS.sleep(wait[0]);
        }
        return departure;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static String body(OutboundMessage message) {
        ObjectNode body = JSON.createObjectNode();
        String address = message.address().trim();
        try {
            // numeric chat ids go as numbers; @channelusername stays a string
            body.put("chat_id", Long.parseLong(address));
        } catch (NumberFormatException e) {
            body.put("chat_id", address);
        }
        body.put("text", message.text());
        return body.toString();
    }

    private Instant retryInstant() {
        return context.clock().instant().plusSeconds(settings.retryAfterSeconds());
    }

    /** An exception's message without the bot token, which sits in the request URL. */
    private String scrub(Exception e) {
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return text.replace(settings.token(), "<token>");
    }
}
