package org.repeatsales.hub.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.repeatsales.hub.api.HubApi;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.TestPlugins;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * The example campaigns shipped in config/campaigns are valid definitions: with the lifecycle
 * strategy and ready e-mail and Telegram connectors every one passes the full check, and the demo's
 * loader saves them as drafts once.
 */
@SpringBootTest(properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false",
        "hub.campaigns.scheduler=false", "hub.campaigns.examples-dir=../../config/campaigns"})
@Import(CampaignTestSupport.Templates.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignExamplesTest {

    @Autowired
    CampaignExamples examples;

    @Autowired
    CampaignValidator validator;

    @Autowired
    CampaignService campaigns;

    @Autowired
    PluginRegistry registry;

    private static String connector(String className, String id, String channel) {
        return """
                package example.channels;

                import org.pf4j.Extension;
                import org.repeatsales.hub.api.channel.*;

                @Extension
                public class %s implements ChannelConnector {
                    public String id() { return "%s"; }
                    public Channel channel() { return Channel.%s; }
                    public Readiness readiness() { return Readiness.ready(); }
                    public ContentLimits contentLimits() { return new ContentLimits(200, 4096, true, 1_000_000L); }
                    public DeliveryOutcome send(OutboundMessage m) { return new DeliveryOutcome.Delivered("x"); }
                }
                """.formatted(className, id, channel);
    }

    @BeforeAll
    void setUp() throws Exception {
        Path work = Files.createTempDirectory("example-plugins");
        TestPlugins.drop(TestPlugins.build(work, "lifecycle", ">=" + HubApi.VERSION,
                TestPlugins.bundled("lifecycle", "LifecycleStrategy")), registry.folder());
        TestPlugins.drop(TestPlugins.build(work, "example-channels", ">=" + HubApi.VERSION, Map.of(
                "example.channels.Email", connector("Email", "email", "EMAIL"),
                "example.channels.Telegram", connector("Telegram", "telegram", "TELEGRAM"))), registry.folder());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (registry.list().stream().filter(v -> v.state() == PluginState.STARTED).count() < 2) {
            assertThat(Instant.now()).as("plugins started: %s", registry.list()).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void shouldShipExamplesThatPassEveryCheck() {
        List<CampaignExamples.Example> shipped = examples.read();

        assertThat(shipped).extracting(e -> e.file().getFileName().toString())
                .containsExactly("birthday.json", "new-year.json", "reactivation.json", "welcome-1.json", "welcome-2.json");
        for (CampaignExamples.Example example : shipped) {
            CampaignDefinition d = CampaignValidator.read(example.definition());
            assertThat(validator.problems(d, Instant.now())).as(example.file().toString()).isEmpty();
            assertThat(d.channels()).extracting(ChannelStep::channel).containsExactly(Channel.TELEGRAM, Channel.EMAIL);
        }
    }

    @Test
    void shouldLoadExamplesAsDraftsOnceAndLetThemBeActivated() {
        List<String> first = examples.loadAsDrafts();
        List<String> again = examples.loadAsDrafts();

        assertThat(first).containsExactlyInAnyOrder("С днём рождения: подарок за 3 дня", "Новогодняя скидка 10%",
                "Возвращаем постоянных спящих", "Знакомство 1: спасибо за первую покупку", "Знакомство 2: скидка на вторую покупку");
        assertThat(again).isEmpty();
        CampaignViews.Campaign newYear = campaigns.list().stream().filter(c -> c.name().equals("Новогодняя скидка 10%")).findFirst()
                .orElseThrow();
        assertThat(newYear.state()).isEqualTo("draft");
        assertThat(newYear.definition().path("schedule").path("cron").asText()).isEqualTo("0 0 10 * * MON");
        CampaignViews.Campaign reactivation = campaigns.list().stream()
                .filter(c -> c.name().equals("Возвращаем постоянных спящих")).findFirst().orElseThrow();
        assertThat(reactivation.definition().path("audience").path("segments").get(0).path("segment").isNumber()).isTrue();
        assertThat(campaigns.activate(newYear.id()).state()).isEqualTo("active");
    }
}
