package org.repeatsales.hub.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.audit.AuditLog;
import org.repeatsales.hub.campaign.CampaignService;
import org.repeatsales.hub.campaign.CampaignTestSupport;
import org.repeatsales.hub.campaign.CampaignViews;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.imports.ImportService;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.security.HubUsers;
import org.repeatsales.hub.security.Role;
import org.repeatsales.hub.segment.SegmentRefresher;
import org.repeatsales.hub.segment.SegmentService;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The console's campaign pages through the login form with CSRF tokens, on a small imported base
 * with one rule segment ("bought twice or more": Анна and Вера) and test connectors: who may see and
 * change what, the builder's problems next to their fields, its live audience count and template
 * preview, dry runs with their report and chart, state changes and their audit rows.
 */
@SpringBootTest(properties = {"hub.inbox.enabled=false", "hub.segments.auto-refresh=false", "hub.plugins.poll-millis=100",
        "hub.campaigns.scheduler=false"})
@AutoConfigureMockMvc
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignConsoleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    MockMvc mvc;

    @Autowired
    ImportService imports;

    @Autowired
    HubUsers users;

    @Autowired
    HubProperties hub;

    @Autowired
    SegmentService segments;

    @Autowired
    SegmentRefresher refresher;

    @Autowired
    PluginRegistry registry;

    @Autowired
    CampaignService campaigns;

    @Autowired
    AuditLog audit;

    @Autowired
    JdbcTemplate jdbc;

    long twice;
    long anna;

    @BeforeAll
    void baseSegmentConnectorsAndPeople(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("base.csv");
        Files.writeString(csv, ConsoleSessions.SALES_HEADER
                + ConsoleSessions.sale(hub.timezone(), 10, "A-1", "Анна Белова", "89161111111", "anna@example.com", 3000)
                + ConsoleSessions.sale(hub.timezone(), 40, "A-2", "Анна Белова", "89161111111", "anna@example.com", 3000)
                + ConsoleSessions.sale(hub.timezone(), 20, "B-1", "Борис Ветров", "89162222222", "boris@example.com", 700)
                + ConsoleSessions.sale(hub.timezone(), 15, "C-1", "Вера Громова", "89163333333", "vera@example.com", 400)
                + ConsoleSessions.sale(hub.timezone(), 90, "C-2", "Вера Громова", "89163333333", "vera@example.com", 600), StandardCharsets.UTF_8);
        assertThat(imports.importFile(new ImportService.ImportRequest(csv, "base.csv", "test", null, null)).inserted()).isEqualTo(5);
        twice = segments.create("Покупали дважды", "rules", Map.of("rule", Map.of("field", "purchases", "min", 2))).id();
        refresher.refresh(twice, null);
        anna = jdbc.queryForObject("select id from client where name = 'Анна Белова'", Long.class);
        CampaignTestSupport.installConnectors(registry);
        users.create("campaign-marketer", "campaign-marketer-pass", Role.MARKETER);
        users.create("campaign-analyst", "campaign-analyst-pass", Role.ANALYST);
    }

    /** A builder form that saves: the segment's cell, a Telegram message, manual schedule. */
    private Map<String, String> validForm(String name) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("name", name);
        form.put("audience", twice + ":match");
        form.put("channels[0].channel", "TELEGRAM");
        form.put("channels[0].connector", CampaignTestSupport.TELEGRAM);
        form.put("channels[0].template.text", "{{greeting}} Для вас скидка {{discount}}.");
        form.put("variables", "discount=10%");
        form.put("schedule.kind", "manual");
        return form;
    }

    @Test
    void shouldRedirectAnonymousVisitorFromCampaignPagesToLogin() throws Exception {
        for (String path : new String[] {"/campaigns", "/campaigns/new", "/campaigns/runs/1"}) {
            MvcResult page = mvc.perform(get(path)).andReturn();

            assertThat(page.getResponse().getStatus()).as(path).isEqualTo(302);
            assertThat(page.getResponse().getRedirectedUrl()).as(path).endsWith("/login");
        }
    }

    @Test
    void shouldLetAnAnalystReadCampaignsAndReportsButRefuseEveryChange() throws Exception {
        CampaignViews.Campaign campaign = campaigns.create(JSON.valueToTree(definition("Для аналитика")), "admin");
        CampaignViews.Run run = campaigns.run(campaign.id(), true);
        MockHttpSession analyst = ConsoleSessions.login(mvc, "campaign-analyst", "campaign-analyst-pass");

        String list = page(analyst, "/campaigns");
        assertThat(list).contains("Для аналитика").doesNotContain("id=\"new-campaign\"", "class=\"dry-run\"");
        assertThat(page(analyst, "/campaigns/" + campaign.id())).contains("id=\"conversion-chart\"").doesNotContain("class=\"pause\"");
        assertThat(page(analyst, "/campaigns/runs/" + run.id())).contains("id=\"conversion-chart\"");
        String token = ConsoleSessions.csrf(mvc, analyst, "/campaigns");

        assertThat(status(get("/campaigns/new").session(analyst))).isEqualTo(403);
        assertThat(status(get("/campaigns/" + campaign.id() + "/edit").session(analyst))).isEqualTo(403);
        assertThat(status(form(post("/campaigns"), validForm("Аналитик не создаст")).session(analyst).param("_csrf", token))).isEqualTo(403);
        assertThat(status(form(post("/campaigns/audience"), validForm("x")).session(analyst).param("_csrf", token))).isEqualTo(403);
        for (String action : new String[] {"dry-run", "activate", "stop", "delete"}) {
            assertThat(status(post("/campaigns/" + campaign.id() + "/" + action).session(analyst).param("_csrf", token)))
                    .as(action).isEqualTo(403);
        }
        assertThat(status(post("/campaigns/runs/" + run.id() + "/stop").session(analyst).param("_csrf", token))).isEqualTo(403);
        assertThat(campaigns.get(campaign.id()).state()).isEqualTo(CampaignService.DRAFT);
        assertThat(campaigns.runs(campaign.id(), 10)).hasSize(1);
    }

    @Test
    void shouldCreateACampaignFromTheBuilderAsMarketerAndAuditIt() throws Exception {
        MockHttpSession marketer = ConsoleSessions.login(mvc, "campaign-marketer", "campaign-marketer-pass");

        MvcResult saved = mvc.perform(form(post("/campaigns"), validForm("Скидка постоянным"))
                .session(marketer).param("_csrf", ConsoleSessions.csrf(mvc, marketer, "/campaigns/new"))).andReturn();

        String location = saved.getResponse().getRedirectedUrl();
        assertThat(location).matches("/campaigns/\\d+");
        long id = Long.parseLong(location.substring("/campaigns/".length()));
        CampaignViews.Campaign campaign = campaigns.get(id);
        assertThat(campaign.name()).isEqualTo("Скидка постоянным");
        assertThat(campaign.state()).isEqualTo(CampaignService.DRAFT);
        assertThat(campaign.createdBy()).isEqualTo("campaign-marketer");
        assertThat(campaign.definition().at("/audience/segments/0/cells/0").asText()).isEqualTo("match");
        assertThat(campaign.definition().at("/channels/0/connector").asText()).isEqualTo(CampaignTestSupport.TELEGRAM);
        assertThat(campaign.definition().at("/variables/discount").asText()).isEqualTo("10%");
        assertThat(audit.find(new AuditLog.Filter("campaign-marketer", "campaign.create", null, null), 0, 10).items())
                .anySatisfy(e -> assertThat(e.target()).isEqualTo("campaign:" + id));
        assertThat(page(marketer, location)).contains("Скидка постоянным").contains("черновик");
    }

    @Test
    void shouldShowTheValidatorsProblemsNextToTheFieldsTheyNameAndSaveNothing() throws Exception {
        MockHttpSession marketer = ConsoleSessions.login(mvc, "campaign-marketer", "campaign-marketer-pass");
        Map<String, String> form = validForm("Кампания с ошибками");
        form.remove("audience");
        form.remove("channels[0].channel");
        // the only channel sits in the second row: its problems must land on that row
        form.put("channels[1].channel", "EMAIL");
        form.put("channels[1].connector", CampaignTestSupport.EMAIL);
        form.put("channels[1].template.text", "Скидка, отписаться: {{unsubscribeUrl}}");
        form.put("schedule.kind", "cron");
        form.put("schedule.cron", "0 0 10 30 2 *");

        MvcResult refused = mvc.perform(form(post("/campaigns"), form)
                .session(marketer).param("_csrf", ConsoleSessions.csrf(mvc, marketer, "/campaigns/new"))).andReturn();
        String page = refused.getResponse().getContentAsString();

        assertThat(refused.getResponse().getStatus()).isEqualTo(200);
        assertThat(page).contains("Кампания не сохранена")
                .contains("data-field=\"audience\"")
                .contains("data-field=\"schedule.cron\"")
                .contains("data-field=\"channels[1].template.subject\"")
                .doesNotContain("data-field=\"channels[0].template.subject\"");
        assertThat(problemsOf(page, "schedule.cron")).contains("никогда не сработает");
        assertThat(problemsOf(page, "audience")).contains("аудитория пуста");
        assertThat(page).as("what was typed stays in the form").contains("value=\"Кампания с ошибками\"", "value=\"0 0 10 30 2 *\"");
        assertThat(campaigns.list()).noneMatch(c -> c.name().equals("Кампания с ошибками"));
    }

    @Test
    void shouldShowAFormProblemAndTheValidatorsTogether() throws Exception {
        MockHttpSession marketer = ConsoleSessions.login(mvc, "campaign-marketer", "campaign-marketer-pass");
        Map<String, String> form = validForm("Условия не JSON");
        form.put("audience.conditions", "покупок больше трёх");
        form.put("schedule.kind", "once");

        String page = mvc.perform(form(post("/campaigns"), form).session(marketer).param("_csrf", ConsoleSessions.csrf(mvc, marketer, "/campaigns/new")))
                .andReturn().getResponse().getContentAsString();

        assertThat(problemsOf(page, "audience.conditions")).contains("правило в JSON");
        assertThat(problemsOf(page, "schedule.at")).contains("укажите время");
        assertThat(campaigns.list()).noneMatch(c -> c.name().equals("Условия не JSON"));
    }

    @Test
    void shouldCountTheAudienceLiveWithThePlannersSelection() throws Exception {
        MockHttpSession marketer = ConsoleSessions.login(mvc, "campaign-marketer", "campaign-marketer-pass");
        String token = ConsoleSessions.csrf(mvc, marketer, "/campaigns/new");
        Map<String, String> form = validForm("Подсчёт");

        String cell = mvc.perform(form(post("/campaigns/audience"), form).session(marketer).param("_csrf", token))
                .andReturn().getResponse().getContentAsString();
        form.put("audience.conditions", "{\"field\": \"revenue\", \"min\": 5000}");
        String narrowed = mvc.perform(form(post("/campaigns/audience"), form).session(marketer).param("_csrf", token))
                .andReturn().getResponse().getContentAsString();
        form.put("audience.conditions", "{\"field\": \"purchases\"}");
        String broken = mvc.perform(form(post("/campaigns/audience"), form).session(marketer).param("_csrf", token))
                .andReturn().getResponse().getContentAsString();

        assertThat(cell).as("Анна and Вера bought twice").contains("data-count=\"2\"");
        assertThat(narrowed).as("only Анна spent 5000 or more").contains("data-count=\"1\"");
        assertThat(broken).contains("error-text").doesNotContain("data-count");
    }

    @Test
    void shouldPreviewATemplateForTheChosenClient() throws Exception {
        MockHttpSession marketer = ConsoleSessions.login(mvc, "campaign-marketer", "campaign-marketer-pass");
        Map<String, String> form = validForm("Предпросмотр");
        form.put("preview.row", "0");
        form.put("preview.client", String.valueOf(anna));
        form.put("channels[0].template.text", "Здравствуйте, {{firstName}}! Скидка {{discount}}, покупок: {{purchases}}.");

        String preview = mvc.perform(form(post("/campaigns/preview"), form).session(marketer).param("_csrf", ConsoleSessions.csrf(mvc, marketer, "/campaigns/new")))
                .andReturn().getResponse().getContentAsString();

        assertThat(preview).contains("id=\"preview-text\"").contains("Здравствуйте, Анна! Скидка 10%, покупок: 2.");
    }

    @Test
    void shouldDryRunFromTheBuilderAndShowTheRunReportWithItsChart() throws Exception {
        MockHttpSession marketer = ConsoleSessions.login(mvc, "campaign-marketer", "campaign-marketer-pass");

        MvcResult dry = mvc.perform(form(post("/campaigns"), validForm("Пробная из конструктора"))
                .param("action", "dry-run").session(marketer).param("_csrf", ConsoleSessions.csrf(mvc, marketer, "/campaigns/new"))).andReturn();

        String location = dry.getResponse().getRedirectedUrl();
        assertThat(location).matches("/campaigns/runs/\\d+");
        long runId = Long.parseLong(location.substring("/campaigns/runs/".length()));
        CampaignViews.Run run = campaigns.run(runId);
        assertThat(run.dryRun()).isTrue();
        assertThat(run.state()).isEqualTo("finished");
        String report = page(marketer, location);
        assertThat(report).contains("пробный запуск: ничего не отправлено")
                .contains("data-figure=\"audience\" data-value=\"2\"")
                .contains("data-figure=\"targeted\" data-value=\"" + run.targeted() + "\"")
                .contains("data-figure=\"heldOut\" data-value=\"" + run.heldOut() + "\"")
                .contains("id=\"conversion-chart\"").contains("data-group=\"sent\"").contains("data-group=\"control\"")
                .doesNotContain("data-poll");
        assertThat(audit.find(new AuditLog.Filter("campaign-marketer", "campaign.dry-run", null, null), 0, 10).items())
                .anySatisfy(e -> assertThat(e.target()).isEqualTo("campaign-run:" + runId));
    }

    @Test
    void shouldActivatePauseResumeAndStopFromThePagesWithAuditAndOfferOnlyWhatTheStateAllows() throws Exception {
        Map<String, Object> cron = definition("Каждый понедельник");
        cron.put("schedule", Map.of("kind", "cron", "cron", "0 0 10 * * MON"));
        long id = campaigns.create(JSON.valueToTree(cron), "admin").id();
        MockHttpSession admin = ConsoleSessions.login(mvc, "admin", "test-admin-password");
        String token = ConsoleSessions.csrf(mvc, admin, "/campaigns");

        assertThat(actionsOf(page(admin, "/campaigns"), id)).contains("class=\"activate\"").doesNotContain("class=\"pause\"");
        String activated = submit(admin, "/campaigns/" + id + "/activate", token);
        assertThat(activated).contains("Кампания включена.");
        assertThat(campaigns.get(id).state()).isEqualTo(CampaignService.ACTIVE);
        assertThat(actionsOf(page(admin, "/campaigns"), id)).contains("class=\"pause\"", "class=\"stop\"").doesNotContain("class=\"resume\"");
        assertThat(submit(admin, "/campaigns/" + id + "/pause", token)).contains("Кампания приостановлена.").contains("class=\"resume\"");
        assertThat(campaigns.get(id).state()).isEqualTo(CampaignService.PAUSED);
        submit(admin, "/campaigns/" + id + "/resume", token);
        assertThat(submit(admin, "/campaigns/" + id + "/stop", token)).contains("Кампания остановлена.");
        assertThat(campaigns.get(id).state()).isEqualTo(CampaignService.STOPPED);
        String refused = submit(admin, "/campaigns/" + id + "/resume", token);

        assertThat(refused).as("a refused change says why").contains("only a paused campaign can be resumed");
        assertThat(audit.find(new AuditLog.Filter("admin", "campaign.*", null, null), 0, 50).items())
                .filteredOn(e -> e.target().equals("campaign:" + id)).extracting(AuditLog.Event::action)
                .containsExactly("campaign.stop", "campaign.resume", "campaign.pause", "campaign.activate");
    }

    @Test
    void shouldEditACampaignInTheBuilderWithItsStoredDefinition() throws Exception {
        long id = campaigns.create(JSON.valueToTree(definition("До правки")), "admin").id();
        MockHttpSession marketer = ConsoleSessions.login(mvc, "campaign-marketer", "campaign-marketer-pass");

        String builder = page(marketer, "/campaigns/" + id + "/edit");
        Map<String, String> form = validForm("После правки");
        MvcResult saved = mvc.perform(form(post("/campaigns/" + id), form).session(marketer).param("_csrf", ConsoleSessions.csrf(mvc, marketer, "/campaigns/" + id + "/edit")))
                .andReturn();

        assertThat(builder).contains("value=\"До правки\"");
        assertThat(checked(builder, twice + ":match")).isTrue();
        assertThat(saved.getResponse().getRedirectedUrl()).isEqualTo("/campaigns/" + id);
        assertThat(campaigns.get(id).name()).isEqualTo("После правки");
        assertThat(audit.find(new AuditLog.Filter("campaign-marketer", "campaign.update", null, null), 0, 10).items())
                .anySatisfy(e -> assertThat(e.target()).isEqualTo("campaign:" + id));
    }

    @Test
    void shouldOfferACampaignForTheAudienceOfACellToMarketersOnly() throws Exception {
        MockHttpSession marketer = ConsoleSessions.login(mvc, "campaign-marketer", "campaign-marketer-pass");
        MockHttpSession analyst = ConsoleSessions.login(mvc, "campaign-analyst", "campaign-analyst-pass");
        String link = "/campaigns/new?segment=" + twice + "&amp;cell=match";

        String members = page(marketer, "/segments/" + twice + "/members?cell=match");
        String builder = page(marketer, "/campaigns/new?segment=" + twice + "&cell=match");

        assertThat(members).contains("href=\"" + link + "\"").contains("Создать кампанию для этой аудитории");
        assertThat(checked(builder, twice + ":match")).isTrue();
        assertThat(checked(builder, String.valueOf(twice))).as("the cell, not the whole segment").isFalse();
        assertThat(builder).as("the preview client is the first of the audience").containsPattern("name=\"preview.client\" value=\"\\d+\"");
        assertThat(page(analyst, "/segments/" + twice + "/members?cell=match")).doesNotContain(link);
    }

    @Test
    void shouldSpeakEnglishOnRequest() throws Exception {
        MockHttpSession marketer = ConsoleSessions.login(mvc, "campaign-marketer", "campaign-marketer-pass");

        String english = page(marketer, "/campaigns/new?lang=en");

        assertThat(english).contains("New campaign", "Channels in order of preference", "Save and dry run");
    }

    /** The definition's JSON as the API takes it: the segment's cell, Telegram, manual. */
    private Map<String, Object> definition(String name) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", name);
        d.put("audience", Map.of("segments", java.util.List.of(Map.of("segment", twice, "cells", java.util.List.of("match")))));
        d.put("channels", java.util.List.of(Map.of("channel", "TELEGRAM", "connector", CampaignTestSupport.TELEGRAM,
                "template", Map.of("text", "{{greeting}} Скидка для вас."))));
        d.put("schedule", Map.of("kind", "manual"));
        return d;
    }

    /** Whether the builder's audience checkbox of a segment or cell is ticked. */
    private static boolean checked(String page, String value) {
        Matcher m = Pattern.compile("<input type=\"checkbox\" name=\"audience\"\\s+value=\"" + Pattern.quote(value) + "\"([^>]*)>")
                .matcher(page);
        assertThat(m.find()).as("a checkbox for " + value).isTrue();
        return m.group(1).contains("checked");
    }

    /** The problems listed under a field of the builder. */
    private static String problemsOf(String page, String field) {
        Matcher m = Pattern.compile("data-field=\"" + Pattern.quote(field) + "\">(.*?)</ul>", Pattern.DOTALL).matcher(page);
        assertThat(m.find()).as("problems under " + field).isTrue();
        return m.group(1);
    }

    /** The actions cell of a campaign's row in the list. */
    private static String actionsOf(String list, long id) {
        int row = list.indexOf("data-campaign=\"" + id + "\"");
        assertThat(row).as("row of campaign " + id).isPositive();
        int end = list.indexOf("</tr>", row);
        return list.substring(row, end);
    }

    /** Posts a button's form and opens the page it leads to, as the browser does. */
    private String submit(MockHttpSession session, String path, String token) throws Exception {
        String next = mvc.perform(post(path).session(session).param("_csrf", token)).andReturn().getResponse().getRedirectedUrl();
        assertThat(next).as("where " + path + " leads").isNotNull();
        return page(session, next);
    }

    private static MockHttpServletRequestBuilder form(MockHttpServletRequestBuilder request, Map<String, String> fields) {
        fields.forEach(request::param);
        return request;
    }

    private int status(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn().getResponse().getStatus();
    }

    private String page(MockHttpSession session, String path) throws Exception {
        MvcResult result = mvc.perform(get(path).session(session)).andReturn();
        assertThat(result.getResponse().getStatus()).as(path).isEqualTo(200);
        return result.getResponse().getContentAsString();
    }
}
