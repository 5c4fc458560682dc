package org.repeatsales.hub.campaign;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.repeatsales.hub.api.HubApi;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.TestPlugins;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * What campaign tests share: connector plugins built at test time (Telegram and e-mail ready, SMS
 * not ready), and a template validator standing in for the real one in these tests only.
 */
public final class CampaignTestSupport {

    public static final String TELEGRAM = "test-telegram";
    public static final String EMAIL = "test-email";
    public static final String SMS_NOT_READY = "test-sms";

    private CampaignTestSupport() {
    }

    private static String connector(String className, String id, String channel, String readiness) {
        return """
                package test.channels;

                import org.pf4j.Extension;
                import org.repeatsales.hub.api.channel.*;

                @Extension
                public class %s implements ChannelConnector {
                    public String id() { return "%s"; }
                    public Channel channel() { return Channel.%s; }
                    public Readiness readiness() { return %s; }
                    public ContentLimits contentLimits() { return new ContentLimits(200, 4096, true, 1_000_000L); }
                    public DeliveryOutcome send(OutboundMessage m) { return new DeliveryOutcome.Delivered("test-" + m.correlationId()); }
                }
                """.formatted(className, id, channel, readiness);
    }

    /** Drops the test connectors into the hub's plugin folder (once per context) and waits until they started. */
    public static void installConnectors(PluginRegistry registry) throws Exception {
        boolean started = registry.list().stream().anyMatch(v -> "test-channels".equals(v.id()) && v.state() == PluginState.STARTED);
        if (!started) {
            Path work = Files.createTempDirectory("campaign-connectors");
            Path zip = TestPlugins.build(work, "test-channels", ">=" + HubApi.VERSION, Map.of(
                    "test.channels.TestTelegram", connector("TestTelegram", TELEGRAM, "TELEGRAM", "Readiness.ready()"),
                    "test.channels.TestEmail", connector("TestEmail", EMAIL, "EMAIL", "Readiness.ready()"),
                    "test.channels.TestSms", connector("TestSms", SMS_NOT_READY, "SMS",
                            "Readiness.notReady(\"hub.plugins.test-channels.api-key-env is not set\")")));
            TestPlugins.drop(zip, registry.folder());
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (registry.list().stream().noneMatch(v -> "test-channels".equals(v.id()) && v.state() == PluginState.STARTED)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Test connectors did not start: " + registry.list());
            }
            Thread.sleep(100);
        }
    }

    /**
     * Until the real template engine's validator is in place: variables must be known names, the
     * text must not be empty, an e-mail needs a subject.
     */
    @TestConfiguration
    static class Templates {

        static final Set<String> KNOWN = Set.of("firstName", "patronymic", "name", "promoCode", "discount", "lastPurchaseDate",
                "segment", "unsubscribeUrl", "telegramLink");
        private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([^}\\s]+)\\s*}}");

        @Bean
        @Primary
        TemplateValidator testTemplateValidator() {
            return (field, channel, template) -> {
                List<TemplateValidator.Problem> problems = new ArrayList<>();
                if (template.text() == null || template.text().isBlank()) {
                    problems.add(new TemplateValidator.Problem(field + ".text", "текст пуст"));
                } else {
                    Matcher m = VARIABLE.matcher(template.text());
                    while (m.find()) {
                        if (!KNOWN.contains(m.group(1))) {
                            problems.add(new TemplateValidator.Problem(field + ".text", "неизвестная переменная {{" + m.group(1) + "}}"));
                        }
                    }
                }
                if (channel == Channel.EMAIL && (template.subject() == null || template.subject().isBlank())) {
                    problems.add(new TemplateValidator.Problem(field + ".subject", "у письма нет темы"));
                }
                return problems;
            };
        }
    }
}
