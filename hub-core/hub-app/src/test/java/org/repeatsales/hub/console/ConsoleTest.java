package org.repeatsales.hub.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.repeatsales.hub.console.ConsoleSessions.SALES_HEADER;
import static org.repeatsales.hub.console.ConsoleSessions.csrf;
import static org.repeatsales.hub.console.ConsoleSessions.login;
import static org.repeatsales.hub.console.ConsoleSessions.sale;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.clients.ClientQueries;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.imports.ImportService;
import org.repeatsales.hub.security.HubUsers;
import org.repeatsales.hub.security.Role;
import org.repeatsales.hub.segment.SegmentRefresher;
import org.repeatsales.hub.segment.SegmentService;
import org.repeatsales.hub.store.jooq.Tables;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * The web console through its login form, on a small imported base: four clients whose purchases
 * are dated relative to today, so the dashboard's figures are known in advance.
 */
@SpringBootTest(properties = "hub.inbox.enabled=false")
@AutoConfigureMockMvc
class ConsoleTest {


    @Autowired
    MockMvc mvc;

    @Autowired
    DSLContext db;

    @Autowired
    ImportService imports;

    @Autowired
    HubUsers users;

    @Autowired
    HubProperties hub;

    @Autowired
    ClientQueries clients;

    @Autowired
    SegmentService segments;

    @Autowired
    SegmentRefresher refresher;

    @TempDir
    Path dir;

    @BeforeEach
    void smallBase() throws IOException {
        ensureUser("analyst1", Role.ANALYST);
        ensureUser("marketer1", Role.MARKETER);
        if (db.fetchCount(Tables.CLIENT) > 0) {
            return;
        }
        Path csv = dir.resolve("base.csv");
        Files.writeString(csv, SALES_HEADER
                + sale(hub.timezone(), 400, "10:00", "A-1", "Анна Белова", "89161111111", "anna@example.com", 1000)
                + sale(hub.timezone(), 20, "10:00", "A-2", "Анна Белова", "89161111111", "anna@example.com", 2000)
                + sale(hub.timezone(), 500, "10:00", "B-1", "Борис Ветров", "89162222222", "boris@example.com", 3000)
                + sale(hub.timezone(), 30, "10:00", "C-1", "Вера Громова", "89163333333", "vera@example.com", 1500)
                + sale(hub.timezone(), 30, "15:00", "C-2", "Вера Громова", "89163333333", "vera@example.com", 500)
                + sale(hub.timezone(), 100, "10:00", "D-1", "Галина Дронова", "89164444444", "galina@example.com", 800),
                StandardCharsets.UTF_8);
        var report = imports.importFile(new ImportService.ImportRequest(csv, "base.csv", "test", null, null));
        assertThat(report.inserted()).as(report.toText()).isEqualTo(6);
    }

    @Test
    void shouldRedirectAnonymousVisitorToLogin() throws Exception {
        MvcResult page = mvc.perform(get("/")).andReturn();

        assertThat(page.getResponse().getStatus()).isEqualTo(302);
        assertThat(page.getResponse().getRedirectedUrl()).endsWith("/login");
    }

    @Test
    void shouldStillAnswer401NotARedirectToAnonymousApiCall() throws Exception {
        MvcResult api = mvc.perform(get("/api/v1/clients")).andReturn();

        assertThat(api.getResponse().getStatus()).isEqualTo(401);
        assertThat(api.getResponse().getHeader("Location")).isNull();
        assertThat(api.getResponse().getHeader("WWW-Authenticate")).startsWith("Basic");
    }

    @Test
    void shouldShowLoginPageInRussianByDefaultAndInEnglishOnRequest() throws Exception {
        String russian = mvc.perform(get("/login").header("Accept-Language", "en-US")).andReturn().getResponse().getContentAsString();
        String english = mvc.perform(get("/login").param("lang", "en")).andReturn().getResponse().getContentAsString();

        assertThat(russian).contains("Пароль").contains("Войти");
        assertThat(english).contains("Password").contains("Log in");
    }

    @Test
    void shouldSendSecurityHeadersWithConsolePages() throws Exception {
        MvcResult page = mvc.perform(get("/login")).andReturn();

        assertThat(page.getResponse().getHeader("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(page.getResponse().getHeader("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.getResponse().getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void shouldRefuseLoginPostWithoutCsrfToken() throws Exception {
        MvcResult login = mvc.perform(post("/login").param("username", "admin").param("password", "test-admin-password")).andReturn();

        assertThat(login.getResponse().getStatus()).isEqualTo(403);
    }

    @Test
    void shouldShowDashboardFiguresOfImportedBase() throws Exception {
        MockHttpSession admin = login(mvc, "admin", "test-admin-password");

        String page = mvc.perform(get("/").session(admin)).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("data-figure=\"clients\" data-value=\"4\"")
                .contains("data-figure=\"active-share\" data-value=\"75.0\"")
                .contains("data-figure=\"repeat-rate\" data-value=\"50.0\"")
                .contains("data-figure=\"average-check\" data-value=\"1466.67\"")
                .contains("data-figure=\"revenue\" data-value=\"8800.00\"");
        // in the last 12 months Вера and Галина bought for the first time, Анна came back
        assertThat(sum(page, "data-new")).isEqualTo(2);
        assertThat(sum(page, "data-returning")).isEqualTo(1);
        assertThat(count(page, "class=\"month\"")).isEqualTo(Dashboard.MONTHS);
    }

    @Test
    void shouldShowDashboardInEnglishWhenAsked() throws Exception {
        MockHttpSession analyst = login(mvc, "analyst1", "analyst1-pass");

        String english = mvc.perform(get("/").param("lang", "en").session(analyst)).andReturn().getResponse().getContentAsString();
        String stillEnglish = mvc.perform(get("/").session(analyst)).andReturn().getResponse().getContentAsString();

        assertThat(english).contains("Repeat-purchase rate", "8,800 RUB").doesNotContain("Выручка");
        assertThat(stillEnglish).as("the choice holds for the session").contains("Repeat-purchase rate");
    }

    @Test
    void shouldMaskContactsForAnalystOnMemberList() throws Exception {
        long segment = everyBuyer();
        MockHttpSession analyst = login(mvc, "analyst1", "analyst1-pass");

        String page = mvc.perform(get("/segments/" + segment + "/members").session(analyst)).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("Анна Белова", "+7916*****11", "a***@example.com")
                .doesNotContain("+79161111111", "anna@example.com", "boris@example.com");
    }

    @Test
    void shouldShowContactsToMarketerOnMemberList() throws Exception {
        long segment = everyBuyer();
        MockHttpSession marketer = login(mvc, "marketer1", "marketer1-pass");

        String page = mvc.perform(get("/segments/" + segment + "/members").session(marketer)).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("+79161111111", "anna@example.com");
    }

    @Test
    void shouldMaskContactsForAnalystOnClientCard() throws Exception {
        long anna = clients.search(null, null, "Анна", 0, 1).items().get(0).id();
        MockHttpSession analyst = login(mvc, "analyst1", "analyst1-pass");

        String card = mvc.perform(get("/clients/" + anna).session(analyst)).andReturn().getResponse().getContentAsString();

        assertThat(card).contains("Анна Белова", "+7916*****11", "a***@example.com", "A-2")
                .doesNotContain("+79161111111", "anna@example.com");
    }

    @Test
    void shouldOfferToCreateLifecycleSegmentWhenThereIsNone() throws Exception {
        MockHttpSession marketer = login(mvc, "marketer1", "marketer1-pass");

        String page = mvc.perform(get("/matrix").session(marketer)).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("Сегмента «жизненный цикл» ещё нет").contains("action=\"/matrix\"");
    }

    @Test
    void shouldListRejectedRowsOfAnUploadWithLineAndReason() throws Exception {
        MockHttpSession marketer = login(mvc, "marketer1", "marketer1-pass");
        MockMultipartFile file = new MockMultipartFile("file", "bad.csv", "text/csv",
                (SALES_HEADER + "не дата;X-1;Ирина;89165550000;ira@example.com;Крем;1;500;500\n").getBytes(StandardCharsets.UTF_8));

        MvcResult upload = mvc.perform(multipart("/imports").file(file).session(marketer).param("_csrf", csrf(mvc, marketer, "/imports"))).andReturn();
        String runPage = upload.getResponse().getRedirectedUrl();
        awaitImportDone(marketer, runPage);
        String run = mvc.perform(get(runPage).session(marketer)).andReturn().getResponse().getContentAsString();

        assertThat(runPage).matches("/imports/\\d+");
        assertThat(run).contains("bad.csv").contains("id=\"rejections\"").containsPattern("<td class=\"num\">2</td>")
                .doesNotContain("data-progress");
    }

    @Test
    void shouldAnswerUploadAtOnceWithTheRunPageFollowingItsProgress() throws Exception {
        MockHttpSession marketer = login(mvc, "marketer1", "marketer1-pass");
        // every row rejected (no date), so the base the other tests count stays as it is
        StringBuilder rows = new StringBuilder(SALES_HEADER);
        for (int i = 0; i < 400; i++) {
            rows.append("без даты;P-").append(i).append(";Покупатель;89170000000;;Товар;1;100;100\n");
        }
        MockMultipartFile file = new MockMultipartFile("file", "many.csv", "text/csv", rows.toString().getBytes(StandardCharsets.UTF_8));

        MvcResult upload = mvc.perform(multipart("/imports").file(file).session(marketer).param("_csrf", csrf(mvc, marketer, "/imports"))).andReturn();
        String runPage = upload.getResponse().getRedirectedUrl();
        String progress = mvc.perform(get(runPage + "/progress").session(marketer)).andReturn().getResponse().getContentAsString();
        awaitImportDone(marketer, runPage);
        String done = mvc.perform(get(runPage + "/progress").session(marketer)).andReturn().getResponse().getContentAsString();

        assertThat(progress).contains("\"done\":").contains("\"rowsRead\":");
        assertThat(done).contains("\"done\":true", "\"status\":\"succeeded\"", "\"rowsRead\":400", "\"rejected\":400");
    }

    @Test
    void shouldShowAdminPagesToAdminOnly() throws Exception {
        MockHttpSession admin = login(mvc, "admin", "test-admin-password");
        MockHttpSession marketer = login(mvc, "marketer1", "marketer1-pass");
        MockHttpSession analyst = login(mvc, "analyst1", "analyst1-pass");

        for (String page : List.of("/sources", "/plugins", "/channels")) {
            assertThat(mvc.perform(get(page).session(admin)).andReturn().getResponse().getStatus()).as(page + " admin").isEqualTo(200);
            assertThat(mvc.perform(get(page).session(marketer)).andReturn().getResponse().getStatus()).as(page + " marketer").isEqualTo(403);
            assertThat(mvc.perform(get(page).session(analyst)).andReturn().getResponse().getStatus()).as(page + " analyst").isEqualTo(403);
            assertThat(mvc.perform(get(page)).andReturn().getResponse().getRedirectedUrl()).as(page + " anonymous").endsWith("/login");
        }
        String adminNav = mvc.perform(get("/").session(admin)).andReturn().getResponse().getContentAsString();
        String marketerNav = mvc.perform(get("/").session(marketer)).andReturn().getResponse().getContentAsString();
        assertThat(adminNav).contains("href=\"/sources\"", "href=\"/plugins\"", "href=\"/channels\"", "href=\"/segments\"");
        assertThat(marketerNav).contains("href=\"/segments\"").doesNotContain("href=\"/sources\"", "href=\"/plugins\"", "href=\"/channels\"");
    }

    @Test
    void shouldShowUploadedBrokenPluginAsFailedWithItsReason() throws Exception {
        MockHttpSession admin = login(mvc, "admin", "test-admin-password");
        MockMultipartFile broken = new MockMultipartFile("file", "broken-console.zip", "application/zip",
                "not a zip at all".getBytes(StandardCharsets.UTF_8));

        MvcResult upload = mvc.perform(multipart("/plugins").file(broken).session(admin).param("_csrf", csrf(mvc, admin, "/plugins"))).andReturn();
        String page = mvc.perform(get("/plugins").session(admin).flashAttrs(upload.getFlashMap())).andReturn().getResponse().getContentAsString();

        assertThat(upload.getResponse().getRedirectedUrl()).isEqualTo("/plugins");
        assertThat(page).contains("id=\"outcome\"", "broken-console.zip", "data-state=\"FAILED\"", "class=\"reason error-text\"");
    }

    @Test
    void shouldDeletePluginFileFromItsPage() throws Exception {
        MockHttpSession admin = login(mvc, "admin", "test-admin-password");
        MockMultipartFile broken = new MockMultipartFile("file", "to-delete.zip", "application/zip", "junk".getBytes(StandardCharsets.UTF_8));
        mvc.perform(multipart("/plugins").file(broken).session(admin).param("_csrf", csrf(mvc, admin, "/plugins"))).andReturn();
        assertThat(mvc.perform(get("/plugins").session(admin)).andReturn().getResponse().getContentAsString())
                .contains("data-plugin=\"to-delete.zip\"");

        MvcResult delete = mvc.perform(post("/plugins/to-delete.zip/delete").session(admin).param("_csrf", csrf(mvc, admin, "/plugins"))).andReturn();
        String page = mvc.perform(get("/plugins").session(admin)).andReturn().getResponse().getContentAsString();

        assertThat(delete.getResponse().getRedirectedUrl()).isEqualTo("/plugins");
        assertThat(page).contains("Плагин to-delete.zip удалён").doesNotContain("data-plugin=\"to-delete.zip\"");
    }

    @Test
    void shouldShowAdminPagesInEnglishWhenAsked() throws Exception {
        MockHttpSession admin = login(mvc, "admin", "test-admin-password");

        String plugins = mvc.perform(get("/plugins").param("lang", "en").session(admin)).andReturn().getResponse().getContentAsString();
        String channels = mvc.perform(get("/channels").session(admin)).andReturn().getResponse().getContentAsString();

        assertThat(plugins).contains("Upload a plugin", "Channels").doesNotContain("Загрузить плагин");
        assertThat(channels).contains("No connector plugin is started");
    }

    @Test
    void shouldRefuseAdminActionsToMarketer() throws Exception {
        MockHttpSession marketer = login(mvc, "marketer1", "marketer1-pass");
        String token = csrf(mvc, marketer, "/");

        int poll = mvc.perform(post("/sources/onec/poll").session(marketer).param("_csrf", token)).andReturn().getResponse().getStatus();
        int disable = mvc.perform(post("/plugins/lifecycle/disable").session(marketer).param("_csrf", token)).andReturn().getResponse().getStatus();
        int send = mvc.perform(post("/channels/email/test").session(marketer).param("_csrf", token).param("address", "x@example.com"))
                .andReturn().getResponse().getStatus();

        assertThat(List.of(poll, disable, send)).containsOnly(403);
    }

    @Test
    void shouldSayNoSourcesAreConfiguredWhenThereAreNone() throws Exception {
        MockHttpSession admin = login(mvc, "admin", "test-admin-password");

        String page = mvc.perform(get("/sources").session(admin)).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("Живые источники не настроены");
    }

    @Test
    void shouldExportSegmentCsvToMarketerButNotToAnalyst() throws Exception {
        long segment = everyBuyer();
        MockHttpSession marketer = login(mvc, "marketer1", "marketer1-pass");
        MockHttpSession analyst = login(mvc, "analyst1", "analyst1-pass");

        MvcResult csv = mvc.perform(get("/segments/" + segment + "/members.csv").session(marketer)).andReturn();
        csv.getAsyncResult();
        String marketerPage = mvc.perform(get("/segments/" + segment).session(marketer)).andReturn().getResponse().getContentAsString();
        String analystPage = mvc.perform(get("/segments/" + segment).session(analyst)).andReturn().getResponse().getContentAsString();
        MvcResult refused = mvc.perform(get("/segments/" + segment + "/members.csv").session(analyst)).andReturn();

        assertThat(csv.getResponse().getContentAsString(StandardCharsets.UTF_8)).startsWith("\uFEFFКлиент;").contains("+79161111111", "anna@example.com");
        assertThat(marketerPage).contains("members.csv");
        assertThat(analystPage).contains("Подходят под условия").doesNotContain("members.csv");
        assertThat(refused.getResponse().getStatus()).isEqualTo(403);
        assertThat(refused.getResponse().getContentAsString()).doesNotContain("+79161111111");
    }

    @Test
    void shouldForbidUploadToAnalyst() throws Exception {
        MockHttpSession analyst = login(mvc, "analyst1", "analyst1-pass");
        MockMultipartFile file = new MockMultipartFile("file", "x.csv", "text/csv", SALES_HEADER.getBytes(StandardCharsets.UTF_8));
        String page = mvc.perform(get("/imports").session(analyst)).andReturn().getResponse().getContentAsString();

        assertThat(page).doesNotContain("id=\"upload\"");
        int status = mvc.perform(multipart("/imports").file(file).session(analyst).param("_csrf", csrf(mvc, analyst, "/")))
                .andReturn().getResponse().getStatus();

        assertThat(status).isEqualTo(403);
    }

    @Test
    void shouldLogOutAndAskForLoginAgain() throws Exception {
        MockHttpSession marketer = login(mvc, "marketer1", "marketer1-pass");

        MvcResult logout = mvc.perform(post("/logout").session(marketer).param("_csrf", csrf(mvc, marketer, "/"))).andReturn();
        MvcResult after = mvc.perform(get("/").session(marketer)).andReturn();

        assertThat(logout.getResponse().getRedirectedUrl()).isEqualTo("/login?logout");
        assertThat(after.getResponse().getRedirectedUrl()).endsWith("/login");
    }

    @Test
    void shouldLockUsernameForAMinuteAfterFiveFailedLogins() throws Exception {
        ensureUser("guessed1", Role.ANALYST);
        for (int i = 0; i < LoginAttempts.USER_LIMIT; i++) {
            assertThat(attempt("guessed1", "wrong-" + i)).isEqualTo("/login?error");
        }

        assertThat(attempt("guessed1", "guessed1-pass")).isEqualTo("/login?locked");
    }


    private void awaitImportDone(MockHttpSession session, String runPage) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!mvc.perform(get(runPage + "/progress").session(session)).andReturn().getResponse().getContentAsString().contains("\"done\":true")) {
            assertThat(System.currentTimeMillis()).as("import of " + runPage + " finished").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private String attempt(String username, String password) throws Exception {
        MockHttpSession session = new MockHttpSession();
        return mvc.perform(post("/login").session(session)
                        .param("username", username).param("password", password).param("_csrf", csrf(mvc, session, "/login")))
                .andReturn().getResponse().getRedirectedUrl();
    }


    private long everyBuyer() {
        var segment = segments.create("Все покупатели", "rules",
                Map.of("rule", Map.of("all", List.of(Map.of("field", "purchases", "min", 1)))));
        refresher.refresh(segment.id(), null);
        return segment.id();
    }

    private void ensureUser(String username, Role role) {
        try {
            users.loadUserByUsername(username);
        } catch (UsernameNotFoundException e) {
            users.create(username, username + "-pass", role);
        }
    }


    private static long sum(String html, String attribute) {
        Matcher m = Pattern.compile(attribute + "=\"(\\d+)\"").matcher(html);
        long sum = 0;
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }

    private static long count(String html, String fragment) {
        return html.split(Pattern.quote(fragment), -1).length - 1;
    }
}
