package org.repeatsales.hub.sources;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.repeatsales.hub.StoreAssertions;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the tests of live sources share: the peer (1C, an operator) played by a WireMock started
 * before the hub's context (its port goes into the configuration), an instance configured to poll
 * only when asked and to give up quickly, and a store emptied of receipts and source state.
 */
final class LiveSourceTests {

    private LiveSourceTests() {
    }

    /** A WireMock on a free port, started: the configuration needs its port before the context starts. */
    static WireMockServer startedPeer() {
        WireMockServer peer = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        peer.start();
        return peer;
    }

    /**
     * Configures instance {@code id} of {@code kind} against {@code peer} at {@code path} ("" or the
     * published base, "/buh"): no timer poll during a test (tests poll themselves), two quick
     * retries; answers the instance's property prefix for what the test adds.
     */
    static String instance(DynamicPropertyRegistry registry, String id, String kind, WireMockServer peer, String path) {
        String p = "hub.sources." + id + ".";
        registry.add("hub.inbox.enabled", () -> "false");
        registry.add(p + "kind", () -> kind);
        registry.add(p + "base-url", () -> "http://localhost:" + peer.port() + path);
        registry.add(p + "poll-period", () -> "1h");
        registry.add(p + "first-poll-delay", () -> "1h");
        registry.add(p + "retries", () -> "2");
        registry.add(p + "backoff", () -> "10ms");
        registry.add(p + "max-backoff", () -> "40ms");
        registry.add(p + "timeout", () -> "20s"); // a loaded build machine answers slowly; no test here waits for a timeout
        return p;
    }

    /** No receipts, clients, runs, watermarks nor kept responses. */
    static void emptyStore(JdbcTemplate jdbc) {
        StoreAssertions.emptyStore(jdbc);
        jdbc.execute("truncate source_state, source_raw_response");
    }

    static int count(JdbcTemplate jdbc, String sql) {
        Integer n = jdbc.queryForObject(sql, Integer.class);
        return n == null ? 0 : n;
    }
}
