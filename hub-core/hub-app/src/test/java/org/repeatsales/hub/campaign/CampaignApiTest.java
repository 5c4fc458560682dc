package org.repeatsales.hub.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.security.HubUsers;
import org.repeatsales.hub.security.Role;
import org.repeatsales.hub.segment.SegmentService;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The campaign API: definitions are checked on save and every bad field is named; drafts are
 * edited, activated, paused, resumed and stopped; roles decide who may change what.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false",
                "hub.campaigns.scheduler=false"})
@Import(CampaignTestSupport.Templates.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    PluginRegistry registry;

    @Autowired
    SegmentService segments;

    @Autowired
    HubUsers users;

    @Autowired
    JdbcTemplate jdbc;

    HubApiClient admin;
    long segmentId;

    @BeforeAll
    void setUp() throws Exception {
        admin = HubApiClient.admin(port);
        CampaignTestSupport.installConnectors(registry);
        segmentId = segments.create("Крупные покупатели", "rules", java.util.Map.of("rule",
                java.util.Map.of("field", "revenue", "min", 10000))).id();
        users.create("marketer1", "marketer-pass", Role.MARKETER);
        users.create("analyst2", "analyst-pass", Role.ANALYST);
    }

    private ObjectNode valid(String name) {
        try {
            return (ObjectNode) JSON.readTree("""
                    {"name": "%s",
                     "audience": {"segments": [{"segment": %d, "cells": ["match"]}],
                                  "conditions": {"field": "purchases", "min": 3}},
                     "channels": [{"channel": "TELEGRAM", "connector": "test-telegram",
                                   "template": {"text": "{{firstName}}, для вас скидка {{discount}} по коду {{promoCode}}"}},
                                  {"channel": "EMAIL", "connector": "test-email",
                                   "template": {"subject": "Скидка {{discount}}", "text": "Код {{promoCode}}. {{unsubscribeUrl}}"}}],
                     "schedule": {"kind": "cron", "cron": "0 0 10 * * MON"},
                     "variables": {"promoCode": "NY10", "discount": "10%%"},
                     "policy": {"controlShare": 0.2, "frequencyCap": "P3D"}}
                    """.formatted(name, segmentId));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Stream<Arguments> badDefinitions() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("a cron that never fires (30 February)",
                (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("schedule")).put("cron", "0 0 10 30 2 *"), "schedule.cron"));
        cases.add(Arguments.of("a cron that is not one",
                (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("schedule")).put("cron", "каждый понедельник"), "schedule.cron"));
        cases.add(Arguments.of("an empty audience",
                (Consumer<ObjectNode>) d -> d.set("audience", JSON.createObjectNode()), "audience"));
        cases.add(Arguments.of("an unknown segment",
                (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("audience").get("segments").get(0)).put("segment", 987654),
                "audience.segments[0].segment"));
        cases.add(Arguments.of("an unknown cell",
                (Consumer<ObjectNode>) d -> ((ArrayNode) d.get("audience").get("segments").get(0).get("cells")).add("sleeping"),
                "audience.segments[0].cells[1]"));
        cases.add(Arguments.of("a condition without bounds",
                (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("audience")).set("conditions",
                        JSON.createObjectNode().put("field", "purchases")), "audience.conditions(purchases)"));
        cases.add(Arguments.of("a template with an unknown variable",
                (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("channels").get(1).get("template")).put("text", "Привет, {{имя}}"),
                "channels[1].template.text"));
        cases.add(Arguments.of("an unknown connector",
                (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("channels").get(0)).put("connector", "viber"), "channels[0].connector"));
        cases.add(Arguments.of("a connector of another channel",
                (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("channels").get(1)).put("connector", "test-telegram"),
                "channels[1].connector"));
        cases.add(Arguments.of("a channel that is not configured",
                (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("channels").get(0)).put("channel", "SMS").put("connector", "test-sms"),
                "channels[0].connector"));
        cases.add(Arguments.of("no channels",
                (Consumer<ObjectNode>) d -> d.set("channels", JSON.createArrayNode()), "channels"));
        cases.add(Arguments.of("a channel step without a template",
                (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("channels").get(0)).remove("template"), "channels[0].template"));
        cases.add(Arguments.of("a control share above one half",
                (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("policy")).put("controlShare", 0.7), "policy.controlShare"));
        cases.add(Arguments.of("a frequency cap that is not a duration",
                (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("policy")).put("frequencyCap", "неделя"), "policy.frequencyCap"));
        cases.add(Arguments.of("a once-schedule in the past",
                (Consumer<ObjectNode>) d -> d.set("schedule", JSON.createObjectNode().put("kind", "once").put("at", "2020-01-01T10:00")),
                "schedule.at"));
        cases.add(Arguments.of("an unknown schedule kind",
                (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("schedule")).put("kind", "weekly"), "schedule.kind"));
        cases.add(Arguments.of("a trigger without days",
                (Consumer<ObjectNode>) d -> d.set("schedule", JSON.createObjectNode().put("kind", "trigger")
                        .set("trigger", JSON.createObjectNode().put("kind", "birthday"))), "schedule.trigger.days"));
        cases.add(Arguments.of("no name",
                (Consumer<ObjectNode>) d -> d.put("name", " "), "name"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} is refused naming {2}")
    @MethodSource("badDefinitions")
    void shouldRefuseBadDefinitionNamingTheField(String what, Consumer<ObjectNode> spoil, String field) {
        ObjectNode definition = valid("Плохая: " + what);
        spoil.accept(definition);

        HubApiClient.Response r = admin.postJson("/api/v1/campaigns", definition.toString());

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("problems")).extracting(p -> p.get("field").asText()).as(r.body()).contains(field);
        assertThat(jdbc.queryForObject("select count(*) from campaign where name = ?", Integer.class, definition.get("name").asText()))
                .isZero();
    }

    @Test
    void shouldNameEveryProblemOfOneDefinitionAtOnce() {
        ObjectNode definition = valid("Много ошибок");
        ((ObjectNode) definition.get("schedule")).put("cron", "0 0 10 30 2 *");
        ((ObjectNode) definition.get("policy")).put("controlShare", -0.1);
        ((ObjectNode) definition.get("channels").get(0)).put("connector", "nobody");

        HubApiClient.Response r = admin.postJson("/api/v1/campaigns", definition.toString());

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("problems")).extracting(p -> p.get("field").asText())
                .containsExactlyInAnyOrder("channels[0].connector", "schedule.cron", "policy.controlShare");
    }

    @Test
    void shouldSaveValidDefinitionAsDraftAndReadItBack() {
        HubApiClient.Response created = admin.postJson("/api/v1/campaigns", valid("Новогодняя скидка").toString());

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode campaign = created.json();
        assertThat(campaign.get("state").asText()).isEqualTo("draft");
        assertThat(campaign.get("scheduleKind").asText()).isEqualTo("cron");
        assertThat(campaign.get("nextFireAt").isNull()).isTrue();
        assertThat(campaign.get("createdBy").asText()).isEqualTo("admin");
        long id = campaign.get("id").asLong();
        JsonNode read = admin.get("/api/v1/campaigns/" + id).json();
        assertThat(read.get("definition").get("channels").get(0).get("connector").asText()).isEqualTo("test-telegram");
        assertThat(read.get("definition").get("variables").get("promoCode").asText()).isEqualTo("NY10");
        assertThat(read.get("definition").get("policy").get("frequencyCap").asText()).isEqualTo("PT72H");
        assertThat(admin.get("/api/v1/campaigns").json()).extracting(c -> c.get("name").asText()).contains("Новогодняя скидка");
    }

    @Test
    void shouldRefuseSecondCampaignWithTheSameName() {
        assertThat(admin.postJson("/api/v1/campaigns", valid("Дубль").toString()).status()).isEqualTo(201);

        HubApiClient.Response again = admin.postJson("/api/v1/campaigns", valid("Дубль").toString());

        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("problems").get(0).get("field").asText()).isEqualTo("name");
    }

    @Test
    void shouldEditDraftAndRefuseABadEdit() {
        long id = admin.postJson("/api/v1/campaigns", valid("Правка").toString()).json().get("id").asLong();
        ObjectNode changed = valid("Правка");
        ((ObjectNode) changed.get("variables")).put("promoCode", "NY15");

        HubApiClient.Response ok = admin.putJson("/api/v1/campaigns/" + id, changed.toString());
        ((ObjectNode) changed.get("schedule")).put("cron", "61 * * * * *");
        HubApiClient.Response bad = admin.putJson("/api/v1/campaigns/" + id, changed.toString());

        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("problems").get(0).get("field").asText()).isEqualTo("schedule.cron");
        assertThat(admin.get("/api/v1/campaigns/" + id).json().get("definition").get("variables").get("promoCode").asText())
                .isEqualTo("NY15");
    }

    @Test
    void shouldMoveThroughStatesAndRefuseWrongTransitions() {
        long id = admin.postJson("/api/v1/campaigns", valid("Состояния").toString()).json().get("id").asLong();
        String base = "/api/v1/campaigns/" + id;

        assertThat(admin.post(base + "/pause").status()).isEqualTo(409);
        JsonNode active = admin.post(base + "/activate").json();
        assertThat(active.get("state").asText()).isEqualTo("active");
        assertThat(active.get("nextFireAt").asText()).isNotBlank();
        assertThat(admin.post(base + "/activate").status()).isEqualTo(409);
        assertThat(admin.post(base + "/pause").json().get("state").asText()).isEqualTo("paused");
        assertThat(admin.post(base + "/resume").json().get("state").asText()).isEqualTo("active");
        JsonNode stopped = admin.post(base + "/stop").json();
        assertThat(stopped.get("state").asText()).isEqualTo("stopped");
        assertThat(stopped.get("nextFireAt").isNull()).isTrue();
        assertThat(admin.post(base + "/resume").status()).isEqualTo(409);
        assertThat(admin.putJson(base, valid("Состояния").toString()).status()).isEqualTo(409);
        // each change that happened is in the audit log, newest first; refused ones are not
        java.util.List<String> audited = new java.util.ArrayList<>();
        admin.get("/api/v1/audit?limit=1000").json().get("items").forEach(e -> {
            if (e.get("target").asText().equals("campaign:" + id)) {
                audited.add(e.get("action").asText());
            }
        });
        assertThat(audited).containsExactly("campaign.stop", "campaign.resume", "campaign.pause", "campaign.activate",
                "campaign.create");
    }

    @Test
    void shouldDeleteCampaignThatNeverRanButNotOneWithRuns() {
        long unused = admin.postJson("/api/v1/campaigns", valid("Удалить").toString()).json().get("id").asLong();
        long used = admin.postJson("/api/v1/campaigns", valid("Оставить").toString()).json().get("id").asLong();
        admin.post("/api/v1/campaigns/" + used + "/activate");
        assertThat(admin.post("/api/v1/campaigns/" + used + "/run").status()).isEqualTo(201);

        assertThat(admin.delete("/api/v1/campaigns/" + unused).status()).isEqualTo(204);
        assertThat(admin.get("/api/v1/campaigns/" + unused).status()).isEqualTo(404);
        assertThat(admin.delete("/api/v1/campaigns/" + used).status()).isEqualTo(409);
    }

    @Test
    void shouldLetMarketersChangeAndAnalystsOnlyRead() {
        HubApiClient marketer = HubApiClient.basic(port, "marketer1", "marketer-pass");
        HubApiClient analyst = HubApiClient.basic(port, "analyst2", "analyst-pass");

        HubApiClient.Response created = marketer.postJson("/api/v1/campaigns", valid("От маркетолога").toString());
        long id = created.json().get("id").asLong();

        assertThat(created.status()).isEqualTo(201);
        assertThat(analyst.get("/api/v1/campaigns/" + id).status()).isEqualTo(200);
        assertThat(analyst.get("/api/v1/campaigns/" + id + "/runs").status()).isEqualTo(200);
        assertThat(analyst.postJson("/api/v1/campaigns", valid("От аналитика").toString()).status()).isEqualTo(403);
        assertThat(analyst.post("/api/v1/campaigns/" + id + "/activate").status()).isEqualTo(403);
        assertThat(analyst.delete("/api/v1/campaigns/" + id).status()).isEqualTo(403);
        assertThat(HubApiClient.anonymous(port).get("/api/v1/campaigns").status()).isEqualTo(401);
    }
}
