package org.repeatsales.hub.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The system's headless Chromium (Debian packages {@code chromium} and {@code chromium-driver})
 * driven by Selenium, one per test class. A missing browser fails the test with the command that
 * installs it: browser tests never skip by themselves, so a CI machine without the packages cannot
 * pass. Someone without them who wants the rest of the suite says so with
 * {@code -Dhub.browser-tests=off}, which CI ({@code CI=true}) refuses.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("hub.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("hub.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;
    private final String base;

    private Browser(String base) throws IOException {
        this.base = base;
        this.profile = Files.createTempDirectory("hub-chromium-");
        this.service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/chromedriver.log"))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // the flags without which Chromium reaches for Google's hosts: on a closed network those
        // connections are refused by the dozen, and they only slow the run down elsewhere
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--disable-extensions", "--lang=ru-RU", "--window-size=1280,1000",
                "--user-data-dir=" + profile);
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    /** Starts the browser against the hub at {@code base} (http://localhost:port), or fails saying what is missing. */
    static Browser open(String base) throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            String install = "Browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "): apt-get install -y chromium chromium-driver";
            boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
            if (!ci && "off".equals(System.getProperty("hub.browser-tests"))) {
                org.junit.jupiter.api.Assumptions.abort("Browser tests switched off with -Dhub.browser-tests=off. " + install);
            }
            Assertions.fail(install + (ci ? "" : " (or run the rest with -Dhub.browser-tests=off)"));
        }
        return new Browser(base);
    }

    WebDriver driver() {
        return driver;
    }

    void go(String path) {
        driver.get(base + path);
    }

    String path() {
        String url = driver.getCurrentUrl();
        return url.startsWith(base) ? url.substring(base.length()) : url;
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    java.util.List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        // pages that follow a long operation reload themselves: an element read just then is gone
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
                .ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class).until(condition);
    }

    /** Logs in through the form, as a person would, after dropping any earlier session. */
    void logIn(String username, String password) {
        driver.manage().deleteAllCookies();
        go("/login");
        find("#username").sendKeys(username);
        find("#password").sendKeys(password);
        find("form button[type=submit]").click();
        await(Duration.ofSeconds(60), d -> !path().startsWith("/login"));
        assertThat(path()).as("after login as " + username).isIn("/", "/#");
    }

    /** A full-page picture under target/screenshots, for a person reviewing the build. */
    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save screenshot " + name, e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
