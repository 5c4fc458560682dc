package org.repeatsales.hub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The 1C base bench-sources polls: a process of its own that answers a repeated request with the
 * bytes it rendered the first time, and the in-process simulator the source tests change while it serves.
 */
class OneCPeerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCUMENTS = "Document_РеализацияТоваровУслуг";
    private final HttpClient http = HttpClient.newHttpClient();

    private static String page(int port, int top, int skip) {
        return "http://localhost:" + port + "/buh/odata/standard.odata/" + encode(DOCUMENTS) + "?$format=json&$filter="
                + encode("Date ge datetime'2024-12-31T00:00:00'") + "&$orderby=" + encode("Date,Ref_Key") + "&$top=" + top
                + "&$skip=" + skip;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private byte[] get(String url) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    @Test
    void shouldServeTheGeneratedBaseFromAProcessOfItsOwnUntilItsInputCloses() throws Exception {
        OneCPeer peer = OneCPeer.start(1_200, 100, 42L, 256);
        try {
            byte[] first = get(page(peer.port(), 500, 500));
            byte[] again = get(page(peer.port(), 500, 500));
            String counterparty = OneCBenchBase.counterpartyKey(7);
            JsonNode found = JSON.readTree(get("http://localhost:" + peer.port() + "/buh/odata/standard.odata/"
                    + encode("Catalog_Контрагенты") + "?$format=json&$filter=" + encode("Ref_Key eq guid'" + counterparty + "'")));

            JsonNode documents = JSON.readTree(first).get("value");
            assertThat(documents).hasSize(500);
            assertThat(documents.get(0).get("Ref_Key").asText()).isEqualTo(OneCBenchBase.documentKey(500));
            assertThat(again).isEqualTo(first);
            assertThat(found.get("value")).hasSize(1);
            assertThat(found.get("value").get(0).get("Ref_Key").asText()).isEqualTo(counterparty);
            OneCPeer.Stats stats = peer.stats();
            assertThat(stats.documentRequests()).isEqualTo(2);
            assertThat(stats.catalogRequests()).isEqualTo(1);
            assertThat(stats.rememberedBytes()).as("the page once and the catalog answer").isGreaterThan(first.length);
        } finally {
            peer.stop();
        }
        assertThat(peer.isAlive()).isFalse();
    }

    @Test
    void shouldAnswerARememberedUrlAsFirstRenderedEvenAfterTheBaseChanged() throws Exception {
        OneCODataSimulator base = new OneCODataSimulator("/buh", DOCUMENTS);
        base.putDocument(key(1), "2025-01-05T10:00:00", document(1, "2025-01-05T10:00:00"));
        base.rememberAnswers();
        WireMockServer server = base.start(8);
        try {
            String url = page(server.port(), 500, 0);
            byte[] first = get(url);
            base.putDocument(key(2), "2025-01-05T11:00:00", document(2, "2025-01-05T11:00:00"));

            assertThat(get(url)).isEqualTo(first);
            assertThat(JSON.readTree(first).get("value")).hasSize(1);
            assertThat(JSON.readTree(get(page(server.port(), 100, 0))).get("value")).as("a URL not asked before").hasSize(2);
        } finally {
            server.stop();
        }
    }

    private static String key(int n) {
        return String.format("%08x-6332-11ec-ad72-000c29b45b09", n);
    }

    private static String document(int n, String date) {
        return OneCODataSimulator.document(key(n), "0000-00000" + n, date, null, "500",
                List.of(new OneCODataSimulator.Line(OneCBenchBase.itemKey(1), "1", "500", "500")), List.of());
    }
}
