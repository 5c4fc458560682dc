package org.repeatsales.hub.campaign.dispatch;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.repeatsales.hub.plugin.TestPlugins;

/**
 * A test connector plugin ({@code sink}) with one connector per channel ({@code sink-email},
 * {@code sink-sms}, {@code sink-telegram}, {@code sink-push}) that posts each message as JSON to an
 * HTTP endpoint (a WireMock server counting what arrives) and maps the answer like a real gateway:
 * 200 delivered (the body is the provider's message id), 429 or 503 retry later, 410 unsubscribed,
 * anything else failed, a refused connection retry later. Settings under {@code hub.plugins.sink.*}:
 * {@code <channel>-url} (or {@code url}), {@code <channel>-rate} and {@code <channel>-address-rate}
 * (messages per second; absent = unlimited).
 */
final class SinkConnectors {

    private static final String BASE = """
            package test.sink;

            import java.io.IOException;
            import java.net.URI;
            import java.net.http.HttpClient;
            import java.net.http.HttpRequest;
            import java.net.http.HttpResponse;
            import java.time.Duration;
            import java.time.Instant;
            import org.repeatsales.hub.api.PluginContext;
            import org.repeatsales.hub.api.channel.*;

            public abstract class SinkConnector implements ChannelConnector {
                private static final HttpClient HTTP = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
                private final PluginContext context;
                private final Channel channel;
                private final String key;

                protected SinkConnector(PluginContext context, Channel channel) {
                    this.context = context;
                    this.channel = channel;
                    this.key = channel.name().toLowerCase();
                }

                public String id() { return "sink-" + key; }
                public Channel channel() { return channel; }

                private String url() {
                    String url = context.config().getOrDefault(key + "-url", context.config().get("url"));
                    return url == null ? null : url + "/" + key;
                }

                public Readiness readiness() {
                    return url() == null ? Readiness.notReady("hub.plugins.sink.url is not set") : Readiness.ready();
                }

                public RateLimit rateLimit() { return limit(key + "-rate"); }
                public RateLimit perAddressRateLimit() { return limit(key + "-address-rate"); }

                private RateLimit limit(String setting) {
                    String v = context.config().get(setting);
                    return v == null ? RateLimit.UNLIMITED : RateLimit.perSecond(Integer.parseInt(v));
                }

                public ContentLimits contentLimits() { return new ContentLimits(200, 10_000, false, 100_000); }

                public DeliveryOutcome send(OutboundMessage m) {
                    String body = "{\\"to\\":\\"" + m.address() + "\\",\\"id\\":\\"" + m.correlationId() + "\\",\\"text\\":\\""
                            + m.text().replace("\\\\", "\\\\\\\\").replace("\\"", "\\\\\\"") + "\\"}";
                    HttpResponse<String> r;
                    try {
                        r = HTTP.send(HttpRequest.newBuilder(URI.create(url())).timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    } catch (IOException e) {
                        return new DeliveryOutcome.RetryLater(Instant.now().plusMillis(100), "connection failed: " + e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return new DeliveryOutcome.RetryLater(Instant.now(), "interrupted");
                    }
                    int s = r.statusCode();
                    if (s == 200) return new DeliveryOutcome.Delivered(r.body().isBlank() ? "ok" : r.body().trim());
                    if (s == 429 || s == 503) return new DeliveryOutcome.RetryLater(Instant.now().plusMillis(100), "HTTP " + s);
                    if (s == 410) return new DeliveryOutcome.Unsubscribed("HTTP 410 " + r.body());
                    return new DeliveryOutcome.Failed("HTTP " + s, r.body());
                }
            }
            """;

    private SinkConnectors() {
    }

    static Path build(Path work) {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("test.sink.SinkConnector", BASE);
        for (String channel : new String[] {"Email", "Sms", "Telegram", "Push"}) {
            sources.put("test.sink.Sink" + channel, """
                    package test.sink;

                    import org.pf4j.Extension;
                    import org.repeatsales.hub.api.PluginContext;
                    import org.repeatsales.hub.api.channel.Channel;

                    @Extension
                    public class Sink%s extends SinkConnector {
                        public Sink%s(PluginContext context) { super(context, Channel.%s); }
                    }
                    """.formatted(channel, channel, channel.toUpperCase()));
        }
        return TestPlugins.build(work, "sink", "0.3.0", sources);
    }
}
