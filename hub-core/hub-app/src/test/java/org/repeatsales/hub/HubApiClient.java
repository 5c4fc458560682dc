package org.repeatsales.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;

/** A plain HTTP client for tests, speaking to the hub the way curl and scripts do. */
public final class HubApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String authorization;

    private HubApiClient(String base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    public static HubApiClient basic(int port, String user, String password) {
        return new HubApiClient("http://localhost:" + port,
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    public static HubApiClient bearer(int port, String token) {
        return new HubApiClient("http://localhost:" + port, "Bearer " + token);
    }

    public static HubApiClient anonymous(int port) {
        return new HubApiClient("http://localhost:" + port, null);
    }

    public static HubApiClient admin(int port) {
        return basic(port, "admin", "test-admin-password");
    }

    public record Response(int status, String body) {

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Not JSON (" + status + "): " + body, e);
            }
        }
    }

    public Response get(String path) {
        return send(request(path).GET().build());
    }

    public Response getText(String path) {
        return send(request(path).header("Accept", "text/plain").GET().build());
    }

    /** Uploads a file as multipart field {@code file}, like {@code curl -F file=@...}. */
    public Response upload(String path, Path file) throws IOException {
        String boundary = "----hub" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] content = Files.readAllBytes(file);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    public Response post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    public Response postRaw(String path, byte[] body, String contentType) {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    public Response postJson(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
    }

    public Response putJson(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
    }

    public Response delete(String path) {
        return send(request(path).DELETE().build());
    }

    /** The headers of a GET answer, for checks of security headers. */
    public java.net.http.HttpHeaders headers(String path) {
        try {
            return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.discarding()).headers();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("Request " + path + " failed", e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("Request " + request.uri() + " failed", e);
        }
    }
}
