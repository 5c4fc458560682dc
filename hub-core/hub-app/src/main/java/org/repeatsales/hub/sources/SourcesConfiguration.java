package org.repeatsales.hub.sources;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.routes.onec.OneCFields;
import org.repeatsales.hub.routes.onec.OneCSettings;
import org.repeatsales.hub.routes.onec.OneCSource;
import org.repeatsales.hub.routes.sources.Backoff;
import org.repeatsales.hub.routes.sources.PolledSource;
import org.repeatsales.hub.routes.sources.SourceErrorHandling;
import org.repeatsales.hub.routes.sources.SourceHttp;
import org.repeatsales.hub.routes.sources.SourceRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Builds one poller per configured instance and one timer route for each (routes/). Passwords are
 * read from the environment variable an instance names at every poll, so rotating one needs no
 * restart; Spring's environment is used so tests can supply it as a property.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SourcesProperties.class)
class SourcesConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SourcesConfiguration.class);

    @Bean
    LiveSources liveSources(SourcesProperties properties, HubProperties hub, StoreBackedSources store, SourceStates states,
                            Environment environment) {
        List<PolledSource> sources = new ArrayList<>();
        for (Map.Entry<String, SourcesProperties.Source> e : properties.sources().entrySet()) {
            String id = e.getKey();
            SourcesProperties.Source s = e.getValue();
            states.register(id, s.kind(), s.enabled());
            if (!s.enabled()) {
                continue;
            }
            if (!OneCSource.KIND.equals(s.kind())) {
                log.warn("Source {}: unknown kind '{}' (known: {}); not polled", id, s.kind(), OneCSource.KIND);
                continue;
            }
            if (s.baseUrl() == null || s.baseUrl().isBlank() || s.passwordEnv() == null || s.passwordEnv().isBlank()) {
                log.warn("Source {}: base-url and password-env are required; not polled", id);
                continue;
            }
            OneCSettings settings = new OneCSettings(id, s.baseUrl(), s.user(), s.passwordEnv(), s.entitySet(),
                    s.counterpartySet(), s.fields() == null ? OneCFields.defaults() : s.fields(), s.pageSize(), s.overlap(),
                    s.since(), s.importUnposted(), hub.timezone());
            SourceHttp http = new SourceHttp(s.connectTimeout(), s.timeout(), s.retries(), new Backoff(s.backoff(), s.maxBackoff()));
            sources.add(new OneCSource(settings, () -> environment.getProperty(s.passwordEnv()), http, store));
            log.info("Source {} ({}): {} every {}", id, s.kind(), s.entitySet(), s.pollPeriod());
        }
        return new LiveSources(sources);
    }

    @Bean
    SourceRoutes sourceRoutes(LiveSources sources) {
        return new SourceRoutes(sources.all());
    }

    @Bean
    SourceErrorHandling sourceErrorHandling() {
        return new SourceErrorHandling();
    }
}
