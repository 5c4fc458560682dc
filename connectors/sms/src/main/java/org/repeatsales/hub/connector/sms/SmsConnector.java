package org.repeatsales.hub.connector.sms;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.pf4j.Extension;
import org.repeatsales.hub.api.PluginContext;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.ChannelConnector;
import org.repeatsales.hub.api.channel.ContentLimits;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.api.channel.Readiness;

/**
 * SMS through an HTTP gateway: SMS.ru ({@code POST /sms/send}) or SMSC.ru ({@code POST /sys/send.php}),
 * chosen by {@code hub.plugins.sms.dialect}. Each send is one form-encoded UTF-8 POST to one number.
 */
@Extension
public class SmsConnector implements ChannelConnector {

    private final PluginContext context;
    private final SmsSettings settings;
    private final HttpClient http;
    private final ContentLimits limits;
    private final GatewayAnswers.Delays delays;

    public SmsConnector(PluginContext context) {
        this(context, System::getenv);
    }

    SmsConnector(PluginContext context, UnaryOperator<String> env) {
        this.context = context;
        this.settings = SmsSettings.from(context.config(), env);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(settings.timeoutMillis())).build();
        this.limits = new ContentLimits(0, SmsParts.maxCharsSureToFit(settings.maxParts()), false, Long.MAX_VALUE);
        this.delays = new GatewayAnswers.Delays(settings.retryAfterSeconds(), settings.noFundsRetrySeconds());
        context.logger().log(Level.INFO, "SMS connector: {0}", settings.problem() == null ? settings : settings.problem());
    }

    @Override
    public String id() {
        return "sms";
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }

    @Override
    public Readiness readiness() {
        return settings.problem() == null ? Readiness.ready() : Readiness.notReady(settings.problem());
    }

    /**
     * Text up to {@code max-parts} parts in the worst (UCS-2) alphabet; a GSM-7 text may be longer
     * and is still sent when it fits the parts.
     */
    @Override
    public ContentLimits contentLimits() {
        return limits;
    }

    @Override
    public DeliveryOutcome send(OutboundMessage message) {
        if (settings.problem() != null) {
            return new DeliveryOutcome.Failed("not ready: " + settings.problem(), null);
        }
        int parts = SmsParts.parts(message.text());
        if (parts > settings.maxParts()) {
            return new DeliveryOutcome.Failed("text takes " + parts + " SMS parts, hub.plugins.sms.max-parts allows "
                    + settings.maxParts(), null);
        }
        String phone = phone(message.address());
        if (phone.isEmpty()) {
            return new DeliveryOutcome.Unsubscribed("address has no digits of a phone number");
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint())
                .timeout(Duration.ofMillis(settings.timeoutMillis()))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(form(phone, message.text()), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            // nothing reached the gateway, so a retry cannot duplicate the message
            return new DeliveryOutcome.RetryLater(context.clock().instant().plusSeconds(settings.retryAfterSeconds()),
                    "SMS gateway unreachable: " + e.getClass().getSimpleName());
        } catch (HttpTimeoutException e) {
            // the request went out and no answer came: the gateway may have sent the SMS, and the
            // ChannelConnector contract prefers a lost message to a duplicated one
            return new DeliveryOutcome.Failed("no answer within " + settings.timeoutMillis()
                    + " ms; the SMS may have been sent", null);
        } catch (IOException e) {
            return new DeliveryOutcome.Failed("SMS gateway connection dropped; the SMS may have been sent: "
                    + e.getClass().getSimpleName(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.RetryLater(context.clock().instant(), "interrupted before an answer");
        }
        DeliveryOutcome outcome = settings.dialect() == SmsSettings.Dialect.SMSRU
                ? GatewayAnswers.smsRu(response.statusCode(), response.body(), phone, context.clock().instant(), delays)
                : GatewayAnswers.smsc(response.statusCode(), response.body(), context.clock().instant(), delays);
        // only the correlation id: never the phone, the text or the credentials
        context.logger().log(Level.DEBUG, "SMS {0}: HTTP {1} -> {2}", message.correlationId(),
                response.statusCode(), outcome.getClass().getSimpleName());
        return outcome;
    }

    /** The number as both gateways take it: digits only, no '+'. */
    static String phone(String address) {
        return address.replaceAll("[^0-9]", "");
    }

    private URI endpoint() {
        return URI.create(settings.baseUrl() + (settings.dialect() == SmsSettings.Dialect.SMSRU ? "/sms/send" : "/sys/send.php"));
    }

    private String form(String phone, String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (settings.dialect() == SmsSettings.Dialect.SMSRU) {
            fields.put("api_id", settings.apiId());
            fields.put("to", phone);
            fields.put("msg", text);
            fields.put("json", "1");
            if (settings.sender() != null) {
                fields.put("from", settings.sender());
            }
        } else {
            fields.put("login", settings.login());
            fields.put("psw", settings.password());
            fields.put("phones", phone);
            fields.put("mes", text);
            fields.put("fmt", "3");
            fields.put("charset", "utf-8");
            if (settings.sender() != null) {
                fields.put("sender", settings.sender());
            }
        }
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
