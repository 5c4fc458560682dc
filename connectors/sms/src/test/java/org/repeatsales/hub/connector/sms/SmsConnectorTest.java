package org.repeatsales.hub.connector.sms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.ServerSocket;
import java.text.MessageFormat;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.repeatsales.hub.api.PluginContext;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;

/** The connector against a WireMock SMS.ru or SMSC.ru on a free port. */
class SmsConnectorTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final String API_ID = "A1B2C3D4-secret-api-id";
    private static final String PASSWORD = "smsc-secret-password";
    private static final String TEXT = "Скидка 10% для постоянных клиентов";
    private static final String SMSRU = "/sms/send";
    private static final String SMSC = "/sys/send.php";

    @RegisterExtension
    static final WireMockExtension gateway = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    private final List<String> logged = new CopyOnWriteArrayList<>();

    private SmsConnector connector(String dialect, Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(Map.of(
                "dialect", dialect,
                "base-url", gateway.baseUrl(),
                "api-id-env", "SMSRU_API_ID",
                "login", "shop",
                "password-env", "SMSC_PASSWORD",
                "sender", "Shop"));
        config.putAll(overrides);
        config.values().removeIf(String::isEmpty);
        Map<String, String> env = Map.of("SMSRU_API_ID", API_ID, "SMSC_PASSWORD", PASSWORD);
        return new SmsConnector(new PluginContext("sms", config, Clock.fixed(NOW, ZoneOffset.UTC),
                new CapturingLogger(logged)), env::get);
    }

    private static OutboundMessage message(String phone, String text) {
        return new OutboundMessage(phone, null, null, text, Map.of(), "delivery-42");
    }

    private static void answer(String path, int status, String body) {
        gateway.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static String smsRuNumber(int code, String text) {
        return """
                {"status":"OK","status_code":100,"sms":{"79991234567":{"status":"ERROR","status_code":%d,\
                "status_text":"%s"}},"balance":4122.56}""".formatted(code, text);
    }

    private DeliveryOutcome smsRuSend(String body) {
        answer(SMSRU, 200, body);
        return connector("smsru", Map.of()).send(message("+7 999 123-45-67", TEXT));
    }

    private DeliveryOutcome smscSend(int code, String error) {
        answer(SMSC, 200, "{\"error\":\"" + error + "\",\"error_code\":" + code + "}");
        return connector("smsc", Map.of()).send(message("+79991234567", TEXT));
    }

    // ---- SMS.ru

    @Test
    void shouldPostSmsRuFormWithPhoneWithoutPlusAndUtf8Text() {
        answer(SMSRU, 200, """
                {"status":"OK","status_code":100,"sms":{"79991234567":{"status":"OK","status_code":100,\
                "sms_id":"000000-10000000"}},"balance":4122.56}""");

        DeliveryOutcome outcome = connector("smsru", Map.of()).send(message("+7 999 123-45-67", TEXT));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered("000000-10000000"));
        gateway.verify(postRequestedFor(urlEqualTo(SMSRU))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withFormParam("api_id", equalTo(API_ID))
                .withFormParam("to", equalTo("79991234567"))
                .withFormParam("msg", equalTo(TEXT))
                .withFormParam("json", equalTo("1"))
                .withFormParam("from", equalTo("Shop")));
        // Cyrillic goes percent-encoded UTF-8
        String body = gateway.getAllServeEvents().get(0).getRequest().getBodyAsString();
        assertThat(body).contains("msg=%D0%A1%D0%BA%D0%B8%D0%B4%D0%BA%D0%B0+10%25").doesNotContain("%2B");
        assertNothingSecretLogged();
    }

    @Test
    void shouldRetrySmsRuNoFundsAfterAnHour() {
        assertThat(smsRuSend(smsRuNumber(201, "Не хватает средств на лицевом счету")))
                .isEqualTo(new DeliveryOutcome.RetryLater(NOW.plusSeconds(3600),
                        "SMS.ru 201 Не хватает средств на лицевом счету (no funds on the SMS.ru account)"));
    }

    @Test
    void shouldWithdrawSmsRuBadNumber() {
        assertThat(smsRuSend(smsRuNumber(202, "Неправильно указан номер"))).isInstanceOf(DeliveryOutcome.Unsubscribed.class);
    }

    @Test
    void shouldFailSmsRuForbiddenNumberWithTheRawAnswer() {
        String body = smsRuNumber(207, "На этот номер нельзя отправлять сообщения");
        DeliveryOutcome outcome = smsRuSend(body);
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(((DeliveryOutcome.Failed) outcome).rawAnswer()).isEqualTo(body);
    }

    @Test
    void shouldWithdrawSmsRuStopList() {
        assertThat(smsRuSend(smsRuNumber(209, "Номер в стоп-листе")))
                .isEqualTo(new DeliveryOutcome.Unsubscribed("SMS.ru 209 Номер в стоп-листе (number is on the stop list)"));
    }

    @Test
    void shouldFailSmsRuBadApiIdNamingTheSetting() {
        String body = "{\"status\":\"ERROR\",\"status_code\":200,\"status_text\":\"Неправильный api_id\"}";
        DeliveryOutcome outcome = smsRuSend(body);
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(((DeliveryOutcome.Failed) outcome).reason()).contains("hub.plugins.sms.api-id-env").doesNotContain(API_ID);
        assertThat(((DeliveryOutcome.Failed) outcome).rawAnswer()).isEqualTo(body);
    }

    @Test
    void shouldFailSmsRuUnapprovedSenderNamingTheSettingAndRetryServiceBusy() {
        DeliveryOutcome sender = smsRuSend(smsRuNumber(204, "Имя отправителя не согласовано"));
        assertThat(sender).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(((DeliveryOutcome.Failed) sender).reason()).contains("hub.plugins.sms.sender");
        assertThat(smsRuSend("{\"status\":\"ERROR\",\"status_code\":220,\"status_text\":\"Сервис временно недоступен\"}"))
                .isEqualTo(new DeliveryOutcome.RetryLater(NOW.plusSeconds(60),
                        "SMS.ru 220 Сервис временно недоступен (limit reached or service busy)"));
    }

    @Test
    void shouldFailSmsRuUnknownCodeWithTheRawAnswer() {
        String body = smsRuNumber(999, "Что-то новое");
        assertThat(smsRuSend(body)).isEqualTo(new DeliveryOutcome.Failed("SMS.ru 999 Что-то новое", body));
    }

    @Test
    void shouldRetrySmsRu5xxAndFailNonJson() {
        answer(SMSRU, 502, "<html>Bad Gateway</html>");
        assertThat(connector("smsru", Map.of()).send(message("79991234567", "hi")))
                .isEqualTo(new DeliveryOutcome.RetryLater(NOW.plusSeconds(60), "SMS.ru answered HTTP 502"));
        answer(SMSRU, 200, "<html>maintenance</html>");
        assertThat(connector("smsru", Map.of()).send(message("79991234567", "hi")))
                .isEqualTo(new DeliveryOutcome.Failed("unexpected SMS.ru answer (HTTP 200)", "<html>maintenance</html>"));
    }

    // ---- SMSC.ru

    @Test
    void shouldPostSmscFormWithUtf8CharsetAndKeepTheId() {
        answer(SMSC, 200, "{\"id\":4711,\"cnt\":1}");

        DeliveryOutcome outcome = connector("smsc", Map.of()).send(message("+79991234567", TEXT));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered("4711"));
        gateway.verify(postRequestedFor(urlEqualTo(SMSC))
                .withFormParam("login", equalTo("shop"))
                .withFormParam("psw", equalTo(PASSWORD))
                .withFormParam("phones", equalTo("79991234567"))
                .withFormParam("mes", equalTo(TEXT))
                .withFormParam("fmt", equalTo("3"))
                .withFormParam("charset", equalTo("utf-8"))
                .withFormParam("sender", equalTo("Shop")));
        assertNothingSecretLogged();
    }

    @Test
    void shouldFailSmscBadParametersNamingTheSettings() {
        DeliveryOutcome outcome = smscSend(1, "parameters error");
        assertThat(outcome).isEqualTo(new DeliveryOutcome.Failed(
                "SMSC.ru 1 parameters error (check hub.plugins.sms.sender and the message)",
                "{\"error\":\"parameters error\",\"error_code\":1}"));
    }

    @Test
    void shouldFailSmscBadLoginNamingTheSettings() {
        DeliveryOutcome outcome = smscSend(2, "authorise error");
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(((DeliveryOutcome.Failed) outcome).reason())
                .contains("hub.plugins.sms.login", "hub.plugins.sms.password-env").doesNotContain(PASSWORD);
        assertThat(((DeliveryOutcome.Failed) outcome).rawAnswer()).contains("authorise error");
    }

    @Test
    void shouldRetrySmscNoFundsAfterAnHourAndTooFrequentAfterAMinute() {
        assertThat(smscSend(3, "no money")).isEqualTo(new DeliveryOutcome.RetryLater(NOW.plusSeconds(3600),
                "SMSC.ru 3 no money (no funds on the SMSC.ru account)"));
        assertThat(smscSend(9, "duplicate request, wait a minute")).isEqualTo(new DeliveryOutcome.RetryLater(
                NOW.plusSeconds(60), "SMSC.ru 9 duplicate request, wait a minute (too many requests)"));
    }

    @Test
    void shouldWithdrawSmscBadPhoneAndFailUndeliverable() {
        assertThat(smscSend(7, "invalid number")).isInstanceOf(DeliveryOutcome.Unsubscribed.class);
        DeliveryOutcome outcome = smscSend(8, "can't deliver");
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(((DeliveryOutcome.Failed) outcome).rawAnswer()).contains("can't deliver");
    }

    @Test
    void shouldFailSmscUnknownCodeWithTheRawAnswer() {
        assertThat(smscSend(42, "new error")).isEqualTo(new DeliveryOutcome.Failed("SMSC.ru 42 new error",
                "{\"error\":\"new error\",\"error_code\":42}"));
    }

    @Test
    void shouldRetrySmsc5xx() {
        answer(SMSC, 503, "busy");
        assertThat(connector("smsc", Map.of()).send(message("79991234567", "hi")))
                .isInstanceOf(DeliveryOutcome.RetryLater.class);
    }

    // ---- both

    @Test
    void shouldRetryWhenTheGatewayIsUnreachable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        DeliveryOutcome outcome = connector("smsru", Map.of("base-url", "http://127.0.0.1:" + port))
                .send(message("79991234567", "hi"));
        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).after()).isEqualTo(NOW.plusSeconds(60));
    }

    @Test
    void shouldFailRatherThanRetryWhenTheAnswerDoesNotComeInTime() {
        // the SMS may have gone out: the contract prefers a lost message to a duplicate
        gateway.stubFor(post(urlEqualTo(SMSC)).willReturn(aResponse().withStatus(200)
                .withBody("{\"id\":1,\"cnt\":1}").withFixedDelay(2000)));
        DeliveryOutcome outcome = connector("smsc", Map.of("timeout-millis", "300")).send(message("79991234567", "hi"));
        assertThat(outcome).isEqualTo(new DeliveryOutcome.Failed("no answer within 300 ms; the SMS may have been sent", null));
    }

    @Test
    void shouldLeaveTheSenderToTheAccountWhenNotSet() {
        answer(SMSRU, 200, """
                {"status":"OK","status_code":100,"sms":{"79991234567":{"status":"OK","status_code":100,\
                "sms_id":"1"}},"balance":1}""");
        connector("smsru", Map.of("sender", "")).send(message("79991234567", "Hello [world] €5"));
        gateway.verify(postRequestedFor(urlEqualTo(SMSRU)).withFormParam("msg", equalTo("Hello [world] €5")));
        assertThat(gateway.getAllServeEvents().get(0).getRequest().getBodyAsString()).doesNotContain("from=");
    }

    @Test
    void shouldFailTooLongTextWithoutARequest() {
        SmsConnector connector = connector("smsru", Map.of("max-parts", "2"));
        assertThat(connector.contentLimits().maxTextChars()).isEqualTo(134);
        DeliveryOutcome outcome = connector.send(message("79991234567", "я".repeat(135)));
        assertThat(outcome).isEqualTo(new DeliveryOutcome.Failed(
                "text takes 3 SMS parts, hub.plugins.sms.max-parts allows 2", null));
        gateway.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void shouldDeclareChannelAndDefaultLimits() {
        SmsConnector connector = connector("smsc", Map.of());
        assertThat(connector.id()).isEqualTo("sms");
        assertThat(connector.channel()).isEqualTo(Channel.SMS);
        assertThat(connector.readiness().isReady()).isTrue();
        assertThat(connector.contentLimits().maxTextChars()).isEqualTo(402);
        assertThat(connector.contentLimits().html()).isFalse();
    }

    @Test
    void shouldNotBeReadyWithMissingSettingsAndNeverShowSecrets() {
        assertThat(connector("", Map.of()).readiness().reason()).contains("hub.plugins.sms.dialect");
        assertThat(connector("twilio", Map.of()).readiness().reason()).contains("smsru or smsc");
        assertThat(connector("smsru", Map.of("api-id-env", "")).readiness().reason()).contains("api-id-env");
        assertThat(connector("smsru", Map.of("api-id-env", "NOT_SET")).readiness().reason())
                .contains("NOT_SET");
        assertThat(connector("smsc", Map.of("login", "")).readiness().reason()).contains("hub.plugins.sms.login");
        assertThat(connector("smsc", Map.of("password-env", "")).readiness().reason()).contains("password-env");
        assertThat(connector("smsc", Map.of("max-parts", "0")).readiness().isReady()).isFalse();
        SmsConnector notReady = connector("smsc", Map.of("password-env", "NOT_SET"));
        assertThat(notReady.send(message("79991234567", "hi"))).isInstanceOf(DeliveryOutcome.Failed.class);
        gateway.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void shouldUseTheProvidersDefaultBaseUrls() {
        assertThat(SmsSettings.from(Map.of("dialect", "smsru", "api-id-env", "X"), n -> "v").baseUrl())
                .hasToString("https://sms.ru");
        assertThat(SmsSettings.from(Map.of("dialect", "smsc", "login", "l", "password-env", "X"), n -> "v").baseUrl())
                .hasToString("https://smsc.ru");
        assertThat(SmsSettings.from(Map.of("dialect", "smsc", "login", "l", "password-env", "X"), n -> "v"))
                .hasToString("SmsSettings[dialect=smsc, baseUrl=https://smsc.ru, sender=null, maxParts=6, credentials=set]");
    }

    private void assertNothingSecretLogged() {
        assertThat(logged).isNotEmpty().allSatisfy(line -> assertThat(line)
                .doesNotContain(API_ID, PASSWORD, TEXT, "79991234567"));
    }

    /** Keeps every formatted log line. */
    private record CapturingLogger(List<String> lines) implements System.Logger {
        @Override
        public String getName() {
            return "sms";
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
