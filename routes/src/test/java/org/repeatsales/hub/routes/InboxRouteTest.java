package org.repeatsales.hub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboxRouteTest {

    @TempDir
    Path inbox;

    private final List<String> imported = new CopyOnWriteArrayList<>();

    private DefaultCamelContext startInbox(InboxImporter importer) throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("hub.inbox.dir", inbox.toString());
        props.put("hub.inbox.poll-delay", "100");
        props.put("hub.inbox.min-age", "0");
        camel.getPropertiesComponent().setInitialProperties(props);
        camel.addRoutes(new InboxRoute(importer));
        camel.start();
        return camel;
    }

    @Test
    void shouldImportDroppedFileOnceAndMoveItToProcessedWithRunId() throws Exception {
        try (DefaultCamelContext camel = startInbox(file -> {
            imported.add(file.getFileName().toString());
            return new InboxImporter.Outcome(42, true, "ok");
        })) {
            NotifyBuilder done = new NotifyBuilder(camel).whenCompleted(1).create();
            Files.writeString(inbox.resolve("sales.csv"), "Дата;Сумма\n");

            assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(500); // further polls must not pick the file again
            assertThat(imported).containsExactly("sales.csv");
            assertThat(inbox.resolve("processed/42-sales.csv")).exists();
            assertThat(inbox.resolve("sales.csv")).doesNotExist();
        }
    }

    @Test
    void shouldMoveFileWhoseImportFailedToFailedWithRunId() throws Exception {
        try (DefaultCamelContext camel = startInbox(file -> new InboxImporter.Outcome(7, false, "unknown layout"))) {
            NotifyBuilder done = new NotifyBuilder(camel).whenCompleted(1).create();
            Files.writeString(inbox.resolve("broken.csv"), "garbage");

            assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();
            assertThat(inbox.resolve("failed/7-broken.csv")).exists();
        }
    }

    @Test
    void shouldMoveFileToFailedWhenImporterThrows() throws Exception {
        try (DefaultCamelContext camel = startInbox(file -> {
            throw new IllegalStateException("store is down");
        })) {
            NotifyBuilder done = new NotifyBuilder(camel).whenCompleted(1).create();
            Files.writeString(inbox.resolve("x.csv"), "x");

            assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();
            assertThat(inbox.resolve("failed/0-x.csv")).exists();
        }
    }

    @Test
    void shouldIgnoreFilesStillBeingCopied() throws Exception {
        try (DefaultCamelContext camel = startInbox(file -> {
            imported.add(file.getFileName().toString());
            return new InboxImporter.Outcome(1, true, "ok");
        })) {
            Files.writeString(inbox.resolve("big.csv.part"), "partial");
            Thread.sleep(800);
            assertThat(imported).isEmpty();
            assertThat(inbox.resolve("big.csv.part")).exists();
        }
    }
}
