package org.repeatsales.hub.connector.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Google's OAuth2 token endpoint as a WireMock transformer: it hands out an access token only for
 * a JWT-bearer assertion whose RS256 signature verifies with the service account's public key and
 * whose claims are what Google checks (issuer, FCM scope, audience = this endpoint, one hour from
 * now); anything else gets Google's {@code invalid_grant} answer.
 */
final class GoogleTokenEndpoint implements ResponseDefinitionTransformerV2 {

    static final String NAME = "google-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PublicKey publicKey;
    private final String clientEmail;
    private final String keyId;
    private final Clock clock;
    private final AtomicInteger issued = new AtomicInteger();
    /** Why each refused assertion was refused, so a test can say what went wrong. */
    final List<String> refusals = new CopyOnWriteArrayList<>();

    GoogleTokenEndpoint(PublicKey publicKey, String clientEmail, String keyId, Clock clock) {
        this.publicKey = publicKey;
        this.clientEmail = clientEmail;
        this.keyId = keyId;
        this.clock = clock;
    }

    void reset() {
        issued.set(0);
        refusals.clear();
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Map<String, String> form = form(event.getRequest().getBodyAsString());
        String problem = problem(form, event.getRequest().getAbsoluteUrl());
        if (problem != null) {
            refusals.add(problem);
            return new ResponseDefinitionBuilder().withStatus(400).withHeader("Content-Type", "application/json")
                    .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"" + problem + "\"}").build();
        }
        return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"ya29.token-" + issued.incrementAndGet()
                        + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}").build();
    }

    private String problem(Map<String, String> form, String audience) {
        if (!AccessTokens.GRANT_TYPE.equals(form.get("grant_type"))) {
            return "Invalid grant_type";
        }
        String[] parts = form.getOrDefault("assertion", "").split("\\.");
        if (parts.length != 3) {
            return "Invalid JWT";
        }
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(publicKey);
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return "Invalid JWT Signature.";
            }
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            long now = clock.instant().getEpochSecond();
            if (!header.path("alg").asText().equals("RS256") || !header.path("kid").asText().equals(keyId)) {
                return "Invalid JWT header";
            }
            if (!claims.path("iss").asText().equals(clientEmail)) {
                return "Invalid issuer";
            }
            if (!claims.path("scope").asText().equals(AccessTokens.SCOPE)) {
                return "Invalid scope";
            }
            if (!claims.path("aud").asText().equals(audience)) {
                return "Invalid audience " + claims.path("aud").asText();
            }
            long iat = claims.path("iat").asLong();
            long exp = claims.path("exp").asLong();
            if (Math.abs(iat - now) > 60 || exp - iat != 3600) {
                return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe";
            }
            return null;
        } catch (Exception e) {
            return "Invalid JWT: " + e.getClass().getSimpleName();
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }
}
