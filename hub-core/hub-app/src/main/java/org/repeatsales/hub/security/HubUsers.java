package org.repeatsales.hub.security;

import static org.repeatsales.hub.store.jooq.Tables.API_TOKEN;
import static org.repeatsales.hub.store.jooq.Tables.HUB_USER;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.repeatsales.hub.audit.AuditLog;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * Users and their API tokens. Passwords are stored hashed; tokens only as SHA-256 digests. Neither
 * ever leaves this class: views carry no hash, and a new token's secret is returned once, to be
 * shown once. Changes made by people are written to the audit log here, so the API and the console
 * record them alike.
 */
@Service
public class HubUsers implements UserDetailsService {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Bcrypt reads only the first 72 bytes: a longer password would be checked only in part. */
    static final int PASSWORD_MAX_BYTES = 72;

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    private final DSLContext db;
    private final PasswordEncoder passwords;
    private final AuditLog audit;
    private final int passwordMinLength;

    HubUsers(DSLContext db, AuditLog audit, AccessProperties access) {
        this.db = db;
        this.audit = audit;
        this.passwordMinLength = access.passwordMinLength();
        // bcrypt today, with the {id} prefix that lets a stronger hash replace it without a migration
        this.passwords = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        var user = db.fetchOne(HUB_USER, HUB_USER.USERNAME.eq(username));
        if (user == null) {
            throw new UsernameNotFoundException(username);
        }
        return User.withUsername(user.getUsername())
                .password(user.getPasswordHash())
                .disabled(!user.getEnabled())
                .authorities(List.of(new SimpleGrantedAuthority(Role.fromDb(user.getRole()).authority())))
                .build();
    }

    public boolean anyUser() {
        return db.fetchExists(HUB_USER);
    }

    public long create(String username, String rawPassword, Role role) {
        return db.insertInto(HUB_USER)
                .set(HUB_USER.USERNAME, username)
                .set(HUB_USER.PASSWORD_HASH, passwords.encode(rawPassword))
                .set(HUB_USER.ROLE, role.dbValue())
                .returning(HUB_USER.ID)
                .fetchOne()
                .getId();
    }

    /** Issues a new token for the user; the returned secret is shown once and never stored. */
    public String issueToken(String username, String tokenName) {
        long userId = db.select(HUB_USER.ID).from(HUB_USER).where(HUB_USER.USERNAME.eq(username)).fetchSingle().value1();
        String token = "hub_" + randomSecret(32);
        db.insertInto(API_TOKEN)
                .set(API_TOKEN.USER_ID, userId)
                .set(API_TOKEN.NAME, tokenName)
                .set(API_TOKEN.TOKEN_HASH, digest(token))
                .execute();
        return token;
    }

    /** The user a token belongs to, if the token is known and its user enabled. */
    public Optional<UserDetails> userOfToken(String token) {
        var row = db.select(HUB_USER.USERNAME, API_TOKEN.ID)
                .from(API_TOKEN).join(HUB_USER).on(HUB_USER.ID.eq(API_TOKEN.USER_ID))
                .where(API_TOKEN.TOKEN_HASH.eq(digest(token)))
                .and(API_TOKEN.REVOKED_AT.isNull())
                .and(HUB_USER.ENABLED.isTrue())
                .fetchOne();
        if (row == null) {
            return Optional.empty();
        }
        db.update(API_TOKEN).set(API_TOKEN.LAST_USED_AT, OffsetDateTime.now()).where(API_TOKEN.ID.eq(row.value2())).execute();
        return Optional.of(loadUserByUsername(row.value1()));
    }

    public boolean tokenIsValid(String token) {
        return db.fetchExists(API_TOKEN, API_TOKEN.TOKEN_HASH.eq(digest(token)).and(API_TOKEN.REVOKED_AT.isNull()));
    }

    /**
     * A rule about users or tokens was broken: the API answers the English message (400), the
     * console shows its own text for {@code code} with {@code args}.
     */
    public static final class RuleBroken extends IllegalArgumentException {

        private final String code;
        private final transient Object[] args;

        RuleBroken(String code, String message, Object... args) {
            super(message);
            this.code = code;
            this.args = args;
        }

        public String code() {
            return code;
        }

        public Object[] args() {
            return args.clone();
        }
    }

    /** A user as admins see it: no password hash. */
    public record UserView(long id, String username, Role role, boolean enabled, Instant createdAt) {
    }

    /** A token as its owner and admins see it: never the token itself. */
    public record TokenView(long id, String username, String name, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
    }

    /** A token just issued: {@code token} is shown this once and cannot be read again. */
    public record IssuedToken(TokenView info, String token) {
    }

    public List<UserView> users() {
        return db.selectFrom(HUB_USER).orderBy(HUB_USER.USERNAME)
                .fetch(u -> new UserView(u.getId(), u.getUsername(), Role.fromDb(u.getRole()), u.getEnabled(), u.getCreatedAt().toInstant()));
    }

    public UserView user(String username) {
        var u = db.fetchOne(HUB_USER, HUB_USER.USERNAME.eq(username));
        if (u == null) {
            throw new java.util.NoSuchElementException("No user " + username);
        }
        return new UserView(u.getId(), u.getUsername(), Role.fromDb(u.getRole()), u.getEnabled(), u.getCreatedAt().toInstant());
    }

    /** Creates a user as an admin asks, checking the name and the password policy; recorded in the audit log. */
    public UserView addUser(String username, String rawPassword, Role role) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new RuleBroken("username", "Field 'username': 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
        }
        if (role == null) {
            throw new RuleBroken("role", "Field 'role': one of admin, marketer, analyst");
        }
        checkPassword(rawPassword);
        if (db.fetchExists(HUB_USER, HUB_USER.USERNAME.eq(username))) {
            throw new RuleBroken("exists", "Field 'username': user " + username + " already exists", username);
        }
        create(username, rawPassword, role);
        audit.record("user.create", "user:" + username, "role " + role.dbValue());
        return user(username);
    }

    public UserView changeRole(String username, Role role) {
        if (role == null) {
            throw new RuleBroken("role", "Field 'role': one of admin, marketer, analyst");
        }
        UserView before = user(username);
        if (before.role() == Role.ADMIN && role != Role.ADMIN) {
            keepAnAdmin(username);
        }
        db.update(HUB_USER).set(HUB_USER.ROLE, role.dbValue()).where(HUB_USER.USERNAME.eq(username)).execute();
        audit.record("user.role", "user:" + username, before.role().dbValue() + " -> " + role.dbValue());
        return user(username);
    }

    /** A disabled user can no longer log in, and their tokens stop working; nothing is deleted. */
    public UserView setEnabled(String username, boolean enabled) {
        UserView before = user(username);
        if (!enabled && before.role() == Role.ADMIN) {
            keepAnAdmin(username);
        }
        db.update(HUB_USER).set(HUB_USER.ENABLED, enabled).where(HUB_USER.USERNAME.eq(username)).execute();
        audit.record(enabled ? "user.enable" : "user.disable", "user:" + username, null);
        return user(username);
    }

    public void resetPassword(String username, String rawPassword) {
        user(username);
        checkPassword(rawPassword);
        db.update(HUB_USER).set(HUB_USER.PASSWORD_HASH, passwords.encode(rawPassword)).where(HUB_USER.USERNAME.eq(username)).execute();
        audit.record("user.password", "user:" + username, "password reset");
    }

    /** Issues a named token for a user; the secret is in the answer only. Recorded in the audit log. */
    public IssuedToken createToken(String username, String tokenName) {
        if (tokenName == null || tokenName.isBlank() || tokenName.length() > 100) {
            throw new RuleBroken("tokenName", "Field 'name': 1 to 100 characters saying what the token is for");
        }
        UserView owner = user(username);
        if (!owner.enabled()) {
            throw new RuleBroken("disabled", "User " + username + " is disabled: enable the user first", username);
        }
        String token = issueToken(username, tokenName.trim());
        TokenView info = tokenViews(API_TOKEN.TOKEN_HASH.eq(digest(token))).get(0);
        audit.record("token.create", "token:" + info.id(), "for user " + username + ", named '" + info.name() + "'");
        return new IssuedToken(info, token);
    }

    /** Tokens of one user, or of everyone when {@code username} is null; newest first. */
    public List<TokenView> tokens(String username) {
        return tokenViews(username == null ? org.jooq.impl.DSL.noCondition() : HUB_USER.USERNAME.eq(username));
    }

    public TokenView token(long id) {
        List<TokenView> found = tokenViews(API_TOKEN.ID.eq(id));
        if (found.isEmpty()) {
            throw new java.util.NoSuchElementException("No token " + id);
        }
        return found.get(0);
    }

    /** Revokes a token for good; revoking it again changes nothing. */
    public TokenView revokeToken(long id) {
        TokenView before = token(id);
        if (before.revokedAt() == null) {
            db.update(API_TOKEN).set(API_TOKEN.REVOKED_AT, OffsetDateTime.now()).where(API_TOKEN.ID.eq(id)).execute();
            audit.record("token.revoke", "token:" + id, "of user " + before.username() + ", named '" + before.name() + "'");
        }
        return token(id);
    }

    private List<TokenView> tokenViews(org.jooq.Condition where) {
        return db.select(API_TOKEN.ID, HUB_USER.USERNAME, API_TOKEN.NAME, API_TOKEN.CREATED_AT, API_TOKEN.LAST_USED_AT, API_TOKEN.REVOKED_AT)
                .from(API_TOKEN).join(HUB_USER).on(HUB_USER.ID.eq(API_TOKEN.USER_ID))
                .where(where)
                .orderBy(API_TOKEN.ID.desc())
                .fetch(r -> new TokenView(r.value1(), r.value2(), r.value3(), instant(r.value4()), instant(r.value5()), instant(r.value6())));
    }

    private void checkPassword(String rawPassword) {
        if (rawPassword == null || rawPassword.codePointCount(0, rawPassword.length()) < passwordMinLength) {
            throw new RuleBroken("passwordShort", "Field 'password': at least " + passwordMinLength + " characters", passwordMinLength);
        }
        if (rawPassword.getBytes(StandardCharsets.UTF_8).length > PASSWORD_MAX_BYTES) {
            throw new RuleBroken("passwordLong", "Field 'password': at most " + PASSWORD_MAX_BYTES + " bytes (about 36 Cyrillic or 72 Latin characters)", PASSWORD_MAX_BYTES);
        }
        if (rawPassword.isBlank()) {
            throw new RuleBroken("passwordShort", "Field 'password': must not be blank", passwordMinLength);
        }
    }

    /** Refuses to take the last enabled admin away: nobody could manage users afterwards. */
    private void keepAnAdmin(String username) {
        boolean another = db.fetchExists(HUB_USER, HUB_USER.ROLE.eq(Role.ADMIN.dbValue())
                .and(HUB_USER.ENABLED.isTrue()).and(HUB_USER.USERNAME.ne(username)));
        if (!another) {
            throw new RuleBroken("lastAdmin", "User " + username + " is the last enabled admin: make another user admin first", username);
        }
    }

    private static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }

    static String randomSecret(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
