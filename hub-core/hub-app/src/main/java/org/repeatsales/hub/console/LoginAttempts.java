package org.repeatsales.hub.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Slows down password guessing on the console's login form: after {@value #USER_LIMIT} failures for
 * one username (or {@value #ADDRESS_LIMIT} from one address, so trying many names does not help) the
 * form refuses further attempts for a minute, correct password or not. Kept in memory: a restart
 * forgets it, which costs an attacker a restart they cannot cause. The API's HTTP Basic logins count
 * against the same budget ({@code security.ApiLoginLimitFilter}), so switching from the form to
 * the API does not give a guesser fresh attempts.
 */
@Component
public class LoginAttempts {

    static final int USER_LIMIT = 5;
    static final int ADDRESS_LIMIT = 20;
    public static final Duration LOCK = Duration.ofMinutes(1);

    /** Beyond this many tracked names and addresses, expired entries are dropped at the next failure. */
    private static final int TRACKED = 10_000;

    private static final Logger log = LoggerFactory.getLogger(LoginAttempts.class);

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    LoginAttempts() {
        this(Clock.systemUTC());
    }

    LoginAttempts(Clock clock) {
        this.clock = clock;
    }

    /** Failures within the last minute; older ones no longer count. */
    private record Failures(int count, Instant firstAt) {
    }

    public boolean locked(String username, String address) {
        return reached(userKey(username), USER_LIMIT) || reached(addressKey(address), ADDRESS_LIMIT);
    }

    public void failed(String username, String address) {
        if (count(userKey(username)) == USER_LIMIT) {
            log.warn("Console login for user '{}' locked for {} after {} failures", username, LOCK, USER_LIMIT);
        }
        count(addressKey(address));
    }

    public void succeeded(String username) {
        failures.remove(userKey(username));
    }

    private int count(String key) {
        Instant now = clock.instant();
        if (failures.size() > TRACKED) {
            // guessing with ever new usernames must not grow the map without end
            failures.values().removeIf(f -> expired(f, now));
        }
        return failures.compute(key, (k, f) -> f == null || expired(f, now) ? new Failures(1, now) : new Failures(f.count() + 1, f.firstAt()))
                .count();
    }

    private boolean reached(String key, int limit) {
        Failures f = failures.get(key);
        if (f == null) {
            return false;
        }
        if (expired(f, clock.instant())) {
            failures.remove(key, f);
            return false;
        }
        return f.count() >= limit;
    }

    private static boolean expired(Failures f, Instant now) {
        return f.firstAt().plus(LOCK).isBefore(now);
    }

    private static String userKey(String username) {
        return "user:" + (username == null ? "" : username.trim().toLowerCase(Locale.ROOT));
    }

    private static String addressKey(String address) {
        return "address:" + address;
    }
}
