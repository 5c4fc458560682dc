package org.repeatsales.hub.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.api.HubApi;
import org.repeatsales.hub.plugin.TestPlugins;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code bin/hub run --demo} on a first start: the bundled plugins are in the plugin folder before
 * the hub starts, and the demo must find their strategies started, so that the example campaigns
 * get the lifecycle segment they are built on, not only the sales.
 */
@SpringBootTest(properties = {"hub.inbox.enabled=false", "hub.demo.enabled=true", "hub.demo.file=../../config/demo/demo-sales.csv.gz",
        "hub.campaigns.examples-dir=../../config/campaigns", "hub.segments.auto-refresh=false", "hub.campaigns.scheduler=false"})
class DemoLoaderTest {

    private static final Path DATA = data();

    @Autowired
    JdbcTemplate jdbc;

    /** A data folder whose plugin folder holds the lifecycle strategy before the hub starts, as bin/hub leaves it. */
    private static Path data() {
        try {
            Path data = Files.createTempDirectory("demo-hub");
            Path work = Files.createTempDirectory("demo-plugins");
            TestPlugins.drop(TestPlugins.build(work, "lifecycle", ">=" + HubApi.VERSION,
                    TestPlugins.bundled("lifecycle", "LifecycleStrategy")), Files.createDirectories(data.resolve("plugins")));
            return data;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void dataFolder(DynamicPropertyRegistry properties) {
        properties.add("hub.data-dir", DATA::toString);
    }

    @Test
    void shouldLoadTheSalesAndEveryExampleCampaignWithItsLifecycleSegmentAtTheFirstStart() throws IOException {
        long examples;
        try (Stream<Path> files = Files.list(Path.of("../../config/campaigns"))) {
            examples = files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        }

        assertThat(jdbc.queryForObject("select count(*) from receipt", Long.class)).isGreaterThan(10_000);
        assertThat(jdbc.queryForObject("select count(*) from segment where strategy = 'lifecycle'", Long.class)).isEqualTo(1);
        assertThat(examples).isEqualTo(5);
        assertThat(jdbc.queryForObject("select count(*) from campaign where state = 'draft'", Long.class)).isEqualTo(examples);
    }
}
