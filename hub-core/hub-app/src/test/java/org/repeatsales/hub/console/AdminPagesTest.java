package org.repeatsales.hub.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.audit.AuditLog;
import org.repeatsales.hub.security.HubUsers;
import org.repeatsales.hub.security.Role;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/** The console's users, tokens and audit pages, through the login form with CSRF tokens. */
@SpringBootTest(properties = {"hub.inbox.enabled=false", "hub.segments.auto-refresh=false"})
@AutoConfigureMockMvc
class AdminPagesTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern NEW_TOKEN = Pattern.compile("<code>(hub_[^<]+)</code>");

    @Autowired
    MockMvc mvc;

    @Autowired
    HubUsers users;

    @Autowired
    AuditLog audit;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void people() {
        ensure("pages-marketer", Role.MARKETER);
        ensure("pages-analyst", Role.ANALYST);
    }

    @Test
    void shouldLetAnAdminCreateAUserInRussianAndNeverShowThePassword() throws Exception {
        MockHttpSession admin = login("admin", "test-admin-password");

        MvcResult created = mvc.perform(post("/users").session(admin).param("_csrf", csrf(admin, "/users"))
                .param("username", "pages-new").param("password", "pages-new-secret").param("role", "marketer")).andReturn();
        String page = page(admin, "/users");

        assertThat(created.getResponse().getRedirectedUrl()).isEqualTo("/users");
        assertThat(page).contains("Пользователь pages-new создан.").contains("id=\"user-pages-new\"")
                .doesNotContain("pages-new-secret", "{bcrypt}");
        assertThat(users.user("pages-new").role()).isEqualTo(Role.MARKETER);
        login("pages-new", "pages-new-secret");
    }

    @Test
    void shouldExplainABrokenPasswordRuleInRussianOrEnglish() throws Exception {
        MockHttpSession admin = login("admin", "test-admin-password");

        mvc.perform(post("/users").session(admin).param("_csrf", csrf(admin, "/users"))
                .param("username", "pages-short").param("password", "short").param("role", "analyst")).andReturn();
        String russian = page(admin, "/users");
        mvc.perform(post("/users").session(admin).param("_csrf", csrf(admin, "/users?lang=en"))
                .param("username", "pages-short").param("password", "short").param("role", "analyst")).andReturn();
        String english = page(admin, "/users");

        assertThat(russian).contains("Пароль слишком короткий: нужно не меньше 10 символов.");
        assertThat(english).contains("at least 10 characters");
        assertThat(users.users()).noneMatch(u -> u.username().equals("pages-short"));
    }

    @Test
    void shouldShowANewTokenOnceAndRefuseItAfterRevocation() throws Exception {
        MockHttpSession marketer = login("pages-marketer", "pages-marketer-pass");

        MvcResult issued = mvc.perform(post("/tokens").session(marketer).param("_csrf", csrf(marketer, "/tokens"))
                .param("name", "Выгрузка в Excel")).andReturn();
        // the browser follows the redirect once; the token rides in the session's flash map to that page only
        String first = page(marketer, issued.getResponse().getRedirectedUrl());
        Matcher shown = NEW_TOKEN.matcher(first);
        assertThat(shown.find()).as("the token on the page after issuing it").isTrue();
        String token = shown.group(1);
        String again = page(marketer, "/tokens");

        assertThat(again).contains("Выгрузка в Excel").doesNotContain(token);
        assertThat(users.userOfToken(token)).isPresent();

        long id = users.tokens("pages-marketer").stream().filter(t -> t.name().equals("Выгрузка в Excel")).findFirst().orElseThrow().id();
        mvc.perform(post("/tokens/" + id + "/revoke").session(marketer).param("_csrf", csrf(marketer, "/tokens"))).andReturn();

        assertThat(users.userOfToken(token)).isEmpty();
        assertThat(page(marketer, "/tokens")).contains("отозван");
    }

    @Test
    void shouldKeepUsersAndAuditFromNonAdmins() throws Exception {
        MockHttpSession marketer = login("pages-marketer", "pages-marketer-pass");
        MockHttpSession analyst = login("pages-analyst", "pages-analyst-pass");

        assertThat(mvc.perform(get("/users").session(marketer)).andReturn().getResponse().getStatus()).isEqualTo(403);
        assertThat(mvc.perform(get("/audit").session(analyst)).andReturn().getResponse().getStatus()).isEqualTo(403);
        assertThat(mvc.perform(post("/users").session(marketer).param("_csrf", csrf(marketer, "/tokens"))
                .param("username", "sneaky").param("password", "sneaky-secret-1").param("role", "admin")).andReturn().getResponse().getStatus())
                .isEqualTo(403);
        assertThat(page(marketer, "/tokens")).doesNotContain("href=\"/users\"", "href=\"/audit\"");
    }

    @Test
    void shouldListAndFilterTheAuditLogForAdmins() throws Exception {
        audit.record("pages-filter-a", "test.page", "thing:1", "первая запись");
        audit.record("pages-filter-b", "test.page", "thing:2", "вторая запись");
        MockHttpSession admin = login("admin", "test-admin-password");

        String all = page(admin, "/audit?action=test.page");
        String one = page(admin, "/audit?actor=pages-filter-b");

        assertThat(all).contains("Журнал аудита").contains("первая запись").contains("вторая запись");
        assertThat(one).contains("вторая запись").doesNotContain("первая запись");
    }

    @Test
    void shouldRecordConsoleViewsOfUnmaskedContactsButNotMaskedOnes() throws Exception {
        long id = jdbc.queryForObject("insert into client (name, phone, email) values ('Карточкина Ольга', '+79160009988', 'olga@example.org') returning id",
                Long.class);
        MockHttpSession marketer = login("pages-marketer", "pages-marketer-pass");
        MockHttpSession analyst = login("pages-analyst", "pages-analyst-pass");

        assertThat(page(marketer, "/clients/" + id)).contains("+79160009988");
        assertThat(page(analyst, "/clients/" + id)).doesNotContain("+79160009988");

        AuditLog.Page marketerViews = audit.find(new AuditLog.Filter("pages-marketer", "client.view", null, null), 0, 10);
        assertThat(marketerViews.items()).anySatisfy(e -> assertThat(e.target()).isEqualTo("client:" + id));
        assertThat(audit.find(new AuditLog.Filter("pages-analyst", "client.*", null, null), 0, 10).total()).isZero();
    }

    @Test
    void shouldRecordAConsoleExportOfASegmentWhoeverAsksForIt() throws Exception {
        long segment = jdbc.queryForObject(
                "insert into segment (name, strategy, parameters) values ('Выгрузка из консоли', 'rules', '{}'::jsonb) returning id", Long.class);
        MockHttpSession marketer = login("pages-marketer", "pages-marketer-pass");

        MvcResult export = mvc.perform(get("/segments/" + segment + "/members.csv").session(marketer)).andReturn();

        assertThat(export.getResponse().getStatus()).isEqualTo(200);
        AuditLog.Page exports = audit.find(new AuditLog.Filter("pages-marketer", "segment.export", null, null), 0, 10);
        assertThat(exports.items()).anySatisfy(e -> assertThat(e.target()).isEqualTo("segment:" + segment));
    }

    private void ensure(String username, Role role) {
        try {
            users.loadUserByUsername(username);
        } catch (UsernameNotFoundException e) {
            users.create(username, username + "-pass", role);
        }
    }

    private String page(MockHttpSession session, String path) throws Exception {
        return mvc.perform(get(path).session(session)).andReturn().getResponse().getContentAsString();
    }

    private MockHttpSession login(String username, String password) throws Exception {
        MockHttpSession session = new MockHttpSession();
        MvcResult result = mvc.perform(post("/login").session(session)
                .param("username", username).param("password", password).param("_csrf", csrf(session, "/login"))).andReturn();
        assertThat(result.getResponse().getRedirectedUrl()).as("login of " + username).isEqualTo("/");
        return session;
    }

    private String csrf(MockHttpSession session, String page) throws Exception {
        String html = mvc.perform(get(page).session(session)).andReturn().getResponse().getContentAsString();
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF field on " + page).isTrue();
        return m.group(1);
    }
}
