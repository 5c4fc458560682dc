package org.repeatsales.hub.sources;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.repeatsales.hub.routes.onec.OneCFields;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Live source instances under {@code hub.sources.<id>.*} (documented in config/application.yml).
 * An admin adds a second 1C base or OFD cash register by adding a block; no rebuild.
 */
@ConfigurationProperties("hub")
public record SourcesProperties(Map<String, Source> sources) {

    public SourcesProperties {
        sources = sources == null ? Map.of() : Map.copyOf(sources);
    }

    /**
     * @param passwordEnv the environment variable holding the password; only its name is configured
     * @param fields entity field names when the 1C configuration differs from Бухгалтерия 3.0
     * @param apiKeyEnv (kontur-ofd) the environment variable holding the integrator's API key
     * @param authUrl (kontur-ofd) the session endpoint; {@code login} and the password in {@code passwordEnv} log in there
     * @param organizationId (kontur-ofd) the organisation's id in Kontur.OFD
     * @param cashRegisterId (kontur-ofd) the register's registration number (РН ККТ); one register per instance
     * @param tokenEnv (ofd-ru) the environment variable holding a ready AuthToken; without it {@code login} and
     *     {@code passwordEnv} log in
     * @param inn (ofd-ru) the organisation's ИНН
     * @param cashRegisters (ofd-ru) registration numbers to poll; empty: every register the API lists for the ИНН
     * @param window (ofd-ru) the date range of one request (the API has no paging)
     * @param itemSet (onec-odata) the goods catalog naming the items of goods lines
     * @param resolveItems (onec-odata) whether goods lines are named from {@code itemSet}
     * @param skipUnchangedVersions (onec-odata) leave out documents whose DataVersion was already stored
     * @param lookupBatch (onec-odata) counterparties or items asked for in one catalog request
     * @param storeBatch (onec-odata) documents (whole pages) stored in one transaction at most; the store
     *     takes fewer when it would otherwise wait for pages
     * @param lookupConcurrency (onec-odata) catalog requests of one page in flight at once
     */
    public record Source(
            @DefaultValue("onec-odata") String kind,
            @DefaultValue("true") boolean enabled,
            String baseUrl,
            String user,
            String passwordEnv,
            @DefaultValue("Document_РеализацияТоваровУслуг") String entitySet,
            @DefaultValue("Catalog_Контрагенты") String counterpartySet,
            OneCFields fields,
            @DefaultValue("5m") Duration pollPeriod,
            @DefaultValue("10s") Duration firstPollDelay,
            @DefaultValue("500") int pageSize,
            @DefaultValue("2d") Duration overlap,
            @DefaultValue("2000-01-01T00:00:00") LocalDateTime since,
            @DefaultValue("false") boolean importUnposted,
            @DefaultValue("60s") Duration timeout,
            @DefaultValue("10s") Duration connectTimeout,
            @DefaultValue("4") int retries,
            @DefaultValue("1s") Duration backoff,
            @DefaultValue("1m") Duration maxBackoff,
            String apiKeyEnv,
            @DefaultValue("https://api.kontur.ru/auth/authenticate-by-pass") String authUrl,
            String login,
            String organizationId,
            String cashRegisterId,
            String tokenEnv,
            String inn,
            List<String> cashRegisters,
            @DefaultValue("1d") Duration window,
            @DefaultValue("Catalog_Номенклатура") String itemSet,
            @DefaultValue("true") boolean resolveItems,
            @DefaultValue("false") boolean skipUnchangedVersions,
            @DefaultValue("25") int lookupBatch,
            @DefaultValue("10000") int storeBatch,
            @DefaultValue("4") int lookupConcurrency) {
    }
}
