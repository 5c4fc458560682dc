package org.repeatsales.hub.sources;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.routes.kontur.KonturSettings;
import org.repeatsales.hub.routes.kontur.KonturSource;
import org.repeatsales.hub.routes.ofdru.OfdRuSettings;
import org.repeatsales.hub.routes.ofdru.OfdRuSource;
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
            SourceHttp http = new SourceHttp(s.connectTimeout(), s.timeout(), s.retries(), new Backoff(s.backoff(), s.maxBackoff()));
            PolledSource source = switch (s.kind()) {
                case OneCSource.KIND -> oneC(id, s, hub, http, store, environment);
                case KonturSource.KIND -> kontur(id, s, hub, http, store, environment);
                case OfdRuSource.KIND -> ofdRu(id, s, hub, http, store, environment);
                default -> {
                    log.warn("Source {}: unknown kind '{}' (known: {}, {}, {}); not polled", id, s.kind(), OneCSource.KIND,
                            KonturSource.KIND, OfdRuSource.KIND);
                    yield null;
                }
            };
            if (source != null) {
                sources.add(source);
                log.info("Source {} ({}) every {}", id, s.kind(), s.pollPeriod());
            }
        }
        return new LiveSources(sources);
    }

    private static PolledSource oneC(String id, SourcesProperties.Source s, HubProperties hub, SourceHttp http,
                                     StoreBackedSources store, Environment environment) {
        if (blank(s.baseUrl()) || blank(s.passwordEnv())) {
            log.warn("Source {}: base-url and password-env are required; not polled", id);
            return null;
        }
        OneCSettings settings = new OneCSettings(id, s.baseUrl(), s.user(), s.passwordEnv(), s.entitySet(),
                s.counterpartySet(), s.fields() == null ? OneCFields.defaults() : s.fields(), s.pageSize(), s.overlap(),
                s.since(), s.importUnposted(), hub.timezone(), s.itemSet(), s.resolveItems(), s.skipUnchangedVersions(),
                s.lookupBatch(), s.storeBatch(), s.lookupConcurrency());
        return new OneCSource(settings, () -> environment.getProperty(s.passwordEnv()), http, store);
    }

    private static PolledSource kontur(String id, SourcesProperties.Source s, HubProperties hub, SourceHttp http,
                                       StoreBackedSources store, Environment environment) {
        if (blank(s.baseUrl()) || blank(s.apiKeyEnv()) || blank(s.login()) || blank(s.passwordEnv())
                || blank(s.organizationId()) || blank(s.cashRegisterId())) {
            log.warn("Source {}: base-url, api-key-env, login, password-env, organization-id and cash-register-id are"
                    + " required; not polled", id);
            return null;
        }
        if (s.pageSize() < 1 || s.pageSize() > KonturSettings.MAX_PAGE_SIZE) {
            log.warn("Source {}: page-size must be 1..{} (the API's limit), not {}; not polled", id,
                    KonturSettings.MAX_PAGE_SIZE, s.pageSize());
            return null;
        }
        KonturSettings settings = new KonturSettings(id, s.baseUrl(), s.authUrl(), s.login(), s.passwordEnv(), s.apiKeyEnv(),
                s.organizationId(), s.cashRegisterId().trim(), s.pageSize(), s.overlap(), s.since(), hub.timezone());
        return new KonturSource(settings, () -> environment.getProperty(s.apiKeyEnv()),
                () -> environment.getProperty(s.passwordEnv()), http, store, Clock.systemUTC());
    }

    private static PolledSource ofdRu(String id, SourcesProperties.Source s, HubProperties hub, SourceHttp http,
                                      StoreBackedSources store, Environment environment) {
        boolean token = !blank(s.tokenEnv());
        if (blank(s.baseUrl()) || blank(s.inn()) || (!token && (blank(s.login()) || blank(s.passwordEnv())))) {
            log.warn("Source {}: base-url, inn and token-env (or login and password-env) are required; not polled", id);
            return null;
        }
        if (s.window().isNegative() || s.window().isZero()) {
            log.warn("Source {}: window must be positive, not {}; not polled", id, s.window());
            return null;
        }
        OfdRuSettings settings = new OfdRuSettings(id, s.baseUrl(), s.tokenEnv(), s.login(), s.passwordEnv(), s.inn().trim(),
                s.cashRegisters(), s.window(), s.overlap(), s.since(), hub.timezone());
        return new OfdRuSource(settings, () -> token ? environment.getProperty(s.tokenEnv()) : null,
                () -> blank(s.passwordEnv()) ? null : environment.getProperty(s.passwordEnv()), http, store, Clock.systemUTC());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
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
