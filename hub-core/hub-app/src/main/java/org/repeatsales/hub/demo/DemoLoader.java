package org.repeatsales.hub.demo;

import static org.repeatsales.hub.store.jooq.Tables.RECEIPT;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;
import org.jooq.DSLContext;
import org.repeatsales.hub.campaign.CampaignExamples;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.imports.ImportReport;
import org.repeatsales.hub.imports.ImportService;
import org.repeatsales.hub.ingest.FileFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * With {@code hub.demo.enabled} ({@code bin/hub run --demo}) loads the demo sales shipped in
 * config/demo into an empty store, through the ordinary import path, so a newcomer sees data at once.
 * A store that already has receipts is left alone. The example campaigns of config/campaigns are
 * saved as drafts unless campaigns of their names exist.
 */
@Component
@ConditionalOnProperty(name = "hub.demo.enabled", havingValue = "true")
class DemoLoader {

    private static final Logger log = LoggerFactory.getLogger(DemoLoader.class);

    private final DSLContext db;
    private final ImportService imports;
    private final HubProperties hub;
    private final CampaignExamples campaigns;

    DemoLoader(DSLContext db, ImportService imports, HubProperties hub, CampaignExamples campaigns) {
        this.db = db;
        this.imports = imports;
        this.hub = hub;
        this.campaigns = campaigns;
    }

    /**
     * Once the hub is ready, after the plugin folder was loaded (the example campaigns define their
     * segments with the bundled strategies: before the plugins start there are none).
     */
    @EventListener(ApplicationReadyEvent.class)
    @Order(Ordered.LOWEST_PRECEDENCE)
    public void load() throws IOException {
        loadSales();
        // drafts only: they never fire, and the demo has no channel configured
        campaigns.loadAsDrafts();
    }

    private void loadSales() throws IOException {
        if (db.fetchExists(RECEIPT)) {
            log.info("Demo data not loaded: the store already has receipts");
            return;
        }
        Path demo = hub.demo().filePath();
        if (!Files.exists(demo)) {
            throw new IllegalStateException("Demo data file " + demo.toAbsolutePath() + " is missing (hub.demo.file)");
        }
        Path csv = Files.createDirectories(hub.dataPath().resolve("uploads")).resolve("demo-sales.csv");
        try (InputStream in = demo.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(demo)) : Files.newInputStream(demo)) {
            Files.copy(in, csv, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            log.info("Loading demo data from {}", demo);
            ImportReport report = imports.importFile(new ImportService.ImportRequest(csv, demo.getFileName().toString(),
                    "demo", FileFormat.CSV, null));
            log.info("Demo data loaded: {}", report.toText().strip());
        } finally {
            Files.deleteIfExists(csv);
        }
    }
}
