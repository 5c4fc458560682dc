package org.repeatsales.hub.campaign.dispatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.repeatsales.hub.TestDatabase;
import org.repeatsales.hub.plugin.TestPlugins;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Exactly once through a crash: a hub dispatching a run of thousands of deliveries to a recording
 * SMS sink is killed (SIGKILL, no shutdown hooks) in the middle; a second hub started on the same
 * database takes the dead worker's claims back after its missed heartbeats and completes the run.
 * Every client must have got a message, and the only duplicates allowed are deliveries that were
 * in flight (claimed, 'sending') at the kill.
 */
class DispatchKillTest {

    private static final int CLIENTS = 5_000;

    @TempDir
    Path dir;

    @Test
    void shouldReachEveryClientWithDuplicatesOnlyFromDeliveriesInFlightAtTheKill() throws Exception {
        EmbeddedPostgres pg = TestDatabase.server();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("create database hub_dispatch_kill");
        }
        String url = pg.getJdbcUrl("postgres", "hub_dispatch_kill");
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser("postgres");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        CampaignRows rows = new CampaignRows(jdbc);

        WireMockServer sink = new WireMockServer(options().dynamicPort().containerThreads(40));
        sink.start();
        try {
            sink.stubFor(post(urlEqualTo("/sms")).willReturn(aResponse().withStatus(200).withBody("sms-accepted")
                    .withFixedDelay(20)));
            Path plugins = Files.createDirectories(dir.resolve("data/plugins"));
            Files.copy(SinkConnectors.build(Files.createDirectories(dir.resolve("build"))), plugins.resolve("sink.zip"));
            List<Long> clients = rows.clients(CLIENTS, "SMS");
            long run = rows.run(clients, "SMS");

            Process first = startHub(url, sink.baseUrl(), Path.of("target", "dispatch-kill-first.log"));
            try {
                awaitTrue(() -> delivered(jdbc, run) >= CLIENTS / 4, Duration.ofSeconds(600), first);
            } finally {
                first.destroyForcibly().waitFor();
            }

            long deliveredAtKill = delivered(jdbc, run);
            long inFlightAtKill = rows.count("select count(*) from delivery where run_id = ? and status = 'sending'", run);
            assertThat(deliveredAtKill).as("killed in the middle").isLessThan(CLIENTS);
            assertThat(rows.runState(run)).isEqualTo("dispatching");

            Process second = startHub(url, sink.baseUrl(), Path.of("target", "dispatch-kill-second.log"));
            try {
                awaitTrue(() -> rows.runState(run).equals("finished"), Duration.ofSeconds(600), second);
            } finally {
                second.destroy();
                second.waitFor();
            }

            ObjectMapper json = new ObjectMapper();
            Map<String, Long> received = sink.getAllServeEvents().stream()
                    .filter(e -> e.getResponse().getStatus() == 200)
                    .collect(Collectors.groupingBy(e -> {
                        try {
                            return json.readTree(e.getRequest().getBodyAsString()).get("to").asText();
                        } catch (IOException ex) {
                            throw new UncheckedIOException(ex);
                        }
                    }, Collectors.counting()));
            long messages = received.values().stream().mapToLong(Long::longValue).sum();
            long duplicates = messages - received.size();
            System.out.printf("dispatch kill test: %d clients, %d delivered at the kill, %d in flight at the kill,"
                    + " %d messages sent, %d duplicates%n", CLIENTS, deliveredAtKill, inFlightAtKill, messages, duplicates);

            assertThat(rows.statuses(run)).containsExactly(Map.entry("delivered", (long) CLIENTS));
            assertThat(received.keySet()).as("every targeted client got a message")
                    .containsExactlyInAnyOrderElementsOf(clients.stream().map(c -> CampaignRows.address("SMS", c)).toList());
            assertThat(duplicates).as("duplicates only among the deliveries in flight at the kill")
                    .isLessThanOrEqualTo(inFlightAtKill);
            assertThat(rows.count("select count(*) from dispatcher_worker")).as("the dead worker was removed").isZero();
        } finally {
            sink.stop();
        }
    }

    private static long delivered(JdbcTemplate jdbc, long run) {
        Long n = jdbc.queryForObject("select count(*) from delivery where run_id = ? and status = 'delivered'", Long.class, run);
        return n == null ? 0 : n;
    }

    private Process startHub(String dbUrl, String sinkUrl, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx384m", "-Dhub.test.own-database=true", "-cp",
                System.getProperty("java.class.path"), DispatchChild.class.getName(),
                "--hub.db.url=" + dbUrl, "--hub.db.user=postgres", "--server.port=0",
                "--hub.data-dir=" + dir.resolve("data"), "--hub.admin-password=kill-test", "--hub.inbox.enabled=false",
                "--hub.segments.auto-refresh=false", "--hub.plugins.poll-millis=200", "--hub.plugins.sink.url=" + sinkUrl,
                "--hub.campaigns.dispatch.heartbeat=200ms", "--hub.campaigns.dispatch.idle-poll=50ms",
                // few claimed ahead of the sends, so "in flight at the kill" bounds the duplicates tightly
                "--hub.campaigns.dispatch.batch-size=50", "--hub.campaigns.dispatch.max-in-flight-per-channel=200");
        return new ProcessBuilder(command)
                .directory(new File(System.getProperty("user.dir")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout, Process process) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the hub process exited with " + process.exitValue());
            }
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not met within " + timeout);
    }
}
