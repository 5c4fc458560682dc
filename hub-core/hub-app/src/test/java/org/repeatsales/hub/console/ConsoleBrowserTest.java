package org.repeatsales.hub.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.repeatsales.hub.console.ConsoleSessions.SALES_HEADER;
import static org.repeatsales.hub.console.ConsoleSessions.sale;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.imports.ImportService;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.TestPlugins;
import org.repeatsales.hub.security.HubUsers;
import org.repeatsales.hub.security.Role;
import org.repeatsales.hub.segment.SegmentRefresher;
import org.repeatsales.hub.segment.SegmentService;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console in a real headless Chromium against the hub on a random port: what a person does with
 * a mouse, through the login form, on a small imported base with the lifecycle, ABC and golden
 * strategies and the e-mail connector dropped in, a 1C base played by WireMock and GreenMail as the
 * mail server.
 * One Spring context and one browser for the whole class; each test logs in afresh as the role it
 * needs. Every page visited is saved as a screenshot under target/screenshots. The last test walks
 * the whole path, from an upload to a dry-run campaign's report.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.auto-refresh=false",
                "hub.plugins.email.host=127.0.0.1", "hub.plugins.email.security=plain", "hub.plugins.email.from=shop@example.org"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// the base grows as tests import and change things: the figures are read before that
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    // only a bound on waiting: a loaded 2-core CI machine may take long to poll or refresh
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String SOURCE = "onec-e2e";

    /** A 1C base with no new documents, for the sources page's poll now. */
    static final WireMockServer ONEC = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    /** The mail server the e-mail connector's test message goes to. */
    static final GreenMail SMTP = new GreenMail(patient(ServerSetupTest.SMTP.dynamicPort()));

    static {
        // started before the context so their ports can be settings
        ONEC.start();
        SMTP.start();
    }

    /** GreenMail gives a server 2 s to start by default: too little on a loaded 2-core CI machine. */
    private static ServerSetup patient(ServerSetup setup) {
        setup.setServerStartupTimeout(30_000);
        return setup;
    }

    @DynamicPropertySource
    static void peers(DynamicPropertyRegistry registry) {
        String p = "hub.sources." + SOURCE + ".";
        registry.add(p + "base-url", () -> "http://localhost:" + ONEC.port() + "/buh");
        registry.add(p + "user", () -> "odata");
        registry.add(p + "password-env", () -> "HUB_E2E_1C_PASSWORD");
        registry.add("HUB_E2E_1C_PASSWORD", () -> "e2e-secret");
        registry.add(p + "poll-period", () -> "1h");
        registry.add(p + "first-poll-delay", () -> "1h");
        registry.add("hub.plugins.email.port", () -> SMTP.getSmtp().getPort());
    }

    @LocalServerPort
    int port;

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

    Browser browser;
    long lifecycle;
    long abc;
    long golden;

    @BeforeAll
    void hubWithBaseAndBrowser(@TempDir Path work) throws Exception {
        Path csv = work.resolve("base.csv");
        Files.writeString(csv, SALES_HEADER
                + sale(hub.timezone(), 5, "A-1", "Анна Белова", "89161111111", "anna@example.com", 1000)
                + sale(hub.timezone(), 40, "B-1", "Борис Ветров", "89162222222", "boris@example.com", 700)
                + sale(hub.timezone(), 50, "B-2", "Борис Ветров", "89162222222", "boris@example.com", 300)
                + sale(hub.timezone(), 60, "B-3", "Борис Ветров", "89162222222", "boris@example.com", 500)
                + sale(hub.timezone(), 200, "C-1", "Вера Громова", "89163333333", "vera@example.com", 400), StandardCharsets.UTF_8);
        assertThat(imports.importFile(new ImportService.ImportRequest(csv, "base.csv", "test", null, null)).inserted()).isEqualTo(5);
        users.create("marketer-e2e", "marketer-e2e-pass", Role.MARKETER);
        users.create("analyst-e2e", "analyst-e2e-pass", Role.ANALYST);
        TestPlugins.drop(TestPlugins.build(work, "lifecycle", ">=0.2.0 & <1.0.0",
                TestPlugins.bundled("lifecycle", "LifecycleStrategy")), registry.folder());
        TestPlugins.drop(TestPlugins.build(work, "abc", ">=0.2.0 & <1.0.0", TestPlugins.bundled("abc", "AbcStrategy")), registry.folder());
        TestPlugins.drop(TestPlugins.build(work, "golden", ">=0.2.0 & <1.0.0", TestPlugins.bundled("golden", "GoldenStrategy")),
                registry.folder());
        TestPlugins.drop(emailConnectorZip(), registry.folder());
        for (String plugin : List.of("lifecycle", "abc", "golden", "email")) {
            awaitPlugin(plugin, PluginState.STARTED);
        }
        lifecycle = segments.create("Жизненный цикл", "lifecycle", Map.of()).id();
        refresher.refresh(lifecycle, null);
        abc = segments.create("ABC", "abc", Map.of()).id();
        refresher.refresh(abc, null);
        golden = segments.create("Золотые", "golden", Map.of()).id();
        refresher.refresh(golden, null);
        ONEC.stubFor(WireMock.get(WireMock.urlPathMatching("/buh/odata/standard.odata/.*"))
                .willReturn(WireMock.okJson("{\"odata.metadata\": \"http://1c/buh/odata/standard.odata/$metadata\", \"value\": []}")));
        browser = Browser.open("http://localhost:" + port);
    }

    @AfterAll
    void closeBrowserAndPeers() throws IOException {
        ONEC.stop();
        SMTP.stop();
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(10)
    void shouldLogInThroughTheFormAndSeeDashboardFiguresAndChart() {
        browser.logIn("admin", "test-admin-password");

        assertThat(browser.find("[data-figure=clients]").getAttribute("data-value")).isEqualTo("3");
        assertThat(browser.find("[data-figure=clients] .value").getText()).isEqualTo("3");
        assertThat(browser.find("[data-figure=revenue]").getAttribute("data-value")).isEqualTo("2900.00");
        WebElement chart = browser.find("svg#months-chart");
        assertThat(chart.isDisplayed()).isTrue();
        assertThat(chart.getSize().getHeight()).as("the chart is drawn, not an empty box").isGreaterThan(100);
        List<WebElement> months = browser.all("svg#months-chart g.month");
        assertThat(months).hasSize(Dashboard.MONTHS);
        long newClients = months.stream().mapToLong(m -> Long.parseLong(m.getAttribute("data-new"))).sum();
        assertThat(newClients).as("Анна, Борис and Вера bought for the first time within the year").isEqualTo(3);
        assertThat(browser.find("h1").getText()).isEqualTo("Обзор базы");
        browser.screenshot("dashboard");
    }

    @Test
    @Order(20)
    void shouldOpenMembersOfTheMatrixCellClicked() {
        browser.logIn("marketer-e2e", "marketer-e2e-pass");
        browser.find("header a[href='/matrix']").click();
        browser.await(WAIT, d -> browser.path().startsWith("/matrix"));
        browser.screenshot("matrix");

        WebElement repeatFading = browser.find("#matrix a[data-cell=repeat-fading]");
        assertThat(repeatFading.getAttribute("data-count")).isEqualTo("1");
        repeatFading.click();
        browser.await(WAIT, d -> browser.path().startsWith("/segments/" + lifecycle + "/members"));

        List<String> names = browser.all("#members tr td:first-child").stream().map(WebElement::getText).toList();
        assertThat(names).containsExactly("Борис Ветров");
        assertThat(browser.find("#members").getText()).contains("+79162222222", "boris@example.com");
        browser.screenshot("members");
    }

    @Test
    @Order(30)
    void shouldShowAnalystMaskedPhonesAndEmails() {
        browser.logIn("analyst-e2e", "analyst-e2e-pass");
        browser.go("/segments/" + lifecycle + "/members");

        String table = browser.find("#members").getText();
        assertThat(table).contains("Анна Белова", "+7916*****11", "a***@example.com")
                .doesNotContain("+79161111111", "anna@example.com", "+79162222222");
        browser.screenshot("members-analyst");
    }

    @Test
    @Order(40)
    void shouldUploadSalesFileAndShowTheRunReport(@TempDir Path work) throws IOException {
        Path file = work.resolve("new-sales.csv");
        Files.writeString(file, SALES_HEADER
                + sale(hub.timezone(), 3, "D-1", "Галина Дронова", "89164444444", "galina@example.com", 800)
                + "не дата;D-2;Галина Дронова;89164444444;galina@example.com;Товар;1;100;100\n", StandardCharsets.UTF_8);
        browser.logIn("marketer-e2e", "marketer-e2e-pass");
        browser.go("/imports");

        browser.find("#upload input[type=file]").sendKeys(file.toAbsolutePath().toString());
        browser.find("#upload button[type=submit]").click();
        browser.await(WAIT, d -> browser.path().matches("/imports/\\d+") && "succeeded".equals(browser.find("#status").getText()));

        assertThat(browser.find("main").getText()).contains("new-sales.csv");
        List<WebElement> rejected = browser.all("#rejections tr td.num");
        assertThat(rejected).extracting(WebElement::getText).containsExactly("3");
        browser.screenshot("import-run");
    }

    @Test
    @Order(50)
    void shouldPollSourceNowWithoutBlockingThePageAndShowItsNewState() {
        browser.logIn("admin", "test-admin-password");
        browser.find("header a[href='/sources']").click();
        browser.await(WAIT, d -> browser.path().equals("/sources"));
        assertThat(browser.find("tr[data-source=" + SOURCE + "] .last-success").getText()).isEqualTo("не было");

        browser.find("tr[data-source=" + SOURCE + "] button.poll").click();
        // the page answers at once and follows the poll by itself, reloading when it is over
        browser.await(WAIT, d -> browser.find("tr[data-source=" + SOURCE + "] .last-success").getText().matches("\\d\\d\\.\\d\\d\\.\\d{4} .*"));

        assertThat(browser.find("tr[data-source=" + SOURCE + "]").getAttribute("data-state")).isEqualTo("ok");
        assertThat(browser.find("tr[data-source=" + SOURCE + "] .state").getText()).isEqualTo("работает");
        assertThat(browser.find("tr[data-source=" + SOURCE + "] .last-error").getText()).contains("Опрос из консоли прошёл успешно");
        ONEC.verify(WireMock.getRequestedFor(WireMock.urlPathMatching("/buh/odata/standard.odata/.*"))
                .withBasicAuth(new com.github.tomakehurst.wiremock.client.BasicCredentials("odata", "e2e-secret")));
        browser.screenshot("sources");
    }

    @Test
    @Order(60)
    void shouldDisableAndEnablePluginFromItsPage() {
        browser.logIn("admin", "test-admin-password");
        browser.go("/plugins");

        browser.find("tr[data-plugin=golden] button.disable").click();
        browser.await(WAIT, d -> "DISABLED".equals(browser.find("tr[data-plugin=golden]").getAttribute("data-state")));
        assertThat(browser.find("#outcome").getText()).contains("Плагин golden выключен");
        assertThat(registry.strategies()).extracting(s -> s.id()).doesNotContain("golden");
        browser.screenshot("plugins-disabled");

        browser.find("tr[data-plugin=golden] button.enable").click();
        browser.await(WAIT, d -> "STARTED".equals(browser.find("tr[data-plugin=golden]").getAttribute("data-state")));

        assertThat(browser.find("#outcome").getText()).contains("Плагин golden включён", "запущен");
        assertThat(registry.strategies()).extracting(s -> s.id()).contains("golden");
        browser.screenshot("plugins");
    }

    @Test
    @Order(70)
    void shouldSendTestMessageThroughReadyConnector() throws Exception {
        browser.logIn("admin", "test-admin-password");
        browser.go("/channels");
        assertThat(browser.find("tr[data-connector=email]").getAttribute("data-ready")).isEqualTo("true");

        browser.find("tr[data-connector=email] input[name=address]").sendKeys("owner@example.org");
        browser.find("tr[data-connector=email] input[name=subject]").sendKeys("Проверка из консоли");
        browser.find("tr[data-connector=email] button[type=submit]").click();
        browser.await(WAIT, d -> !browser.all("#test-result").isEmpty());

        assertThat(browser.find("#test-result").getAttribute("data-outcome")).isEqualTo("delivered");
        assertThat(browser.find("#test-result").getText()).contains("отправлено");
        assertThat(SMTP.waitForIncomingEmail(10_000, 1)).isTrue();
        assertThat(SMTP.getReceivedMessages()[0].getSubject()).isEqualTo("Проверка из консоли");
        assertThat(SMTP.getReceivedMessages()[0].getAllRecipients()[0].toString()).isEqualTo("owner@example.org");
        browser.screenshot("channels");
    }

    @Test
    @Order(80)
    void shouldDrawParetoCurveAndGoldenShareOnSegmentPages() {
        browser.logIn("marketer-e2e", "marketer-e2e-pass");
        browser.find("header a[href='/segments']").click();
        browser.await(WAIT, d -> browser.path().equals("/segments"));
        browser.find("tr[data-segment='" + abc + "'] a").click();
        browser.await(WAIT, d -> browser.path().equals("/segments/" + abc));

        WebElement curve = browser.find("#pareto-chart polyline.curve");
        assertThat(curve.getAttribute("points").split(" ")).as("from the origin through every buyer").hasSizeGreaterThan(3);
        assertThat(browser.all("#pareto-chart line.threshold")).extracting(l -> l.getAttribute("data-percent"))
                .containsExactly("80.0", "95.0");
        // Борис and Анна bring 86 % of the revenue, but A takes a buyer while those richer bring under 80 %
        assertThat(browser.find("#cells tr[data-cell=a]").getAttribute("data-count")).isEqualTo("2");
        assertThat(browser.find("#cells tr[data-cell=b]").getAttribute("data-count")).isEqualTo("1");
        assertThat(browser.find("#cells a.export").getAttribute("href")).contains("/segments/" + abc + "/members.csv?cell=");
        browser.screenshot("segment-abc");

        browser.go("/segments/" + golden);
        assertThat(browser.find("#golden").getText()).startsWith("Золотые клиенты").contains("% выручки");
        browser.screenshot("segment-golden");
    }

    @Test
    @Order(90)
    void shouldOfferNoExportToAnalyst() {
        browser.logIn("analyst-e2e", "analyst-e2e-pass");
        browser.go("/segments/" + abc);

        assertThat(browser.all("a.export")).isEmpty();
        assertThat(browser.all("header a[href='/plugins']")).isEmpty();
        browser.go("/segments/" + abc + "/members.csv");
        assertThat(browser.find("body").getText()).doesNotContain("+79161111111", "anna@example.com");
    }

    /**
     * The path end to end: upload a file and watch it finish, open the matrix, click a
     * cell, create a campaign for its audience in the builder (live count and preview included)
     * as a dry run, and read its report with the conversion chart.
     */
    @Test
    @Order(100)
    void shouldGoFromUploadThroughMatrixCellToADryRunCampaignAndItsReport(@TempDir Path work) throws IOException {
        Path file = work.resolve("more-sales.csv");
        Files.writeString(file, SALES_HEADER + sale(hub.timezone(), 2, "E-1", "Дмитрий Ершов", "89165555555", "dmitry@example.com", 900), StandardCharsets.UTF_8);
        browser.logIn("marketer-e2e", "marketer-e2e-pass");
        browser.go("/imports");
        browser.find("#upload input[type=file]").sendKeys(file.toAbsolutePath().toString());
        browser.find("#upload button[type=submit]").click();
        browser.await(WAIT, d -> browser.path().matches("/imports/\\d+") && "succeeded".equals(browser.find("#status").getText()));
        browser.screenshot("e2e-import");

        browser.find("header a[href='/matrix']").click();
        browser.await(WAIT, d -> browser.path().startsWith("/matrix"));
        browser.find("#matrix a[data-cell=repeat-fading]").click();
        browser.await(WAIT, d -> browser.path().startsWith("/segments/" + lifecycle + "/members"));
        browser.screenshot("e2e-members");

        browser.find("#new-campaign").click();
        browser.await(WAIT, d -> browser.path().startsWith("/campaigns/new"));
        assertThat(browser.find("#audience input[value='" + lifecycle + ":repeat-fading']").isSelected())
                .as("the cell clicked is the audience").isTrue();
        browser.find("#name").sendKeys("Вернуть угасающих");
        // the live count and preview come from the server as the form changes, without a reload
        browser.await(WAIT, d -> "1".equals(browser.find("#audience-count").getAttribute("data-count")));
        browser.await(WAIT, d -> browser.find("#preview-text").getText().contains("Борис"));
        assertThat(browser.find("#preview-subject").getText()).isEqualTo("Борис, для вас подарок");
        browser.screenshot("campaign-builder");

        browser.find("#save-dry-run").click();
        browser.await(WAIT, d -> browser.path().matches("/campaigns/runs/\\d+"));

        assertThat(browser.find("#dry-run").getText()).contains("пробный запуск");
        assertThat(browser.find("[data-figure=audience]").getAttribute("data-value")).isEqualTo("1");
        WebElement chart = browser.find("svg#conversion-chart");
        assertThat(chart.isDisplayed()).isTrue();
        assertThat(chart.getSize().getHeight()).as("the chart is drawn, not an empty box").isGreaterThan(100);
        assertThat(browser.all("svg#conversion-chart g.group")).extracting(g -> g.getAttribute("data-group"))
                .containsExactly("sent", "control");
        browser.screenshot("campaign-run");
        ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("arguments[0].scrollIntoView()", chart);
        browser.screenshot("campaign-run-chart");

        browser.find("#campaign-link").click();
        browser.await(WAIT, d -> browser.path().matches("/campaigns/\\d+"));
        assertThat(browser.all("#runs tr[data-run]")).hasSize(1);
        browser.find("header a[href='/campaigns']").click();
        browser.await(WAIT, d -> browser.path().equals("/campaigns"));
        assertThat(browser.find("#campaigns").getText()).contains("Вернуть угасающих", "черновик", "завершён");
        browser.screenshot("campaigns");
    }

    private static Path emailConnectorZip() throws IOException {
        Path dist = Path.of("../../connectors/target/dist");
        try (DirectoryStream<Path> zips = Files.newDirectoryStream(dist, "email-*.zip")) {
            for (Path zip : zips) {
                return zip;
            }
        }
        throw new AssertionError("No e-mail connector zip in " + dist.toAbsolutePath() + ": build connectors/email first");
    }

    private void awaitPlugin(String id, PluginState state) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (registry.list().stream().noneMatch(p -> p.id().equals(id) && p.state() == state)) {
            assertThat(System.currentTimeMillis()).as(id + " " + state + ": " + registry.list()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

}
