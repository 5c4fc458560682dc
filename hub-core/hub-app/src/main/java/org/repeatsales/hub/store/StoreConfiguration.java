package org.repeatsales.hub.store;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.repeatsales.hub.config.HubProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The store's connection: the external PostgreSQL named by {@code HUB_DB_URL} (with
 * {@code HUB_DB_USER}, {@code HUB_DB_PASSWORD}), or an embedded one under {@code data/pg}.
 */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    @Bean
    EmbeddedStoreHolder embeddedStore(HubProperties hub) {
        return new EmbeddedStoreHolder(hub.db().isEmbedded() ? EmbeddedStore.start(hub.dataPath().resolve("pg")) : null);
    }

    @Bean
    DataSource dataSource(HubProperties hub, EmbeddedStoreHolder embedded) {
        HikariDataSource ds = new HikariDataSource();
        if (embedded.store() != null) {
            ds.setJdbcUrl(embedded.store().jdbcUrl());
            ds.setUsername("postgres");
        } else {
            ds.setJdbcUrl(hub.db().url());
            ds.setUsername(hub.db().user());
            ds.setPassword(hub.db().password());
        }
        ds.setPoolName("hub-store");
        ds.setMaximumPoolSize(12);
        // idle connections are closed down to two: a quiet hub (or each of a test JVM's cached
        // contexts) should not hold a dozen server connections it does not use
        ds.setMinimumIdle(2);
        return ds;
    }

    /** Lets Spring close the embedded server after the pool that uses it. */
    record EmbeddedStoreHolder(EmbeddedStore store) implements AutoCloseable {

        @Override
        public void close() throws Exception {
            if (store != null) {
                store.close();
            }
        }
    }
}
