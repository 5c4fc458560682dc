package org.repeatsales.hub.campaign.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.consent.UnsubscribeLinks;
import org.repeatsales.hub.security.HubUsers;
import org.repeatsales.hub.security.Role;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** {@code POST /api/v1/templates/preview}: a template rendered for a real client, with its problems. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"hub.inbox.enabled=false",
        "hub.segments.auto-refresh=false", "hub.channels.public-url=https://shop.example", "hub.templates.sms-max-parts=2"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplatePreviewTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    HubUsers users;

    @Autowired
    UnsubscribeLinks links;

    HubApiClient marketer;
    long olga;

    @BeforeAll
    void setUp() {
        users.create("preview-marketer", "preview-marketer-pass", Role.MARKETER);
        users.create("preview-analyst", "preview-analyst-pass", Role.ANALYST);
        marketer = HubApiClient.basic(port, "preview-marketer", "preview-marketer-pass");
        olga = jdbc.queryForObject("insert into client (name) values ('Кузнецова Ольга Петровна') returning id", Long.class);
    }

    @Test
    void shouldRenderEmailForClientWithUnsubscribeHeader() {
        HubApiClient.Response r = marketer.postJson("/api/v1/templates/preview", """
                {"channel": "EMAIL", "clientId": %d, "variables": {"promoCode": "ЁЛКА"},
                 "template": {"subject": "{{firstName}}, подарок", "text": "{{greeting}} Код {{promoCode}}. {{unsubscribeUrl}}",
                              "html": "<p>{{name}} &mdash; {{promoCode}}</p><a href=\\"{{unsubscribeUrl}}\\">Отписаться</a>"}}"""
                .formatted(olga));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode preview = r.json();
        assertThat(preview.get("subject").asText()).isEqualTo("Ольга, подарок");
        assertThat(preview.get("text").asText()).isEqualTo("Здравствуйте, Ольга Петровна! Код ЁЛКА. " + links.url(olga, Channel.EMAIL));
        assertThat(preview.get("html").asText()).startsWith("<p>Ольга Петровна &mdash; ЁЛКА</p>");
        assertThat(preview.at("/headers/List-Unsubscribe").asText()).isEqualTo("<" + links.url(olga, Channel.EMAIL) + ">");
        assertThat(preview.get("problems")).isEmpty();
    }

    @Test
    void shouldListProblemsBesideWhatStillRenders() {
        HubApiClient.Response r = marketer.postJson("/api/v1/templates/preview", """
                {"channel": "EMAIL", "clientId": %d,
                 "template": {"subject": "{{firstName}}, {{promoCode}}", "text": "{{greeting}} {{#broken}}"}}""".formatted(olga));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode preview = r.json();
        assertThat(preview.get("subject").asText()).isEqualTo("Ольга,");
        assertThat(preview.get("text").isNull()).isTrue();
        assertThat(preview.get("problems").findValuesAsText("field"))
                .containsExactlyInAnyOrder("template.subject", "template.text");
        assertThat(preview.get("problems").findValuesAsText("message"))
                .anySatisfy(m -> assertThat(m).contains("неизвестная переменная {{promoCode}}"))
                .anySatisfy(m -> assertThat(m).contains("секция {{#broken}} не закрыта"));
    }

    @Test
    void shouldAnswerNotFoundForUnknownClientAndBadRequestWithoutClient() {
        assertThat(marketer.postJson("/api/v1/templates/preview",
                "{\"channel\": \"SMS\", \"clientId\": 999999, \"template\": {\"text\": \"Привет\"}}").status()).isEqualTo(404);
        HubApiClient.Response noClient = marketer.postJson("/api/v1/templates/preview",
                "{\"channel\": \"SMS\", \"template\": {\"text\": \"Привет\"}}");
        assertThat(noClient.status()).isEqualTo(400);
        assertThat(noClient.json().get("message").asText()).contains("clientId");
    }

    @Test
    void shouldLetOnlyAdminsAndMarketersPreview() {
        String body = "{\"channel\": \"SMS\", \"clientId\": " + olga + ", \"template\": {\"text\": \"{{greeting}}\"}}";

        assertThat(HubApiClient.admin(port).postJson("/api/v1/templates/preview", body).status()).isEqualTo(200);
        assertThat(HubApiClient.basic(port, "preview-analyst", "preview-analyst-pass").postJson("/api/v1/templates/preview", body)
                .status()).isEqualTo(403);
        assertThat(HubApiClient.anonymous(port).postJson("/api/v1/templates/preview", body).status()).isEqualTo(401);
    }
}
