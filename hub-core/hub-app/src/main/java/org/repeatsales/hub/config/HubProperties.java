package org.repeatsales.hub.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import org.repeatsales.hub.campaign.ContactPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything an admin can set under {@code hub.*} (see config/application.yml for the documented
 * defaults).
 *
 * @param dataDir runtime state: embedded PostgreSQL, inbox, uploads, plugin folder
 * @param timezone zone of the business: receipt times without a zone are read in it
 * @param mappingsDir folder of named CSV/Excel column mappings
 */
@ConfigurationProperties("hub")
public record HubProperties(
        @DefaultValue("data") String dataDir,
        @DefaultValue("Europe/Moscow") ZoneId timezone,
        @DefaultValue("config/mappings") String mappingsDir,
        @DefaultValue Db db,
        @DefaultValue Inbox inbox,
        @DefaultValue Imports imports,
        @DefaultValue Demo demo,
        @DefaultValue Plugins plugins,
        @DefaultValue Segments segments,
        @DefaultValue Campaigns campaigns) {

    /**
     * The store. With an empty {@code url} the hub starts its own PostgreSQL under
     * {@code dataDir/pg}.
     */
    public record Db(@DefaultValue("") String url, @DefaultValue("") String user, @DefaultValue("") String password) {

        public boolean isEmbedded() {
            return url == null || url.isBlank();
        }
    }

    /** The watched folder for dropped files; empty {@code dir} means {@code dataDir/inbox}. */
    public record Inbox(@DefaultValue("true") boolean enabled, @DefaultValue("") String dir) {
    }

    /** @param batchRows data records per committed batch: the unit of progress and of crash recovery */
    public record Imports(@DefaultValue("20000") int batchRows, @DefaultValue("1000") int reportRejections) {
    }

    /** @param file demo sales shipped with the hub, loaded into an empty store when enabled */
    public record Demo(@DefaultValue("false") boolean enabled, @DefaultValue("config/demo/demo-sales.csv.gz") String file) {

        public Path filePath() {
            return Path.of(file);
        }
    }

    /**
     * The plugin folder. Settings of one plugin live beside these under {@code hub.plugins.<id>.*}.
     *
     * @param dir the folder watched for plugin zips; empty means {@code dataDir/plugins}
     * @param pollMillis how often the folder is scanned; a file is loaded once it stayed unchanged
     *     between two scans
     */
    public record Plugins(@DefaultValue("") String dir, @DefaultValue("2000") long pollMillis) {
    }

    /**
     * Keeping segments current without anyone pressing refresh.
     *
     * @param autoRefresh refresh a segment after an import finished since its last refresh, when a
     *     slot of {@code refreshCron} passed since its last refresh (date-relative cells change with
     *     time), and when it was never refreshed
     * @param checkMillis how often segments are checked for that
     * @param refreshCron when every segment is refreshed even without imports: Spring's six-field cron
     *     (second first) in the business's zone; blank for after imports only
     * @param changeMargin an incremental refresh re-reads clients whose statistics were written since
     *     the previous refresh started, minus this margin: an import batch that began before that
     *     refresh but committed after its snapshot stamped its rows with its own start time
     * @param bulkFrom a refresh whose changes reach this many clients, and more than half of the
     *     segment's members, builds the segment's membership anew and swaps it in rather than
     *     writing row by row; likewise its history when the segment has none yet
     */
    public record Segments(@DefaultValue("true") boolean autoRefresh, @DefaultValue("60000") long checkMillis,
            @DefaultValue("15m") java.time.Duration changeMargin, @DefaultValue("0 0 3 * * *") String refreshCron,
            @DefaultValue("10000") long bulkFrom) {

        public Segments {
            if (bulkFrom < 1) {
                throw new IllegalArgumentException("hub.segments.bulk-from must be at least 1 (clients), got " + bulkFrom);
            }
        }
    }

    /**
     * Campaigns: the global contact policy (a campaign may override each part) and the scheduler.
     *
     * @param frequencyCap at most one marketing message per client within this span, over all
     *     campaigns and channels
     * @param quietFrom start of the quiet hours in the client's zone, {@code HH:mm}
     * @param quietTo end of the quiet hours (before {@code quietFrom}: they run over midnight)
     * @param controlShare share of each campaign's audience held out as its control group
     * @param attribution a purchase this long after a send counts as the campaign's conversion
     * @param globalControlShare share of all clients never sent any campaign (0 = none): the same
     *     clients for every campaign, chosen by client id alone
     * @param triggerCron when trigger campaigns without a cron of their own are evaluated
     * @param scheduler whether this hub fires due campaigns (several hubs on one database may all do
     *     it: each slot fires once)
     * @param pollMillis how often due campaigns are looked for
     * @param examplesDir shipped example campaigns, loaded as drafts by the demo
     */
    public record Campaigns(@DefaultValue("P7D") Duration frequencyCap, @DefaultValue("21:00") String quietFrom,
            @DefaultValue("09:00") String quietTo, @DefaultValue("0.10") double controlShare,
            @DefaultValue("P14D") Duration attribution, @DefaultValue("0") double globalControlShare,
            @DefaultValue("0 0 10 * * *") String triggerCron, @DefaultValue("true") boolean scheduler,
            @DefaultValue("5000") long pollMillis, @DefaultValue("config/campaigns") String examplesDir) {

        public ContactPolicy policy() {
            return new ContactPolicy(frequencyCap, LocalTime.parse(quietFrom), LocalTime.parse(quietTo), controlShare, attribution);
        }
    }

    // Paths are bound as strings: Spring's resource-based conversion would mangle "../x".
    public Path dataPath() {
        return Path.of(dataDir);
    }

    public Path mappingsPath() {
        return Path.of(mappingsDir);
    }

    public Path pluginsDir() {
        return plugins.dir() == null || plugins.dir().isBlank() ? dataPath().resolve("plugins") : Path.of(plugins.dir());
    }

    public Path inboxDir() {
        return inbox.dir() == null || inbox.dir().isBlank() ? dataPath().resolve("inbox") : Path.of(inbox.dir());
    }
}
