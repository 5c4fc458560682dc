package org.repeatsales.hub.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.api.HubApi;
import org.repeatsales.hub.security.HubUsers;
import org.repeatsales.hub.security.Role;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Plugins dropped into, and removed from, the folder of a running hub; broken ones fail alone. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100"})
public class PluginFolderTest {

    @LocalServerPort
    int port;

    @Autowired
    PluginRegistry registry;

    @Autowired
    HubUsers users;

    @TempDir
    Path work;

    @AfterEach
    void emptyFolder() throws IOException {
        for (var p : registry.list()) {
            registry.delete(p.id());
        }
    }

    @Test
    void shouldLoadDroppedPluginAndOfferItsStrategyWithoutRestart() {
        Path zip = TestPlugins.build(work, "purchases", ">=0.2.0 & <1.0.0",
                Map.of("test.purchases.PurchasesStrategy", TestPlugins.PURCHASES_STRATEGY));
        HubApiClient admin = HubApiClient.admin(port);

        TestPlugins.drop(zip, registry.folder());

        JsonNode plugin = awaitPlugin(admin, "purchases", p -> p.get("state").asText().equals("STARTED"));
        assertThat(plugin.get("version").asText()).isEqualTo("1.0.0");
        assertThat(plugin.get("extensions").toString()).contains("test.purchases.PurchasesStrategy");
        JsonNode strategies = admin.get("/api/v1/strategies").json();
        assertThat(strategies.toString()).contains("\"id\":\"test-purchases\"", "Покупки (purchases)", "manyFrom", "Многократные");
    }

    @Test
    void shouldMarkBrokenPluginFailedAndKeepServing() throws IOException {
        HubApiClient admin = HubApiClient.admin(port);
        Path good = TestPlugins.build(work, "purchases", ">=0.2.0", Map.of("test.purchases.PurchasesStrategy", TestPlugins.PURCHASES_STRATEGY));
        Path incompatible = TestPlugins.build(work, "from-the-future", ">=9.0.0",
                Map.of("test.purchases.PurchasesStrategy", TestPlugins.PURCHASES_STRATEGY.replace("test-purchases", "test-future")));
        Path throwing = TestPlugins.build(work, "boom", "0.2.0", Map.of("test.boom.BoomStrategy", TestPlugins.THROWING_CONSTRUCTOR_STRATEGY));
        Path corrupt = Files.writeString(work.resolve("corrupt.zip"), "this is not a zip at all", StandardCharsets.UTF_8);
        TestPlugins.drop(good, registry.folder());
        awaitPlugin(admin, "purchases", p -> p.get("state").asText().equals("STARTED"));

        TestPlugins.drop(incompatible, registry.folder());
        TestPlugins.drop(throwing, registry.folder());
        TestPlugins.drop(corrupt, registry.folder());

        JsonNode future = awaitPlugin(admin, "from-the-future", p -> p.get("state").asText().equals("FAILED"));
        JsonNode boom = awaitPlugin(admin, "boom", p -> p.get("state").asText().equals("FAILED"));
        JsonNode broken = awaitPlugin(admin, "corrupt.zip", p -> p.get("state").asText().equals("FAILED"));
        assertThat(future.get("reason").asText()).isEqualTo("Requires hub-api >=9.0.0, this hub implements " + HubApi.VERSION);
        assertThat(boom.get("reason").asText()).contains("test.boom.BoomStrategy", "boom in constructor");
        assertThat(broken.get("reason").asText()).contains("Not a readable plugin zip");
        assertThat(admin.getText("/api/v1/status").status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/plugins/purchases").json().get("state").asText()).isEqualTo("STARTED");
        assertThat(admin.get("/api/v1/strategies").body()).contains("test-purchases").doesNotContain("test-future", "test-boom");
    }

    @Test
    void shouldStopPluginWhoseFileIsRemoved() throws IOException {
        HubApiClient admin = HubApiClient.admin(port);
        Path zip = TestPlugins.build(work, "purchases", ">=0.2.0", Map.of("test.purchases.PurchasesStrategy", TestPlugins.PURCHASES_STRATEGY));
        Path dropped = TestPlugins.drop(zip, registry.folder());
        awaitPlugin(admin, "purchases", p -> p.get("state").asText().equals("STARTED"));

        Files.delete(dropped);

        await(() -> admin.get("/api/v1/plugins").json().isEmpty());
        assertThat(admin.get("/api/v1/strategies").json()).isEmpty();
    }

    @Test
    void shouldUploadDisableEnableAndDeletePluginsAsAdminOnly() throws IOException {
        HubApiClient admin = HubApiClient.admin(port);
        users.create("marketer-p", "marketer-pass", Role.MARKETER);
        HubApiClient marketer = HubApiClient.basic(port, "marketer-p", "marketer-pass");
        Path zip = TestPlugins.build(work, "purchases", ">=0.2.0", Map.of("test.purchases.PurchasesStrategy", TestPlugins.PURCHASES_STRATEGY));

        assertThat(marketer.upload("/api/v1/plugins", zip).status()).isEqualTo(403);
        assertThat(marketer.get("/api/v1/plugins").status()).isEqualTo(403);
        HubApiClient.Response uploaded = admin.upload("/api/v1/plugins", zip);
        assertThat(uploaded.status()).isEqualTo(201);
        assertThat(uploaded.json().get("state").asText()).isEqualTo("STARTED");
        assertThat(marketer.get("/api/v1/strategies").body()).contains("test-purchases");

        HubApiClient.Response disabled = admin.postRaw("/api/v1/plugins/purchases/disable", new byte[0], "application/json");
        assertThat(disabled.json().get("state").asText()).isEqualTo("DISABLED");
        assertThat(admin.get("/api/v1/strategies").json()).isEmpty();

        assertThat(admin.postRaw("/api/v1/plugins/purchases/enable", new byte[0], "application/json").json().get("state").asText())
                .isEqualTo("STARTED");
        assertThat(admin.postRaw("/api/v1/plugins/purchases/reload", new byte[0], "application/json").json().get("state").asText())
                .isEqualTo("STARTED");
        assertThat(admin.get("/api/v1/strategies").body()).contains("test-purchases");

        assertThat(admin.delete("/api/v1/plugins/purchases").status()).isEqualTo(204);
        assertThat(registry.folder().resolve("purchases.zip")).doesNotExist();
        assertThat(admin.get("/api/v1/plugins").json()).isEmpty();
        assertThat(admin.get("/api/v1/plugins/purchases").status()).isEqualTo(404);
    }

    @Test
    void shouldLetAPluginBringItsOwnVersionOfALibraryTheHubAlsoUses() {
        // The hub uses libphonenumber (through hub-ingest); this plugin ships an incompatible class of
        // the same name in its lib/. With the plugin's own class loader first, both keep working.
        Map<String, String> library = Map.of("com.google.i18n.phonenumbers.PhoneNumberUtil", """
                package com.google.i18n.phonenumbers;

                public class PhoneNumberUtil {
                    public static String getInstance() { return "своя версия библиотеки"; }
                }
                """);
        Map<String, String> strategy = Map.of("test.lib.LibStrategy", TestPlugins.PURCHASES_STRATEGY
                .replace("package test.purchases;", "package test.lib;")
                .replace("PurchasesStrategy", "LibStrategy")
                .replace("\"test-purchases\"", "\"test-lib\"")
                .replace("Label.of(\"Покупки (\" + context.pluginId() + \")\", \"Purchases\")",
                        "Label.of(com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance(), \"Own library\")"));
        Path zip = TestPlugins.build(work, "own-library", ">=0.2.0", strategy, library);
        HubApiClient admin = HubApiClient.admin(port);

        TestPlugins.drop(zip, registry.folder());

        awaitPlugin(admin, "own-library", p -> p.get("state").asText().equals("STARTED"));
        assertThat(admin.get("/api/v1/strategies").body()).contains("своя версия библиотеки");
        assertThat(org.repeatsales.hub.ingest.Contacts.phone("8 916 123-45-67")).isEqualTo("+79161234567");
    }

    @Test
    void shouldRefuseUploadOfAFileThatIsNotAPlugin() throws IOException {
        Path text = Files.writeString(work.resolve("notes.txt"), "hello");
        Path corrupt = Files.writeString(work.resolve("broken.zip"), "PK but not really");

        assertThat(HubApiClient.admin(port).upload("/api/v1/plugins", text).status()).isEqualTo(400);
        HubApiClient.Response failed = HubApiClient.admin(port).upload("/api/v1/plugins", corrupt);
        assertThat(failed.status()).isEqualTo(422);
        assertThat(failed.json().get("reason").asText()).contains("Not a readable plugin zip");
    }

    private static JsonNode awaitPlugin(HubApiClient admin, String id, Predicate<JsonNode> condition) {
        JsonNode[] found = new JsonNode[1];
        await(() -> {
            for (JsonNode p : admin.get("/api/v1/plugins").json()) {
                if (p.get("id").asText().equals(id) && condition.test(p)) {
                    found[0] = p;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Waits up to 20 s for the condition, polling; other tests that wait on a plugin or a file use it too. */
    public static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("Condition not met within 20 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
