package org.repeatsales.hub.routes.onec;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * One configured 1C base.
 *
 * @param baseUrl the published infobase, e.g. {@code http://1c.local/buh}; {@code /odata/standard.odata/} is appended
 * @param passwordEnv name of the environment variable holding the password (named in messages, never its value)
 * @param overlap how far before the watermark each poll starts again, for documents posted late
 *     with an earlier date and for paging shifts while documents arrive
 * @param since where the first poll starts
 * @param itemSet the goods catalog ({@code Catalog_Номенклатура}) that names the items of goods lines
 * @param resolveItems whether goods lines are named from {@code itemSet} (else by the item's key)
 * @param skipUnchangedVersions whether documents whose {@code DataVersion} this source already
 *     stored are left out of the page (see {@link OneCSource})
 * @param lookupBatch how many counterparties or items one catalog request asks for
 * @param storeBatch how many documents (whole pages) one store transaction takes at most (fewer when
 *     the store would otherwise wait for pages)
 * @param lookupConcurrency how many catalog requests of one page are in flight at once
 */
public record OneCSettings(
        String id,
        String baseUrl,
        String user,
        String passwordEnv,
        String entitySet,
        String counterpartySet,
        OneCFields fields,
        int pageSize,
        Duration overlap,
        LocalDateTime since,
        boolean importUnposted,
        ZoneId zone,
        String itemSet,
        boolean resolveItems,
        boolean skipUnchangedVersions,
        int lookupBatch,
        int storeBatch,
        int lookupConcurrency) {

    public OneCSettings {
        itemSet = itemSet == null || itemSet.isBlank() ? "Catalog_Номенклатура" : itemSet;
        lookupBatch = Math.max(1, lookupBatch);
        storeBatch = Math.max(1, storeBatch);
        lookupConcurrency = Math.max(1, lookupConcurrency);
    }
}
