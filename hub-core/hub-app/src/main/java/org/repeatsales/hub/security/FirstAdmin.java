package org.repeatsales.hub.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.repeatsales.hub.config.HubProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Makes sure someone can log in: on the first start creates user {@code admin} with the password
 * from {@code HUB_ADMIN_PASSWORD}, or generates one and prints it once. Also keeps a token for the
 * local launcher ({@code bin/hub}) in {@code data/cli-token}, readable only by its owner.
 */
@Component
@Order(0)
class FirstAdmin implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);

    private final HubUsers users;
    private final HubProperties hub;
    private final String configuredPassword;

    FirstAdmin(HubUsers users, HubProperties hub, @Value("${hub.admin-password:}") String configuredPassword) {
        this.users = users;
        this.hub = hub;
        this.configuredPassword = configuredPassword;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        if (!users.anyUser()) {
            boolean generated = configuredPassword.isBlank();
            String password = generated ? HubUsers.randomSecret(12) : configuredPassword;
            users.create("admin", password, Role.ADMIN);
            if (generated) {
                // printed, not logged: it must reach the person starting the hub, once, and no log file
                System.out.println();
                System.out.println("==================================================================");
                System.out.println(" First start: created user 'admin' with password: " + password);
                System.out.println(" It is shown only this once. Set HUB_ADMIN_PASSWORD to choose it.");
                System.out.println("==================================================================");
                System.out.println();
            } else {
                log.info("First start: created user 'admin' with the password from HUB_ADMIN_PASSWORD");
            }
        }
        writeLauncherToken();
    }

    private void writeLauncherToken() throws IOException {
        Path file = hub.dataPath().resolve("cli-token");
        if (Files.exists(file) && users.tokenIsValid(Files.readString(file).trim())) {
            return;
        }
        Files.createDirectories(file.getParent());
        String token = users.issueToken("admin", "bin/hub launcher");
        Files.writeString(file, token + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            log.warn("Cannot restrict permissions of {}: keep it private", file);
        }
    }
}
