package org.repeatsales.hub.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.imports.ImportService;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.TestPlugins;
import org.repeatsales.hub.security.HubUsers;
import org.repeatsales.hub.segment.SegmentService;
import org.repeatsales.hub.segment.SegmentRefresher;
import org.repeatsales.hub.consent.ConsentService;
import org.repeatsales.hub.api.channel.Channel;
import org.jooq.DSLContext;
import java.time.Instant;
import org.repeatsales.hub.security.Role;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * The lifecycle matrix page with the bundled lifecycle plugin built and dropped in at test time:
 * created from the page's button, shown as a heatmap, a cell's link leading to its members.
 */
@SpringBootTest(properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false"})
@AutoConfigureMockMvc
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleMatrixTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern CELL = Pattern.compile("href=\"(/segments/\\d+/members\\?cell=([a-z-]+))\"[^>]*data-count=\"(\\d+)\"");

    @Autowired
    MockMvc mvc;

    @Autowired
    ImportService imports;

    @Autowired
    PluginRegistry registry;

    @Autowired
    HubUsers users;

    @Autowired
    HubProperties hub;

    @Autowired
    SegmentService segments;

    @Autowired
    SegmentRefresher refresher;

    @Autowired
    ConsentService consents;

    @Autowired
    DSLContext db;

    @BeforeAll
    void baseAndPlugin(@TempDir Path work) throws IOException, InterruptedException {
        Path csv = work.resolve("base.csv");
        Files.writeString(csv, ConsoleSessions.SALES_HEADER
                + row(5, "A-1", "Анна Белова", "89161111111", "anna@example.com", 1000)
                + row(40, "B-1", "Борис Ветров", "89162222222", "boris@example.com", 700)
                + row(50, "B-2", "Борис Ветров", "89162222222", "boris@example.com", 300)
                + row(60, "B-3", "Борис Ветров", "89162222222", "boris@example.com", 500)
                + row(200, "C-1", "Вера Громова", "89163333333", "vera@example.com", 400), StandardCharsets.UTF_8);
        assertThat(imports.importFile(new ImportService.ImportRequest(csv, "base.csv", "test", null, null)).inserted()).isEqualTo(5);
        users.create("marketer2", "marketer2-pass", Role.MARKETER);
        users.create("analyst2", "analyst2-pass", Role.ANALYST);
        TestPlugins.drop(TestPlugins.build(work, "lifecycle", ">=0.2.0 & <1.0.0",
                TestPlugins.bundled("lifecycle", "LifecycleStrategy")), registry.folder());
        long deadline = System.currentTimeMillis() + 20_000;
        while (registry.list().stream().noneMatch(p -> p.id().equals("lifecycle") && p.state() == PluginState.STARTED)) {
            assertThat(System.currentTimeMillis()).as("lifecycle plugin started: " + registry.list()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void shouldCreateLifecycleSegmentFromButtonAndShowCellsLinkingToMembers() throws Exception {
        MockHttpSession marketer = login("marketer2", "marketer2-pass");
        String before = mvc.perform(get("/matrix").session(marketer)).andReturn().getResponse().getContentAsString();

        MvcResult create = mvc.perform(post("/matrix").session(marketer).param("_csrf", csrfOf(before))).andReturn();
        String matrix = mvc.perform(get("/matrix").session(marketer)).andReturn().getResponse().getContentAsString();

        assertThat(create.getResponse().getRedirectedUrl()).isEqualTo("/matrix");
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, String> links = new LinkedHashMap<>();
        Matcher m = CELL.matcher(matrix);
        while (m.find()) {
            counts.put(m.group(2), Integer.parseInt(m.group(3)));
            links.put(m.group(2), m.group(1));
        }
        assertThat(counts.keySet()).containsExactly("new-active", "new-fading", "new-sleeping", "repeat-active",
                "repeat-fading", "repeat-sleeping", "regular-active", "regular-fading", "regular-sleeping");
        assertThat(counts).containsEntry("new-active", 1).containsEntry("repeat-fading", 1).containsEntry("new-sleeping", 1);
        assertThat(matrix).contains("Новые активные");
        String members = mvc.perform(get(links.get("repeat-fading")).session(marketer)).andReturn().getResponse().getContentAsString();
        assertThat(members).contains("Борис Ветров", "+79162222222").doesNotContain("Анна Белова");
    }

    @Test
    void shouldForbidAnalystToCreateTheSegment() throws Exception {
        MockHttpSession analyst = login("analyst2", "analyst2-pass");
        String page = mvc.perform(get("/matrix").session(analyst)).andReturn().getResponse().getContentAsString();

        int status = mvc.perform(post("/matrix").session(analyst).param("_csrf", csrfOf(page))).andReturn().getResponse().getStatus();

        assertThat(status).isEqualTo(403);
    }

    @Test
    void shouldRefreshASegmentInTheBackgroundWhileItsPageFollowsTheRefreshToTheEnd() throws Exception {
        long id = segments.create("Цикл для пересчёта", "lifecycle", Map.of()).id();
        MockHttpSession marketer = login("marketer2", "marketer2-pass");
        String before = mvc.perform(get("/segments/" + id).session(marketer)).andReturn().getResponse().getContentAsString();
        assertThat(before).contains("id=\"refresh\"").doesNotContain("id=\"refresh-progress\"");

        MvcResult refresh = mvc.perform(post("/segments/" + id + "/refresh").session(marketer).param("_csrf", csrfOf(before))).andReturn();

        assertThat(refresh.getResponse().getRedirectedUrl()).isEqualTo("/segments/" + id);
        long deadline = System.currentTimeMillis() + 30_000;
        String progress;
        do {
            progress = mvc.perform(get("/segments/" + id + "/refresh-progress").session(marketer)).andReturn().getResponse().getContentAsString();
            assertThat(System.currentTimeMillis()).as("refresh finished: " + progress).isLessThan(deadline);
            Thread.sleep(100);
        } while (!progress.contains("\"done\":true"));
        String after = mvc.perform(get("/segments/" + id).session(marketer)).andReturn().getResponse().getContentAsString();
        assertThat(segments.get(id).refreshedAt()).isNotNull();
        assertThat(after).doesNotContain("id=\"refresh-progress\"", "id=\"refresh-failure\"").contains("id=\"refresh\"");
        assertThat(segments.summary(id).total()).isEqualTo(3);
    }

    @Test
    void shouldForbidAnalystToRefreshASegmentAndOfferHimNoButton() throws Exception {
        long id = segments.create("Цикл аналитика", "lifecycle", Map.of()).id();
        MockHttpSession analyst = login("analyst2", "analyst2-pass");
        String page = mvc.perform(get("/segments/" + id).session(analyst)).andReturn().getResponse().getContentAsString();

        int status = mvc.perform(post("/segments/" + id + "/refresh").session(analyst).param("_csrf", csrfOf(page)))
                .andReturn().getResponse().getStatus();

        assertThat(page).doesNotContain("id=\"refresh\"");
        assertThat(status).isEqualTo(403);
        assertThat(segments.get(id).refreshedAt()).isNull();
    }

    @Test
    void shouldShowOnTheClientCardConsentsPerChannelSegmentHistoryAndMessagesReceived() throws Exception {
        long client = db.resultQuery("select client_id from client_identity where kind = 'phone' and value = '+79163333333'")
                .fetchSingle().get(0, Long.class);
        consents.record(client, Channel.EMAIL, ConsentService.GIVEN, Instant.now().minusSeconds(3600), "api", "form 17", "vera@example.com");
        consents.record(client, Channel.SMS, ConsentService.WITHDRAWN, Instant.now().minusSeconds(60), "api", "call", null);
        long segment = segments.create("Цикл для карточки", "lifecycle", Map.of()).id();
        refresher.refresh(segment, null);
        long campaign = db.resultQuery("insert into campaign (name, definition, schedule_kind) values ('Весенняя скидка', '{}', 'manual')"
                + " returning id").fetchSingle().get(0, Long.class);
        long run = db.resultQuery("insert into campaign_run (campaign_id, slot, state, definition) values (?, now(), 'finished', '{}')"
                + " returning id", campaign).fetchSingle().get(0, Long.class);
        db.execute("insert into delivery (run_id, client_id, status, channel, sent_at) values (?, ?, 'delivered', 'EMAIL', now())", run, client);
        MockHttpSession marketer = login("marketer2", "marketer2-pass");

        String card = mvc.perform(get("/clients/" + client).session(marketer)).andReturn().getResponse().getContentAsString();

        assertThat(card).contains("id=\"consents\"", "data-channel=\"EMAIL\" data-state=\"given\"",
                "data-channel=\"SMS\" data-state=\"withdrawn\"");
        assertThat(card).contains("id=\"segment-history\"", "Цикл для карточки", "new-sleeping");
        assertThat(card).contains("id=\"messages\"", "Весенняя скидка", "delivered");
    }

    private MockHttpSession login(String username, String password) throws Exception {
        return ConsoleSessions.login(mvc, username, password);
    }

    private static String csrfOf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a form with a CSRF field").isTrue();
        return m.group(1);
    }

    private String row(int daysAgo, String number, String name, String phone, String email, int amount) {
        return ConsoleSessions.sale(hub.timezone(), daysAgo, number, name, phone, email, amount);
    }
}
