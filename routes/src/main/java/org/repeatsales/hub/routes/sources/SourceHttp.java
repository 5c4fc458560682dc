package org.repeatsales.hub.routes.sources;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET requests to a source's API with the outage rules of every live source: timeouts, connection
 * failures, 5xx and 429 are retried with {@link Backoff}; 401/403 fail at once (a retry storm would
 * only lock the account); other answers are returned for the caller to judge. Request headers
 * (credentials) are never logged nor kept.
 */
public final class SourceHttp {

    private static final Logger log = LoggerFactory.getLogger(SourceHttp.class);

    /** Names the credential to fix when the source refuses it. */
    public interface CredentialHint {
        String describe();
    }

    private final HttpClient client;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final int retries;
    private final Backoff backoff;

    public SourceHttp(Duration connectTimeout, Duration timeout, int retries, Backoff backoff) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
        this.retries = retries;
        this.backoff = backoff;
    }

    /**
     * A 2xx answer as the bytes the source sent: a parser reads them as they are (a page of 1C
     * documents is most of a megabyte, decoding it to a string first only to parse it costs a copy).
     */
    public record Response(int status, byte[] content) {

        /** The answer as text (UTF-8), for messages and kept responses. */
        public String body() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    /**
     * Fetches {@code uri}; answers 2xx responses, throws for everything else.
     *
     * @param entity what is fetched, for messages ("Document_РеализацияТоваровУслуг")
     * @param page the poll's page, for messages and kept responses (0 outside paging)
     */
    public Response get(URI uri, Map<String, String> headers, String entity, int page, CredentialHint credential)
            throws SourceException, InterruptedException {
        return send(uri, null, headers, entity, page, credential);
    }

    /**
     * Posts {@code body} (a login to a session endpoint) with the same outage rules as
     * {@link #get}; the body is never logged nor kept.
     */
    public Response post(URI uri, String body, Map<String, String> headers, String entity, CredentialHint credential)
            throws SourceException, InterruptedException {
        return send(uri, body == null ? "" : body, headers, entity, 0, credential);
    }

    private Response send(URI uri, String postBody, Map<String, String> headers, String entity, int page,
                          CredentialHint credential) throws SourceException, InterruptedException {
        String where = entity + (page > 0 ? ", page " + page : "");
        String lastProblem = null;
        for (int attempt = 1; attempt <= retries + 1; attempt++) {
            if (attempt > 1) {
                Duration delay = backoff.delay(attempt - 1);
                log.warn("{}: {}; retry {} of {} in {} ms", where, lastProblem, attempt - 1, retries, delay.toMillis());
                Thread.sleep(delay.toMillis());
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
            if (postBody == null) {
                request.GET();
            } else {
                request.POST(HttpRequest.BodyPublishers.ofString(postBody, StandardCharsets.UTF_8));
            }
            headers.forEach(request::header);
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (HttpConnectTimeoutException e) {
                lastProblem = "нет соединения за " + seconds(connectTimeout) + " (таймаут соединения)";
                continue;
            } catch (HttpTimeoutException e) {
                // a source that accepted the request and went silent (or stalls mid-answer) is retried like a dead one
                lastProblem = "нет ответа за " + seconds(timeout) + " (таймаут запроса)";
                continue;
            } catch (IOException e) {
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                continue;
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new Response(status, response.body());
            }
            String body = new String(response.body(), StandardCharsets.UTF_8);
            RawResponse raw = new RawResponse(entity, page, readable(uri), status, body);
            if (status == 401 || status == 403) {
                throw new SourceException(SourceException.Kind.AUTH, "Источник отклонил учётные данные (HTTP " + status + ") на "
                        + where + ": " + credential.describe(), raw);
            }
            if (status >= 500 || status == 429) {
                lastProblem = "HTTP " + status;
                continue;
            }
            throw new SourceException(SourceException.Kind.REJECTED, "Источник ответил HTTP " + status + " на " + where
                    + ODataErrors.messageOf(body).map(m -> ": " + m).orElse(""), raw);
        }
        throw new SourceException(SourceException.Kind.UNAVAILABLE, "Источник недоступен на " + where + ": " + lastProblem
                + " после " + (retries + 1) + " попыток", null);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " с" : String.format(java.util.Locale.ROOT, "%.1f с", d.toMillis() / 1000.0);
    }

    /**
     * The URL as a person reads it (Cyrillic names decoded), with the value of any query parameter
     * that carries a credential (OFD.ru takes its {@code AuthToken} in the query) masked, so a kept
     * response or a message never holds a secret.
     */
    public static String readable(URI uri) {
        String decoded = URLDecoder.decode(uri.toASCIIString().replace("+", "%2B"), StandardCharsets.UTF_8);
        return SECRET_PARAMETER.matcher(decoded).replaceAll("$1***");
    }

    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([?&](?:auth_?token|token|access_?token|api_?key|apikey|password|sid)=)[^&#]*");
}
