package org.repeatsales.hub.security;

import static org.repeatsales.hub.store.jooq.Tables.API_TOKEN;
import static org.repeatsales.hub.store.jooq.Tables.HUB_USER;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/** Users and their API tokens. Passwords are stored hashed; tokens only as SHA-256 digests. */
@Service
public class HubUsers implements UserDetailsService {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DSLContext db;
    private final PasswordEncoder passwords;

    HubUsers(DSLContext db) {
        this.db = db;
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
                .and(HUB_USER.ENABLED.isTrue())
                .fetchOne();
        if (row == null) {
            return Optional.empty();
        }
        db.update(API_TOKEN).set(API_TOKEN.LAST_USED_AT, OffsetDateTime.now()).where(API_TOKEN.ID.eq(row.value2())).execute();
        return Optional.of(loadUserByUsername(row.value1()));
    }

    public boolean tokenIsValid(String token) {
        return db.fetchExists(API_TOKEN, API_TOKEN.TOKEN_HASH.eq(digest(token)));
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
