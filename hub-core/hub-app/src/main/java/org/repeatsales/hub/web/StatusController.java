package org.repeatsales.hub.web;

import static org.repeatsales.hub.store.jooq.Tables.CLIENT;
import static org.repeatsales.hub.store.jooq.Tables.IMPORT_RUN;
import static org.repeatsales.hub.store.jooq.Tables.RECEIPT;
import static org.repeatsales.hub.store.jooq.Tables.RECEIPT_LINE;
import static org.repeatsales.hub.store.jooq.Tables.REJECTED_ROW;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.imports.ImportReport;
import org.repeatsales.hub.imports.ImportRuns;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** What {@code bin/hub status} prints: health, store counts, the latest import runs. */
@RestController
@Tag(name = "status")
class StatusController {

    private final DSLContext db;
    private final ImportRuns runs;
    private final HubProperties hub;
    private final HealthEndpoint health;

    StatusController(DSLContext db, ImportRuns runs, HubProperties hub, HealthEndpoint health) {
        this.db = db;
        this.runs = runs;
        this.hub = hub;
        this.health = health;
    }

    record Status(String status, String store, Map<String, Long> counts, List<ImportReport> lastImports) {
    }

    @Operation(summary = "Health, store counts and the latest import runs")
    @GetMapping(value = "/api/v1/status", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_PLAIN_VALUE})
    ResponseEntity<?> status(@RequestHeader(value = "Accept", required = false) String accept) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("clients", (long) db.fetchCount(CLIENT));
        counts.put("receipts", (long) db.fetchCount(RECEIPT));
        counts.put("anonymousReceipts", (long) db.fetchCount(RECEIPT, RECEIPT.CLIENT_ID.isNull()));
        counts.put("receiptLines", (long) db.fetchCount(RECEIPT_LINE));
        counts.put("importRuns", (long) db.fetchCount(IMPORT_RUN));
        counts.put("rejectedRows", (long) db.fetchCount(REJECTED_ROW));
        String store = hub.db().isEmbedded()
                ? "embedded PostgreSQL in " + hub.dataPath().resolve("pg").toAbsolutePath().normalize()
                : "external PostgreSQL " + withoutCredentials(hub.db().url());
        // the actuator's overall status: DEGRADED when a source, connector or plugin is in trouble (see /actuator/health)
        Status status = new Status(health.health().getStatus().getCode(), store, counts, runs.latest(5));
        if (accept != null && accept.startsWith(MediaType.TEXT_PLAIN_VALUE)) {
            return ResponseEntity.ok().contentType(new MediaType("text", "plain", StandardCharsets.UTF_8)).body(toText(status));
        }
        return ResponseEntity.ok(status);
    }

    private static String toText(Status s) {
        StringBuilder text = new StringBuilder();
        text.append("Hub: ").append(s.status()).append('\n');
        text.append("Store: ").append(s.store()).append('\n');
        s.counts().forEach((k, v) -> text.append(String.format("  %-18s %,d%n", k, v)));
        text.append("Last imports:\n");
        if (s.lastImports().isEmpty()) {
            text.append("  none yet\n");
        }
        for (ImportReport r : s.lastImports()) {
            text.append(String.format("  #%d %-10s %-9s %s: read %d, inserted %d, updated %d, unchanged %d, rejected %d%n",
                    r.id(), r.status(), r.source(), r.file(), r.rowsRead(), r.inserted(), r.updated(), r.unchanged(), r.rejected()));
        }
        return text.toString();
    }

    private static String withoutCredentials(String url) {
        return url.replaceAll("(?i)(password|user)=[^&]*", "$1=***");
    }
}
