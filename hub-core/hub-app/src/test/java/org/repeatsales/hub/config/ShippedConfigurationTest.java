package org.repeatsales.hub.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * config/application.yml is what the hub reads when started from the repository root; Spring refuses
 * a file with a key given twice, so a setting documented in two places would stop the hub from
 * starting while every test (which runs elsewhere) stays green.
 */
class ShippedConfigurationTest {

    @Test
    void shouldLoadTheDocumentedConfigurationAsSpringDoes() throws IOException {
        Path file = Path.of("..", "..", "config", "application.yml");

        List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("config", new FileSystemResource(file));

        assertThat(sources).hasSize(1);
        assertThat(sources.get(0).getProperty("hub.campaigns.frequency-cap")).hasToString("7d");
        assertThat(sources.get(0).getProperty("hub.campaigns.dispatch.batch-size")).hasToString("500");
        assertThat(sources.get(0).getProperty("hub.segments.change-margin")).hasToString("15m");
    }
}
