package org.repeatsales.hub.inbox;

import org.repeatsales.hub.imports.ImportReport;
import org.repeatsales.hub.imports.ImportService;
import org.repeatsales.hub.routes.InboxImporter;
import org.repeatsales.hub.routes.InboxRoute;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Connects the inbox route (routes/) to the import service: dropped files are imported like uploads. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.inbox.enabled", havingValue = "true", matchIfMissing = true)
class InboxConfiguration {

    @Bean
    InboxRoute inboxRoute(ImportService imports) {
        return new InboxRoute(file -> {
            ImportReport report = imports.importFile(new ImportService.ImportRequest(file, file.getFileName().toString(),
                    "inbox", null, null));
            return new InboxImporter.Outcome(report.id(), report.succeeded(),
                    report.status() + ": read " + report.rowsRead() + ", rejected " + report.rejected()
                            + (report.message() == null ? "" : " (" + report.message() + ")"));
        });
    }
}
