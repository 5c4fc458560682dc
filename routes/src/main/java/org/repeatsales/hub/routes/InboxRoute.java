package org.repeatsales.hub.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the inbox folder and imports every file dropped there exactly once, then moves it to
 * {@code processed/} or {@code failed/} under the inbox, its name prefixed with the import run id
 * so an admin can find the run that read it.
 *
 * <p>Properties: {@code hub.inbox.dir} (folder), {@code hub.inbox.poll-delay} (ms between scans),
 * {@code hub.inbox.min-age} (ms a file must be unchanged before it is read, so a file still being
 * copied is not imported half-way).
 */
public final class InboxRoute extends RouteBuilder {

    public static final String ROUTE_ID = "inbox";

    private static final Logger log = LoggerFactory.getLogger(InboxRoute.class);

    private final InboxImporter importer;

    public InboxRoute(InboxImporter importer) {
        this.importer = importer;
    }

    @Override
    public void configure() {
        // The route moves files itself (noop=true) so the target name can carry the run id even
        // when the import failed; the file leaving the inbox is what makes it "imported once".
        from("file:{{hub.inbox.dir}}"
                + "?noop=true&idempotent=false"
                + "&delay={{hub.inbox.poll-delay:2000}}"
                + "&readLock=changed&readLockCheckInterval=500&readLockMinAge={{hub.inbox.min-age:1000}}"
                + "&exclude=.*\\.(tmp|part|crdownload|partial)$"
                + "&sortBy=file:modified")
                .routeId(ROUTE_ID)
                .process(this::importAndMove);
    }

    private void importAndMove(Exchange exchange) throws IOException {
        Path file = Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class));
        InboxImporter.Outcome outcome;
        try {
            outcome = importer.importFile(file);
        } catch (RuntimeException e) {
            // A bug in the importer must not leave the file in the inbox to be retried forever.
            log.error("Inbox file {} could not be imported", file.getFileName(), e);
            outcome = new InboxImporter.Outcome(0, false, e.getMessage());
        }
        Path target = file.resolveSibling(outcome.succeeded() ? "processed" : "failed")
                .resolve(outcome.runId() + "-" + file.getFileName());
        Files.createDirectories(target.getParent());
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        log.info("Inbox file {} -> {} (run {}): {}", file.getFileName(), target.getParent().getFileName(),
                outcome.runId(), outcome.message());
    }
}
