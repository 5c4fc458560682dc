package org.repeatsales.hub.connector.push;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.text.MessageFormat;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.api.PluginContext;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;

/**
 * The connector against WireMock standing in for both Google endpoints: the OAuth2 token endpoint
 * (which checks the assertion's RS256 signature with the public half of a key generated here) and
 * FCM's {@code messages:send}.
 */
class PushConnectorTest {

    private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
    private static final String PROJECT = "shop-app";
    private static final String SEND = "/v1/projects/" + PROJECT + "/messages:send";
    private static final String ACCOUNT = "fcm-sender@shop-app.iam.gserviceaccount.com";
    private static final String KEY_ID = "4f1c0d2e9a";
    private static final String DEVICE = "fcm-device-token-of-a-client:APA91bHun4MxP5egoKMwt2KZFBaFUH";
    private static final String TITLE = "Скидка 10% до воскресенья";
    private static final String TEXT = "Ваш любимый кофе ждёт вас в «Кофейне на Тверской»";
    private static final KeyPair KEYS = rsaKeys();
    private static final MutableClock CLOCK = new MutableClock();
    private static final GoogleTokenEndpoint TOKEN_ENDPOINT = new GoogleTokenEndpoint(KEYS.getPublic(), ACCOUNT, KEY_ID,
            CLOCK);

    @RegisterExtension
    static final WireMockExtension google = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().extensions(TOKEN_ENDPOINT)).build();

    @TempDir
    Path dir;

    private final List<String> logged = new CopyOnWriteArrayList<>();

    @BeforeEach
    void googleIssuesTokensForTheKey() {
        CLOCK.now = START;
        TOKEN_ENDPOINT.reset();
        google.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withTransformers(GoogleTokenEndpoint.NAME)));
    }

    private static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(KeyPair keys) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** A service-account file shaped like the ones the Firebase console hands out. */
    private Path serviceAccount(KeyPair keys, String projectId) throws IOException {
        String json = """
                {
                  "type": "service_account",
                  "project_id": %s,
                  "private_key_id": "%s",
                  "private_key": "%s",
                  "client_email": "%s",
                  "client_id": "103652712987654321098",
                  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                  "token_uri": "%s/token",
                  "universe_domain": "googleapis.com"
                }
                """.formatted(projectId == null ? "null" : "\"" + projectId + "\"", KEY_ID,
                pem(keys).replace("\n", "\\n"), ACCOUNT, google.baseUrl());
        Path file = dir.resolve("service-account-" + (projectId == null ? "no-project" : projectId)
                + (keys == KEYS ? "" : "-other-key") + ".json");
        Files.writeString(file, json);
        return file;
    }

    private PushConnector connector(Map<String, String> overrides) throws IOException {
        Map<String, String> config = new HashMap<>(Map.of(
                "service-account-file", serviceAccount(KEYS, PROJECT).toString(),
                "base-url", google.baseUrl()));
        config.putAll(overrides);
        config.values().removeIf(String::isEmpty);
        return new PushConnector(new PluginContext("push", config, CLOCK, new CapturingLogger(logged)));
    }

    private static OutboundMessage message(String correlationId) {
        return new OutboundMessage(DEVICE, TITLE, null, TEXT, Map.of("link", "https://shop.example/coffee"), correlationId);
    }

    private static void fcmAnswers(int status, String body) {
        google.stubFor(post(urlEqualTo(SEND)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json; charset=UTF-8").withBody(body)));
    }

    private static String fcmError(int code, String status, String message, String errorCode) {
        String details = errorCode == null ? "" : """
                ,"details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"%s"}]"""
                .formatted(errorCode);
        return """
                {"error":{"code":%d,"message":"%s","status":"%s"%s}}""".formatted(code, message, status, details);
    }

    private static final String DELIVERED = "{\"name\":\"projects/shop-app/messages/0:1500415314455276%31bd1c9631bd1c96\"}";

    private DeliveryOutcome sendAnswered(int status, String body) throws IOException {
        fcmAnswers(status, body);
        return connector(Map.of()).send(message("delivery-42"));
    }

    // ---- the token and the request

    @Test
    void shouldSendTheNotificationWithATokenGoogleIssuedForTheSignedAssertion() throws IOException {
        fcmAnswers(200, DELIVERED);

        DeliveryOutcome outcome = connector(Map.of()).send(message("delivery-42"));

        assertThat(TOKEN_ENDPOINT.refusals).isEmpty();
        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered(
                "projects/shop-app/messages/0:1500415314455276%31bd1c9631bd1c96"));
        google.verify(postRequestedFor(urlEqualTo("/token"))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withFormParam("grant_type", equalTo("urn:ietf:params:oauth:grant-type:jwt-bearer")));
        google.verify(postRequestedFor(urlEqualTo(SEND))
                .withHeader("Authorization", equalTo("Bearer ya29.token-1"))
                .withRequestBody(equalToJson("""
                        {"message":{"token":"%s",
                          "notification":{"title":"%s","body":"%s"},
                          "data":{"link":"https://shop.example/coffee","hub_delivery":"delivery-42"}}}"""
                        .formatted(DEVICE, TITLE, TEXT))));
        assertNothingSecretLogged();
    }

    @Test
    void shouldReuseOneTokenForManySends() throws IOException {
        fcmAnswers(200, DELIVERED);
        PushConnector connector = connector(Map.of());

        for (int i = 0; i < 5; i++) {
            CLOCK.now = START.plusSeconds(i * 600L);
            assertThat(connector.send(message("delivery-" + i))).isInstanceOf(DeliveryOutcome.Delivered.class);
        }

        google.verify(1, postRequestedFor(urlEqualTo("/token")));
        google.verify(5, postRequestedFor(urlEqualTo(SEND)).withHeader("Authorization", equalTo("Bearer ya29.token-1")));
    }

    @Test
    void shouldRefreshTheTokenBeforeItExpires() throws IOException {
        fcmAnswers(200, DELIVERED);
        PushConnector connector = connector(Map.of("token-refresh-margin-seconds", "300"));
        connector.send(message("delivery-1"));

        // Google's token lives 3599 s; within the last 300 s of it the next send asks for another
        CLOCK.now = START.plusSeconds(3599 - 301);
        connector.send(message("delivery-2"));
        google.verify(1, postRequestedFor(urlEqualTo("/token")));

        CLOCK.now = START.plusSeconds(3599 - 300);
        connector.send(message("delivery-3"));
        google.verify(2, postRequestedFor(urlEqualTo("/token")));
        assertThat(google.getAllServeEvents().get(0).getRequest().getHeader("Authorization"))
                .isEqualTo("Bearer ya29.token-2");
        assertThat(TOKEN_ENDPOINT.refusals).isEmpty();
    }

    @Test
    void shouldFetchAFreshTokenOnceWhenFcmRefusesTheKeptOne() throws IOException {
        String unauthenticated = fcmError(401, "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token", null);
        google.stubFor(post(urlEqualTo(SEND)).withHeader("Authorization", equalTo("Bearer ya29.token-1"))
                .willReturn(aResponse().withStatus(401).withBody(unauthenticated)));
        google.stubFor(post(urlEqualTo(SEND)).withHeader("Authorization", equalTo("Bearer ya29.token-2"))
                .willReturn(aResponse().withStatus(200).withBody(DELIVERED)));

        DeliveryOutcome outcome = connector(Map.of()).send(message("delivery-42"));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        google.verify(2, postRequestedFor(urlEqualTo("/token")));
        google.verify(2, postRequestedFor(urlEqualTo(SEND)));
    }

    @Test
    void shouldFailNamingTheFileWhenEvenAFreshTokenIsRefused() throws IOException {
        String unauthenticated = fcmError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", null);

        DeliveryOutcome outcome = sendAnswered(401, unauthenticated);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(((DeliveryOutcome.Failed) outcome).reason()).contains("hub.plugins.push.service-account-file");
        assertThat(((DeliveryOutcome.Failed) outcome).rawAnswer()).isEqualTo(unauthenticated);
        // one retry with a fresh token, not a loop
        google.verify(2, postRequestedFor(urlEqualTo(SEND)));
    }

    @Test
    void shouldFailNamingTheFileWhenGoogleRefusesTheAssertion() throws IOException {
        fcmAnswers(200, DELIVERED);
        // a key that is not the account's: Google cannot verify the signature
        Path file = serviceAccount(rsaKeys(), PROJECT);
        PushConnector connector = new PushConnector(new PluginContext("push",
                Map.of("service-account-file", file.toString(), "base-url", google.baseUrl()), CLOCK,
                new CapturingLogger(logged)));

        DeliveryOutcome outcome = connector.send(message("delivery-42"));

        assertThat(TOKEN_ENDPOINT.refusals).containsExactly("Invalid JWT Signature.");
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(((DeliveryOutcome.Failed) outcome).reason())
                .contains("invalid_grant: Invalid JWT Signature.", "hub.plugins.push.service-account-file");
        google.verify(0, postRequestedFor(urlEqualTo(SEND)));
    }

    @Test
    void shouldRetryWhenTheTokenEndpointIsDown() throws IOException {
        google.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(503).withBody("busy")));
        DeliveryOutcome outcome = connector(Map.of()).send(message("delivery-42"));
        assertThat(outcome).isEqualTo(new DeliveryOutcome.RetryLater(START.plusSeconds(30),
                "no access token: token endpoint answered HTTP 503"));
        google.verify(0, postRequestedFor(urlEqualTo(SEND)));
    }

    // ---- FCM's answers

    @Test
    void shouldUnsubscribeAnUnregisteredDeviceToken() throws IOException {
        DeliveryOutcome outcome = sendAnswered(404, fcmError(404, "NOT_FOUND", "Requested entity was not found.",
                "UNREGISTERED"));
        assertThat(outcome).isEqualTo(new DeliveryOutcome.Unsubscribed("FCM 404 UNREGISTERED Requested entity was "
                + "not found. (the app was uninstalled or the device token expired): the hub removes this push token"));
    }

    @Test
    void shouldFailAnInvalidArgumentWithTheRawAnswer() throws IOException {
        String body = fcmError(400, "INVALID_ARGUMENT",
                "The registration token is not a valid FCM registration token", "INVALID_ARGUMENT");
        DeliveryOutcome outcome = sendAnswered(400, body);
        assertThat(outcome).isEqualTo(new DeliveryOutcome.Failed(
                "FCM 400 INVALID_ARGUMENT The registration token is not a valid FCM registration token", body));
    }

    @Test
    void shouldRetryQuotaExceededWhenRetryAfterSaysAndHoldOtherSendsUntilThen() throws IOException {
        google.stubFor(post(urlEqualTo(SEND)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")
                .withBody(fcmError(429, "RESOURCE_EXHAUSTED", "Quota exceeded", "QUOTA_EXCEEDED"))));
        PushConnector connector = connector(Map.of());

        DeliveryOutcome first = connector.send(message("delivery-1"));
        CLOCK.now = START.plusSeconds(60);
        DeliveryOutcome second = connector.send(message("delivery-2"));

        assertThat(first).isEqualTo(new DeliveryOutcome.RetryLater(START.plusSeconds(120),
                "FCM 429 QUOTA_EXCEEDED Quota exceeded"));
        assertThat(second).isEqualTo(new DeliveryOutcome.RetryLater(START.plusSeconds(120),
                "FCM asked to back off; sends held until then"));
        google.verify(1, postRequestedFor(urlEqualTo(SEND)));
    }

    @Test
    void shouldHonourRetryAfterAsAnHttpDate() throws IOException {
        google.stubFor(post(urlEqualTo(SEND)).willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", "Tue, 24 Nov 2026 10:05:00 GMT")
                .withBody(fcmError(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE"))));
        DeliveryOutcome outcome = connector(Map.of()).send(message("delivery-42"));
        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).after()).isEqualTo(START.plusSeconds(300));
    }

    @Test
    void shouldBackOffExponentiallyWithoutRetryAfterAndStartAgainAfterADelivery() throws IOException {
        fcmAnswers(503, fcmError(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE"));
        PushConnector connector = connector(Map.of("retry-after-seconds", "10", "max-backoff-seconds", "35"));

        List<Instant> retries = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            DeliveryOutcome outcome = connector.send(message("delivery-" + i));
            Instant after = ((DeliveryOutcome.RetryLater) outcome).after();
            retries.add(after);
            // the next send goes out when the hold is over
            CLOCK.now = after;
        }
        Instant t = START;
        assertThat(retries).containsExactly(t.plusSeconds(10), t.plusSeconds(10 + 20), t.plusSeconds(10 + 20 + 35),
                t.plusSeconds(10 + 20 + 35 + 35));

        fcmAnswers(200, DELIVERED);
        assertThat(connector.send(message("delivery-ok"))).isInstanceOf(DeliveryOutcome.Delivered.class);
        fcmAnswers(500, fcmError(500, "INTERNAL", "Internal error encountered.", "INTERNAL"));
        DeliveryOutcome afterRecovery = connector.send(message("delivery-5"));
        assertThat(afterRecovery).isEqualTo(new DeliveryOutcome.RetryLater(CLOCK.now.plusSeconds(10),
                "FCM 500 INTERNAL Internal error encountered."));
    }

    @Test
    void shouldRetryAProxysHtmlErrorPage() throws IOException {
        google.stubFor(post(urlEqualTo(SEND)).willReturn(aResponse().withStatus(502).withBody("<html>Bad Gateway</html>")));
        assertThat(connector(Map.of()).send(message("delivery-42")))
                .isEqualTo(new DeliveryOutcome.RetryLater(START.plusSeconds(30), "FCM 502"));
    }

    @Test
    void shouldFailSenderIdMismatchNamingTheProjectSetting() throws IOException {
        DeliveryOutcome outcome = sendAnswered(403, fcmError(403, "PERMISSION_DENIED", "SenderId mismatch",
                "SENDER_ID_MISMATCH"));
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(((DeliveryOutcome.Failed) outcome).reason())
                .startsWith("FCM 403 SENDER_ID_MISMATCH SenderId mismatch")
                .contains("hub.plugins.push.project-id=shop-app");
    }

    @Test
    void shouldFailThirdPartyAuthErrorNamingTheFirebaseProject() throws IOException {
        DeliveryOutcome outcome = sendAnswered(401, fcmError(401, "UNAUTHENTICATED",
                "Auth error from APNS or Web Push Service", "THIRD_PARTY_AUTH_ERROR"));
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(((DeliveryOutcome.Failed) outcome).reason())
                .contains("THIRD_PARTY_AUTH_ERROR", "APNs", "hub.plugins.push.project-id");
        // not a token problem: no second token, no second request
        google.verify(1, postRequestedFor(urlEqualTo("/token")));
        google.verify(1, postRequestedFor(urlEqualTo(SEND)));
    }

    @Test
    void shouldFailPermissionDeniedNamingBothSettings() throws IOException {
        String body = fcmError(403, "PERMISSION_DENIED",
                "Permission 'cloudmessaging.messages.create' denied on resource", null);
        DeliveryOutcome outcome = sendAnswered(403, body);
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(((DeliveryOutcome.Failed) outcome).reason())
                .contains("hub.plugins.push.service-account-file", "hub.plugins.push.project-id=shop-app");
        assertThat(((DeliveryOutcome.Failed) outcome).rawAnswer()).isEqualTo(body);
    }

    @Test
    void shouldFailAnUnknownErrorWithTheRawAnswer() throws IOException {
        String body = fcmError(409, "ABORTED", "Something new", null);
        assertThat(sendAnswered(409, body)).isEqualTo(new DeliveryOutcome.Failed("FCM 409 ABORTED Something new", body));
    }

    @Test
    void shouldRetryWhenFcmIsUnreachableAndFailWhenTheAnswerIsLate() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        DeliveryOutcome unreachable = connector(Map.of("base-url", "http://127.0.0.1:" + port)).send(message("d-1"));
        assertThat(unreachable).isEqualTo(new DeliveryOutcome.RetryLater(START.plusSeconds(30),
                "FCM unreachable: ConnectException"));

        // the notification may have gone out: the contract prefers a lost message to a duplicate
        google.stubFor(post(urlEqualTo(SEND)).willReturn(aResponse().withStatus(200).withBody(DELIVERED)
                .withFixedDelay(2000)));
        DeliveryOutcome late = connector(Map.of("timeout-millis", "300")).send(message("d-2"));
        assertThat(late).isEqualTo(new DeliveryOutcome.Failed(
                "no answer within 300 ms; the notification may have been sent", null));
    }

    // ---- content limits

    @Test
    void shouldDeclarePushLimitsAndFailAnOversizedPayloadWithoutARequest() throws IOException {
        PushConnector connector = connector(Map.of());
        assertThat(connector.id()).isEqualTo("push");
        assertThat(connector.channel()).isEqualTo(Channel.PUSH);
        assertThat(connector.contentLimits().maxBytes()).isEqualTo(4096);
        assertThat(connector.contentLimits().maxSubjectChars()).isEqualTo(200);
        assertThat(connector.contentLimits().html()).isFalse();

        // 2,100 Cyrillic letters are 4,200 bytes in UTF-8
        DeliveryOutcome tooBig = connector.send(new OutboundMessage(DEVICE, TITLE, null, "я".repeat(2100), Map.of(), "d-1"));
        assertThat(tooBig).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(((DeliveryOutcome.Failed) tooBig).reason()).matches("notification and data take 4\\d{3} bytes, FCM takes 4096");
        DeliveryOutcome longTitle = connector.send(new OutboundMessage(DEVICE, "a".repeat(201), null, "hi", Map.of(), "d-2"));
        assertThat(longTitle).isEqualTo(new DeliveryOutcome.Failed("title has 201 characters, at most 200 are sent", null));
        google.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void shouldSendAPayloadJustUnderTheLimit() throws IOException {
        fcmAnswers(200, DELIVERED);
        DeliveryOutcome outcome = connector(Map.of()).send(
                new OutboundMessage(DEVICE, TITLE, null, "я".repeat(1900), Map.of(), "d-1"));
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
    }

    // ---- readiness

    @Test
    void shouldNotBeReadyWithoutAUsableServiceAccountFileOrProject() throws IOException {
        assertThat(readiness(Map.of("service-account-file", ""))).contains("hub.plugins.push.service-account-file is not set");
        assertThat(readiness(Map.of("service-account-file", dir.resolve("missing.json").toString())))
                .contains("missing.json", "does not exist");
        assertThat(readiness(Map.of("service-account-file", dir.toString()))).contains("is not a readable file");

        Path notJson = Files.writeString(dir.resolve("not.json"), "-----BEGIN PRIVATE KEY-----\nMIIE...");
        assertThat(readiness(Map.of("service-account-file", notJson.toString())))
                .contains("is not JSON").doesNotContain("MIIE");
        Path noKey = Files.writeString(dir.resolve("no-key.json"),
                "{\"type\":\"service_account\",\"client_email\":\"a@b\",\"token_uri\":\"https://oauth2.googleapis.com/token\"}");
        assertThat(readiness(Map.of("service-account-file", noKey.toString()))).contains("has no private_key");
        Path badKey = Files.writeString(dir.resolve("bad-key.json"), "{\"type\":\"service_account\",\"client_email\":\"a@b\","
                + "\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nbm90IGEga2V5\\n-----END PRIVATE KEY-----\\n\","
                + "\"token_uri\":\"https://oauth2.googleapis.com/token\",\"project_id\":\"p\"}");
        assertThat(readiness(Map.of("service-account-file", badKey.toString())))
                .contains("has a private_key that is not an RSA key");
        Path userKey = Files.writeString(dir.resolve("user.json"), "{\"type\":\"authorized_user\"}");
        assertThat(readiness(Map.of("service-account-file", userKey.toString()))).contains("not 'service_account'");

        Path noProject = serviceAccount(KEYS, null);
        assertThat(readiness(Map.of("service-account-file", noProject.toString())))
                .contains("hub.plugins.push.project-id is not set");
        assertThat(readiness(Map.of("project-id", "Shop App"))).contains("hub.plugins.push.project-id must be");
        assertThat(readiness(Map.of("max-backoff-seconds", "1"))).contains("max-backoff-seconds");
        assertThat(readiness(Map.of("base-url", "fcm"))).contains("hub.plugins.push.base-url");

        PushConnector notReady = connector(Map.of("service-account-file", dir.resolve("missing.json").toString()));
        assertThat(notReady.send(message("d-1"))).isInstanceOf(DeliveryOutcome.Failed.class);
        google.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void shouldBeReadyWithTheProjectOfTheFileOrTheSetting() throws IOException {
        assertThat(connector(Map.of()).readiness().isReady()).isTrue();
        fcmAnswers(200, DELIVERED);
        google.stubFor(post(urlEqualTo("/v1/projects/other-app/messages:send"))
                .willReturn(aResponse().withStatus(200).withBody(DELIVERED)));
        assertThat(connector(Map.of("project-id", "other-app")).send(message("d-1")))
                .isInstanceOf(DeliveryOutcome.Delivered.class);
        google.verify(1, postRequestedFor(urlEqualTo("/v1/projects/other-app/messages:send")));
    }

    private String readiness(Map<String, String> overrides) throws IOException {
        PushConnector connector = connector(overrides);
        assertThat(connector.readiness().isReady()).isFalse();
        return connector.readiness().reason();
    }

    private void assertNothingSecretLogged() throws IOException {
        String key = Base64.getEncoder().encodeToString(KEYS.getPrivate().getEncoded()).substring(0, 40);
        assertThat(logged).isNotEmpty().allSatisfy(line -> assertThat(line)
                .doesNotContain("ya29.", key, DEVICE, TEXT, TITLE));
    }

    /** A clock the test moves by hand, so token expiry and backoff are exact. */
    private static final class MutableClock extends Clock {
        volatile Instant now = START;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Keeps every formatted log line, at every level. */
    private record CapturingLogger(List<String> lines) implements System.Logger {
        @Override
        public String getName() {
            return "push";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(msg + (thrown == null ? "" : " " + thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(params == null ? format : MessageFormat.format(format, params));
        }
    }
}
