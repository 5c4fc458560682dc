package org.repeatsales.hub.segment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repeatsales.hub.HubApiClient;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.TestPlugins;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** Segments stay current by themselves: after an import, and on a new day. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.inbox.enabled=false", "hub.plugins.poll-millis=100", "hub.segments.check-millis=200"})
class SegmentAutoRefreshTest {

    private static final String HEADER = "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма\n";

    @LocalServerPort
    int port;

    @Autowired
    PluginRegistry registry;

    @Autowired
    JdbcTemplate jdbc;

    @TempDir
    Path work;

    @Test
    void shouldRefreshAfterAnImportAndOnANewDay() throws IOException {
        HubApiClient admin = HubApiClient.admin(port);
        TestPlugins.drop(TestPlugins.build(work, "purchases", ">=0.2.0",
                Map.of("test.purchases.PurchasesStrategy", TestPlugins.PURCHASES_STRATEGY)), registry.folder());
        await(() -> registry.list().stream().anyMatch(p -> p.state() == PluginState.STARTED));
        importCsv(admin, "first.csv", "05.01.2026 10:00;AR-1;Аня;89161110001;;Хлеб;1;100;100\n");
        long id = admin.postJson("/api/v1/segments", "{\"name\": \"Покупки\", \"strategy\": \"test-purchases\"}").json().get("id").asLong();

        // never refreshed: refreshed at the next check
        await(() -> members(admin, id) == 1);
        int refreshes = refreshCount(id);

        importCsv(admin, "second.csv", "06.01.2026 10:00;AR-2;Боря;89161110002;;Хлеб;1;100;100\n");
        await(() -> members(admin, id) == 2);
        assertThat(refreshCount(id)).isEqualTo(refreshes + 1);

        // nothing new: no refresh until the day changes
        sleep(600);
        assertThat(refreshCount(id)).isEqualTo(refreshes + 1);
        jdbc.update("update segment_refresh set started_at = started_at - interval '1 day' where segment_id = ?", id);
        await(() -> refreshCount(id) == refreshes + 2);
    }

    private static void importCsv(HubApiClient admin, String name, String rows) throws IOException {
        Path csv = Files.writeString(Files.createTempFile(name, ".csv"), HEADER + rows, StandardCharsets.UTF_8);
        assertThat(admin.upload("/api/v1/imports", csv).status()).isEqualTo(200);
    }

    private static long members(HubApiClient admin, long id) {
        return admin.get("/api/v1/segments/" + id + "/members").json().get("total").asLong();
    }

    private int refreshCount(long id) {
        return jdbc.queryForObject("select count(*) from segment_refresh where segment_id = ? and status = 'succeeded'", Integer.class, id);
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("Condition not met within 20 s");
            }
            sleep(50);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
