package org.repeatsales.hub.consent;

import static org.repeatsales.hub.store.jooq.Tables.CLIENT;
import static org.repeatsales.hub.store.jooq.Tables.CLIENT_ADDRESS;
import static org.repeatsales.hub.store.jooq.Tables.TELEGRAM_START_TOKEN;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Telegram deep links {@code https://t.me/<bot>?start=<token>} that let a client link their chat,
 * and what happens when the token comes back in {@code /start <token>}.
 *
 * <p>A token is single-use, tied to one client and expires ({@code hub.channels.telegram-link-ttl}).
 * The store keeps its SHA-256 and a nonce, never the token: the token is an HMAC of the nonce with
 * the hub's key, so the hub can hand out a client's unused link again (one link per client in a
 * whole campaign, not one per message) while a copy of the database alone links nothing.
 */
@Service
public class TelegramLinks {

    private static final Logger log = LoggerFactory.getLogger(TelegramLinks.class);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DSLContext db;
    private final ConsentService consents;
    private final PluginRegistry plugins;
    private final byte[] key;
    private final Duration ttl;
    private final Clock clock = Clock.systemUTC();

    TelegramLinks(DSLContext db, ConsentService consents, PluginRegistry plugins, UnsubscribeLinks links,
            ChannelsProperties channels) {
        this.db = db;
        this.consents = consents;
        this.plugins = plugins;
        this.key = links.keyFor("telegram-start:v1");
        this.ttl = channels.telegramLinkTtl();
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("hub.channels.telegram-link-ttl must be positive, got " + ttl);
        }
    }

    /** A client's link and until when it works. */
    public record Link(long clientId, String url, Instant expiresAt) {
    }

    /** Why a link cannot be handed out now: no ready Telegram connector, or the bot's username is unknown. */
    public static class UnavailableException extends RuntimeException {
        UnavailableException(String message) {
            super(message);
        }
    }

    /**
     * The client's link: an unused one issued earlier with at least half its lifetime left, or a new
     * one. For templates ({@code {{telegramLink}}}) and the API.
     *
     * @throws NoSuchElementException when there is no such client
     * @throws UnavailableException when no ready Telegram connector can build links
     */
    public Link issue(long clientId) {
        if (!db.fetchExists(CLIENT, CLIENT.ID.eq(clientId))) {
            throw new NoSuchElementException("No client " + clientId);
        }
        Instant now = clock.instant();
        Optional<Issued> reusable = reusable(clientId, now);
        Issued issued = reusable.orElseGet(() -> fresh(now));
        String url;
        try {
            url = plugins.withConnectorOf(Channel.TELEGRAM, c -> c.startLink(issued.token())).orElseThrow(() ->
                    new UnavailableException("The Telegram connector cannot build links: set hub.plugins.telegram.bot-username "
                            + "or check that the Bot API answers getMe"));
        } catch (NoSuchElementException e) {
            throw new UnavailableException("No ready Telegram connector: " + e.getMessage());
        }
        if (reusable.isEmpty()) {
            db.insertInto(TELEGRAM_START_TOKEN, TELEGRAM_START_TOKEN.CLIENT_ID, TELEGRAM_START_TOKEN.TOKEN_HASH,
                            TELEGRAM_START_TOKEN.NONCE, TELEGRAM_START_TOKEN.ISSUED_AT, TELEGRAM_START_TOKEN.EXPIRES_AT)
                    .values(clientId, hash(issued.token()), issued.nonce(), utc(now), utc(issued.expiresAt()))
                    .execute();
        }
        return new Link(clientId, url, issued.expiresAt());
    }

    /** The link for a template, or empty when links cannot be handed out now (the reason is logged). */
    public Optional<String> linkFor(long clientId) {
        try {
            return Optional.of(issue(clientId).url());
        } catch (UnavailableException e) {
            log.warn("No Telegram link for client {}: {}", clientId, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<Issued> reusable(long clientId, Instant now) {
        List<Record> unused = db.select(TELEGRAM_START_TOKEN.NONCE, TELEGRAM_START_TOKEN.TOKEN_HASH, TELEGRAM_START_TOKEN.EXPIRES_AT)
                .from(TELEGRAM_START_TOKEN)
                .where(TELEGRAM_START_TOKEN.CLIENT_ID.eq(clientId))
                .and(TELEGRAM_START_TOKEN.USED_AT.isNull())
                .and(TELEGRAM_START_TOKEN.EXPIRES_AT.gt(utc(now.plus(ttl.dividedBy(2)))))
                .orderBy(TELEGRAM_START_TOKEN.EXPIRES_AT.desc())
                .fetch().map(r -> r);
        for (Record r : unused) {
            String token = token(r.get(TELEGRAM_START_TOKEN.NONCE));
            // a token issued under another key (the secret changed) cannot be rebuilt: issue a new one
            if (hash(token).equals(r.get(TELEGRAM_START_TOKEN.TOKEN_HASH))) {
                return Optional.of(new Issued(token, r.get(TELEGRAM_START_TOKEN.NONCE),
                        r.get(TELEGRAM_START_TOKEN.EXPIRES_AT).toInstant()));
            }
        }
        return Optional.empty();
    }

    private Issued fresh(Instant now) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String encoded = B64.encodeToString(nonce);
        return new Issued(token(encoded), encoded, now.plus(ttl));
    }

    /** 24 bytes of HMAC-SHA256 as 32 base64url characters: what Telegram passes on as a start parameter. */
    private String token(String nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return B64.encodeToString(Arrays.copyOf(mac.doFinal(nonce.getBytes(StandardCharsets.US_ASCII)), 24));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static OffsetDateTime utc(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private record Issued(String token, String nonce, Instant expiresAt) {
    }

    // ---- the token coming back ----

    /** What a {@code /start <token>} did. */
    public enum StartResult {
        /** The chat is now the client's Telegram address, with consent. */
        LINKED,
        /** No such token: made up, mistyped, or issued by another hub. */
        UNKNOWN,
        /** Used before (by this chat or another). */
        USED,
        /** Past its expiry. */
        EXPIRED
    }

    /**
     * Links {@code chat} to the client the token was issued for, with consent (source
     * {@code telegram-start}, proof the update id), and uses the token up. A chat belongs to one
     * client: a client it was linked to before loses it, and with it their Telegram consent when it
     * was their only chat. Runs in the caller's transaction (the intake's, which also stores the
     * read position).
     */
    @Transactional
    public StartResult start(String token, String chat, long update, Instant at) {
        Record row = db.select(TELEGRAM_START_TOKEN.ID, TELEGRAM_START_TOKEN.CLIENT_ID, TELEGRAM_START_TOKEN.USED_AT,
                        TELEGRAM_START_TOKEN.EXPIRES_AT)
                .from(TELEGRAM_START_TOKEN).where(TELEGRAM_START_TOKEN.TOKEN_HASH.eq(hash(token)))
                .forUpdate().fetchOne();
        if (row == null) {
            return StartResult.UNKNOWN;
        }
        if (row.get(TELEGRAM_START_TOKEN.USED_AT) != null) {
            return StartResult.USED;
        }
        if (!row.get(TELEGRAM_START_TOKEN.EXPIRES_AT).toInstant().isAfter(at)) {
            return StartResult.EXPIRED;
        }
        long clientId = row.get(TELEGRAM_START_TOKEN.CLIENT_ID);
        db.update(TELEGRAM_START_TOKEN)
                .set(TELEGRAM_START_TOKEN.USED_AT, utc(at))
                .set(TELEGRAM_START_TOKEN.USED_CHAT, chat)
                .set(TELEGRAM_START_TOKEN.USED_UPDATE, update)
                .where(TELEGRAM_START_TOKEN.ID.eq(row.get(TELEGRAM_START_TOKEN.ID)))
                .execute();
        String proof = "telegram update " + update;
        List<Long> previous = db.select(CLIENT_ADDRESS.CLIENT_ID).from(CLIENT_ADDRESS)
                .where(CLIENT_ADDRESS.CHANNEL.eq(Channel.TELEGRAM.name()), CLIENT_ADDRESS.ADDRESS.eq(chat),
                        CLIENT_ADDRESS.CLIENT_ID.ne(clientId))
                .fetch(CLIENT_ADDRESS.CLIENT_ID);
        for (long other : previous) {
            db.deleteFrom(CLIENT_ADDRESS).where(CLIENT_ADDRESS.CLIENT_ID.eq(other), CLIENT_ADDRESS.CHANNEL.eq(Channel.TELEGRAM.name()),
                    CLIENT_ADDRESS.ADDRESS.eq(chat)).execute();
            if (!db.fetchExists(CLIENT_ADDRESS, CLIENT_ADDRESS.CLIENT_ID.eq(other), CLIENT_ADDRESS.CHANNEL.eq(Channel.TELEGRAM.name()))) {
                consents.withdraw(other, Channel.TELEGRAM, "telegram-start", proof + ": the chat linked another client");
            }
        }
        consents.record(clientId, Channel.TELEGRAM, ConsentService.GIVEN, at, "telegram-start", proof, chat);
        // the chat proved itself by carrying a token only this client was given
        db.update(CLIENT_ADDRESS).set(CLIENT_ADDRESS.VERIFIED, true)
                .where(CLIENT_ADDRESS.CLIENT_ID.eq(clientId), CLIENT_ADDRESS.CHANNEL.eq(Channel.TELEGRAM.name()),
                        CLIENT_ADDRESS.ADDRESS.eq(chat))
                .execute();
        log.info("Telegram chat linked to client {} (update {})", clientId, update);
        return StartResult.LINKED;
    }

    /**
     * Withdraws Telegram consent of every client linked to {@code chat} (source {@code telegram-stop},
     * proof the update id); the address stays, so the history shows which chat said stop.
     *
     * @return how many clients it concerned
     */
    @Transactional
    public int stop(String chat, long update) {
        List<Long> clients = db.selectDistinct(CLIENT_ADDRESS.CLIENT_ID).from(CLIENT_ADDRESS)
                .where(CLIENT_ADDRESS.CHANNEL.eq(Channel.TELEGRAM.name()), CLIENT_ADDRESS.ADDRESS.eq(chat))
                .fetch(CLIENT_ADDRESS.CLIENT_ID);
        for (long clientId : clients) {
            consents.withdraw(clientId, Channel.TELEGRAM, "telegram-stop", "telegram update " + update);
        }
        log.info("Telegram /stop (update {}) withdrew consent of {} client(s)", update, clients.size());
        return clients.size();
    }
}
