package org.repeatsales.hub.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.MovableClock;

class LoginAttemptsTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-06-30T09:00:00Z"));
    private final LoginAttempts attempts = new LoginAttempts(clock);

    @Test
    void shouldLockUsernameAfterFiveFailuresAndNotBefore() {
        for (int i = 0; i < LoginAttempts.USER_LIMIT - 1; i++) {
            attempts.failed("anna", "10.0.0.1");
        }
        assertThat(attempts.locked("anna", "10.0.0.1")).isFalse();

        attempts.failed("Anna ", "10.0.0.1");

        assertThat(attempts.locked("anna", "10.0.0.2")).as("same name, other address, other case").isTrue();
        assertThat(attempts.locked("boris", "10.0.0.2")).isFalse();
    }

    @Test
    void shouldUnlockAfterAMinute() {
        for (int i = 0; i < LoginAttempts.USER_LIMIT; i++) {
            attempts.failed("anna", "10.0.0.1");
        }

        clock.advance(LoginAttempts.LOCK.plusSeconds(1));

        assertThat(attempts.locked("anna", "10.0.0.1")).isFalse();
    }

    @Test
    void shouldLockAddressTryingManyUsernames() {
        for (int i = 0; i < LoginAttempts.ADDRESS_LIMIT; i++) {
            attempts.failed("user" + i, "10.0.0.9");
        }

        assertThat(attempts.locked("someone-new", "10.0.0.9")).isTrue();
        assertThat(attempts.locked("someone-new", "10.0.0.1")).isFalse();
    }

    @Test
    void shouldForgetFailuresOfUserWhoLoggedIn() {
        for (int i = 0; i < LoginAttempts.USER_LIMIT - 1; i++) {
            attempts.failed("anna", "10.0.0.1");
        }

        attempts.succeeded("anna");
        attempts.failed("anna", "10.0.0.1");

        assertThat(attempts.locked("anna", "10.0.0.1")).isFalse();
    }
}
