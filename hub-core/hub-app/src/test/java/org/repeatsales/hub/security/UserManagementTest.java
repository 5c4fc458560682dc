package org.repeatsales.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.HubApiClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Admins manage users over the API; everyone manages their own tokens; no secret comes back. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.inbox.enabled=false", "hub.segments.auto-refresh=false"})
class UserManagementTest {

    @LocalServerPort
    int port;

    @Test
    void shouldCreateUserWithRoleAndNeverReturnThePasswordOrItsHash() {
        HubApiClient admin = HubApiClient.admin(port);

        HubApiClient.Response created = admin.postJson("/api/v1/users",
                "{\"username\":\"olga\",\"password\":\"olga-secret-42\",\"role\":\"marketer\"}");
        HubApiClient.Response list = admin.get("/api/v1/users");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("role").asText()).isEqualTo("MARKETER");
        assertThat(created.json().get("enabled").asBoolean()).isTrue();
        assertThat(created.body() + list.body()).doesNotContain("olga-secret-42", "{bcrypt}", "$2a$", "password");
        assertThat(HubApiClient.basic(port, "olga", "olga-secret-42").get("/api/v1/clients").status()).isEqualTo(200);
    }

    @Test
    void shouldRefuseShortPasswordsAndBadNamesNamingTheField() {
        HubApiClient admin = HubApiClient.admin(port);

        HubApiClient.Response shortPassword = admin.postJson("/api/v1/users", "{\"username\":\"pavel\",\"password\":\"short\",\"role\":\"analyst\"}");
        HubApiClient.Response badName = admin.postJson("/api/v1/users", "{\"username\":\"pa vel\",\"password\":\"long-enough-1\",\"role\":\"analyst\"}");
        HubApiClient.Response badRole = admin.postJson("/api/v1/users", "{\"username\":\"pavel\",\"password\":\"long-enough-1\",\"role\":\"owner\"}");

        assertThat(shortPassword.status()).isEqualTo(400);
        assertThat(shortPassword.json().get("message").asText()).contains("password").contains("10");
        assertThat(badName.json().get("message").asText()).contains("username");
        assertThat(badRole.json().get("message").asText()).contains("role").contains("owner");
        assertThat(admin.get("/api/v1/users").body()).doesNotContain("pavel");
    }

    @Test
    void shouldRefuseDisabledUserUntilEnabledAgainAndApplyNewRoleAndPassword() {
        HubApiClient admin = HubApiClient.admin(port);
        admin.postJson("/api/v1/users", "{\"username\":\"semen\",\"password\":\"semen-secret-1\",\"role\":\"analyst\"}");
        String token = HubApiClient.basic(port, "semen", "semen-secret-1").postJson("/api/v1/tokens", "{\"name\":\"semen script\"}")
                .json().get("token").asText();

        assertThat(admin.post("/api/v1/users/semen/disable").json().get("enabled").asBoolean()).isFalse();
        assertThat(HubApiClient.basic(port, "semen", "semen-secret-1").get("/api/v1/clients").status()).isEqualTo(401);
        assertThat(HubApiClient.bearer(port, token).get("/api/v1/clients").status()).isEqualTo(401);

        admin.post("/api/v1/users/semen/enable");
        assertThat(HubApiClient.bearer(port, token).get("/api/v1/clients").status()).isEqualTo(200);
        assertThat(HubApiClient.bearer(port, token).get("/api/v1/audit").status()).isEqualTo(403);

        assertThat(admin.postJson("/api/v1/users/semen/role", "{\"role\":\"admin\"}").json().get("role").asText()).isEqualTo("ADMIN");
        assertThat(HubApiClient.bearer(port, token).get("/api/v1/audit").status()).isEqualTo(200);

        assertThat(admin.postJson("/api/v1/users/semen/password", "{\"password\":\"semen-new-secret\"}").status()).isEqualTo(204);
        assertThat(HubApiClient.basic(port, "semen", "semen-secret-1").get("/api/v1/clients").status()).isEqualTo(401);
        assertThat(HubApiClient.basic(port, "semen", "semen-new-secret").get("/api/v1/clients").status()).isEqualTo(200);
    }

    @Test
    void shouldKeepTheLastEnabledAdmin() {
        HubApiClient admin = HubApiClient.admin(port);

        HubApiClient.Response disableSelf = admin.post("/api/v1/users/admin/disable");
        HubApiClient.Response demoteSelf = admin.postJson("/api/v1/users/admin/role", "{\"role\":\"analyst\"}");

        // other tests of this class may have made another admin; only when none is left is it refused
        boolean alone = admin.get("/api/v1/users").json().findValues("role").stream()
                .filter(r -> r.asText().equals("ADMIN")).count() == 1;
        if (alone) {
            assertThat(disableSelf.status()).isEqualTo(400);
            assertThat(disableSelf.json().get("message").asText()).contains("last enabled admin");
            assertThat(demoteSelf.status()).isEqualTo(400);
        }
        assertThat(admin.get("/api/v1/users/admin").json().get("enabled").asBoolean()).isTrue();
    }

    @Test
    void shouldShowATokenOnceListItWithoutTheSecretAndRefuseItAfterRevocation() {
        HubApiClient admin = HubApiClient.admin(port);
        admin.postJson("/api/v1/users", "{\"username\":\"irina\",\"password\":\"irina-secret-1\",\"role\":\"analyst\"}");
        HubApiClient irina = HubApiClient.basic(port, "irina", "irina-secret-1");

        JsonNode issued = irina.postJson("/api/v1/tokens", "{\"name\":\"Excel refresh\"}").json();
        String token = issued.get("token").asText();
        long id = issued.get("info").get("id").asLong();
        HubApiClient.Response listed = irina.get("/api/v1/tokens");
        HubApiClient.Response allByAdmin = admin.get("/api/v1/tokens?all=true");

        assertThat(token).startsWith("hub_").hasSizeGreaterThan(30);
        assertThat(listed.json().get(0).get("name").asText()).isEqualTo("Excel refresh");
        assertThat(listed.body()).doesNotContain(token);
        assertThat(allByAdmin.body()).contains("Excel refresh").doesNotContain(token);
        assertThat(HubApiClient.bearer(port, token).get("/api/v1/clients").status()).isEqualTo(200);

        JsonNode revoked = irina.delete("/api/v1/tokens/" + id).json();

        assertThat(revoked.get("revokedAt").isNull()).isFalse();
        assertThat(HubApiClient.bearer(port, token).get("/api/v1/clients").status()).isEqualTo(401);
    }

    @Test
    void shouldLetNonAdminsManageOnlyTheirOwnTokens() {
        HubApiClient admin = HubApiClient.admin(port);
        admin.postJson("/api/v1/users", "{\"username\":\"kirill\",\"password\":\"kirill-secret-1\",\"role\":\"marketer\"}");
        HubApiClient kirill = HubApiClient.basic(port, "kirill", "kirill-secret-1");
        long adminsToken = admin.postJson("/api/v1/tokens", "{\"name\":\"admin's own\"}").json().get("info").get("id").asLong();

        assertThat(kirill.delete("/api/v1/tokens/" + adminsToken).status()).isEqualTo(403);
        assertThat(kirill.postJson("/api/v1/tokens", "{\"name\":\"for admin\",\"username\":\"admin\"}").status()).isEqualTo(403);
        assertThat(kirill.get("/api/v1/tokens?all=true").status()).isEqualTo(403);
        assertThat(kirill.get("/api/v1/users").status()).isEqualTo(403);
        assertThat(kirill.postJson("/api/v1/users", "{\"username\":\"x\",\"password\":\"xxxxxxxxxxxx\",\"role\":\"admin\"}").status()).isEqualTo(403);
        assertThat(HubApiClient.anonymous(port).get("/api/v1/tokens").status()).isEqualTo(401);
        assertThat(admin.postJson("/api/v1/tokens", "{\"name\":\"for kirill\",\"username\":\"kirill\"}").status()).isEqualTo(201);
    }

    @Test
    void shouldRecordEveryUserAndTokenChangeInTheAuditLog() {
        HubApiClient admin = HubApiClient.admin(port);
        admin.postJson("/api/v1/users", "{\"username\":\"audited\",\"password\":\"audited-secret\",\"role\":\"analyst\"}");
        admin.postJson("/api/v1/users/audited/role", "{\"role\":\"marketer\"}");
        admin.post("/api/v1/users/audited/disable");
        admin.post("/api/v1/users/audited/enable");
        admin.postJson("/api/v1/users/audited/password", "{\"password\":\"audited-secret-2\"}");
        JsonNode issued = admin.postJson("/api/v1/tokens", "{\"name\":\"for audited\",\"username\":\"audited\"}").json();
        admin.delete("/api/v1/tokens/" + issued.get("info").get("id").asLong());

        HubApiClient.Response log = admin.get("/api/v1/audit?limit=1000");
        java.util.List<String> actions = new java.util.ArrayList<>();
        log.json().get("items").forEach(e -> {
            // other tests share the log: only rows about this user (tokens name their user in the details)
            if (e.get("target").asText().equals("user:audited") || e.get("details").asText().contains("user audited")) {
                actions.add(e.get("action").asText());
            }
        });

        assertThat(actions).containsExactly("token.revoke", "token.create", "user.password", "user.enable", "user.disable", "user.role", "user.create");
        assertThat(log.body()).doesNotContain("audited-secret", issued.get("token").asText());
    }
}
