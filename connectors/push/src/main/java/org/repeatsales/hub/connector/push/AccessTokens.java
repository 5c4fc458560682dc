package org.repeatsales.hub.connector.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * OAuth2 access tokens for FCM, obtained the way Google's server-to-server flow wants them without
 * Google's libraries: a JWT assertion (RS256, signed with the service account's key) exchanged at
 * the file's {@code token_uri}. One token serves every send until it comes within the refresh margin
 * of its expiry; thread-safe, and only one thread fetches at a time.
 */
final class AccessTokens {

    static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    /** The longest lifetime Google accepts for an assertion. */
    private static final long ASSERTION_SECONDS = 3600;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** Why no token could be had: temporary (worth a retry) or needing the admin. Never holds a secret. */
    static final class Unavailable extends Exception {
        final boolean temporary;
        final String rawAnswer;

        Unavailable(boolean temporary, String message, String rawAnswer) {
            super(message);
            this.temporary = temporary;
            this.rawAnswer = rawAnswer;
        }
    }

    private final ServiceAccount account;
    private final HttpClient http;
    private final Clock clock;
    private final Duration refreshMargin;
    private final Duration timeout;
    private String token;
    private Instant expiresAt;
    private int fetches;

    AccessTokens(ServiceAccount account, HttpClient http, Clock clock, Duration refreshMargin, Duration timeout) {
        this.account = account;
        this.http = http;
        this.clock = clock;
        this.refreshMargin = refreshMargin;
        this.timeout = timeout;
    }

    /** A token valid for at least the refresh margin, fetched when the kept one is missing or about to expire. */
    synchronized String current() throws Unavailable {
        Instant now = clock.instant();
        if (token != null && now.isBefore(expiresAt.minus(refreshMargin))) {
            return token;
        }
        return fetch(now);
    }

    /** Forgets {@code rejected} after FCM refused it (revoked early), unless another thread already replaced it. */
    synchronized void discard(String rejected) {
        if (rejected.equals(token)) {
            token = null;
        }
    }

    /** How many tokens were fetched so far (the log shows it; a token per send would be a bug). */
    synchronized int fetches() {
        return fetches;
    }

    private String fetch(Instant now) throws Unavailable {
        String form = "grant_type=" + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8)
                + "&assertion=" + assertion(now);
        HttpRequest request = HttpRequest.newBuilder(account.tokenUri())
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.US_ASCII))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // asking for a token sends no message, so even a lost answer is safe to retry
            throw new Unavailable(true, "token endpoint " + account.tokenUri() + " unreachable: "
                    + e.getClass().getSimpleName(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable(true, "interrupted while fetching an access token", null);
        }
        int status = response.statusCode();
        // the answer to a successful exchange carries the token: it is never passed on as a raw answer
        if (status == 429 || status >= 500) {
            throw new Unavailable(true, "token endpoint answered HTTP " + status, response.body());
        }
        if (status != 200) {
            throw new Unavailable(false, "Google refused the service account's token request (HTTP " + status + " "
                    + oauthError(response.body()) + "): check hub.plugins.push.service-account-file (key deleted or "
                    + "disabled?) and the hub's clock", response.body());
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new Unavailable(false, "token endpoint answered HTTP 200 with something that is not JSON", null);
        }
        JsonNode accessToken = answer == null ? null : answer.get("access_token");
        if (accessToken == null || !accessToken.isTextual() || accessToken.asText().isBlank()) {
            throw new Unavailable(false, "token endpoint answered HTTP 200 without an access_token", null);
        }
        long expiresIn = answer.path("expires_in").asLong(ASSERTION_SECONDS);
        token = accessToken.asText();
        expiresAt = now.plusSeconds(expiresIn);
        fetches++;
        return token;
    }

    /** The signed JWT of RFC 7523: who asks (iss), for what (scope), from whom (aud), for how long. */
    String assertion(Instant now) throws Unavailable {
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        if (account.privateKeyId() != null) {
            header.put("kid", account.privateKeyId());
        }
        long iat = now.getEpochSecond();
        ObjectNode claims = JSON.createObjectNode()
                .put("iss", account.clientEmail())
                .put("scope", SCOPE)
                .put("aud", account.tokenUri().toString())
                .put("iat", iat)
                .put("exp", iat + ASSERTION_SECONDS);
        String signingInput = base64url(header.toString()) + "." + base64url(claims.toString());
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(account.privateKey());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + BASE64URL.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new Unavailable(false, "cannot sign with the key of hub.plugins.push.service-account-file: "
                    + e.getClass().getSimpleName(), null);
        }
    }

    private static String base64url(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String oauthError(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.hasNonNull("error")) {
                return node.get("error").asText() + (node.hasNonNull("error_description")
                        ? ": " + node.get("error_description").asText() : "");
            }
        } catch (IOException e) {
            // not JSON: the raw answer is kept by the caller
        }
        return "no OAuth error";
    }
}
