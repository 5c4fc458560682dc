package org.repeatsales.hub.consent;

import static org.repeatsales.hub.store.jooq.Tables.CLIENT;
import static org.repeatsales.hub.store.jooq.Tables.CLIENT_ADDRESS;
import static org.repeatsales.hub.store.jooq.Tables.CONSENT;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.repeatsales.hub.api.channel.Channel;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Consent of clients per channel, kept as a history: every change is a new row with when, where
 * from and what proves it; the latest row is the current state.
 */
@Service
public class ConsentService {

    public static final String GIVEN = "given";
    public static final String WITHDRAWN = "withdrawn";

    private final DSLContext db;
    private final Clock clock = Clock.systemUTC();

    ConsentService(DSLContext db) {
        this.db = db;
    }

    /** A change of consent as recorded. */
    public record ConsentChange(long clientId, Channel channel, String state, Instant at, String source, String proof,
            String address) {
    }

    /**
     * Records a change (and the address it concerns, when given).
     *
     * @throws NoSuchElementException when there is no such client
     */
    @Transactional
    public ConsentChange record(long clientId, Channel channel, String state, Instant at, String source, String proof,
            String address) {
        if (!GIVEN.equals(state) && !WITHDRAWN.equals(state)) {
            throw new IllegalArgumentException("state must be 'given' or 'withdrawn', got '" + state + "'");
        }
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("source is required: where the consent was given or withdrawn");
        }
        if (!db.fetchExists(CLIENT, CLIENT.ID.eq(clientId))) {
            throw new NoSuchElementException("No client " + clientId);
        }
        Instant when = at == null ? clock.instant() : at;
        String normalised = address == null || address.isBlank() ? null : normalise(channel, address);
        if (normalised != null) {
            db.insertInto(CLIENT_ADDRESS, CLIENT_ADDRESS.CLIENT_ID, CLIENT_ADDRESS.CHANNEL, CLIENT_ADDRESS.ADDRESS)
                    .values(clientId, channel.name(), normalised)
                    .onConflict(CLIENT_ADDRESS.CLIENT_ID, CLIENT_ADDRESS.CHANNEL, CLIENT_ADDRESS.ADDRESS)
                    .doUpdate().set(CLIENT_ADDRESS.UPDATED_AT, OffsetDateTime.now(clock))
                    .execute();
        }
        db.insertInto(CONSENT, CONSENT.CLIENT_ID, CONSENT.CHANNEL, CONSENT.STATE, CONSENT.AT, CONSENT.SOURCE, CONSENT.PROOF)
                .values(clientId, channel.name(), state, OffsetDateTime.ofInstant(when, ZoneOffset.UTC), source, proof)
                .execute();
        return new ConsentChange(clientId, channel, state, when, source, proof, normalised);
    }

    /** The current state, or empty when the client never gave nor withdrew consent on the channel. */
    public Optional<String> current(long clientId, Channel channel) {
        return db.select(CONSENT.STATE).from(CONSENT)
                .where(CONSENT.CLIENT_ID.eq(clientId).and(CONSENT.CHANNEL.eq(channel.name())))
                .orderBy(CONSENT.ID.desc()).limit(1)
                .fetchOptional(CONSENT.STATE);
    }

    /** True only with consent given and not withdrawn since: the rule every send checks. */
    public boolean maySend(long clientId, Channel channel) {
        return current(clientId, channel).filter(GIVEN::equals).isPresent();
    }

    /**
     * Where each of the given clients may be sent a marketing message right now: per channel with
     * consent given (and not withdrawn since), the client's most recently recorded address there.
     * The dispatcher asks this for a whole batch just before sending, so a withdrawal takes effect
     * before the next message. Clients and channels without both consent and address are absent.
     */
    public Map<Long, Map<Channel, String>> reachable(Collection<Long> clientIds) {
        Map<Long, Map<Channel, String>> result = new HashMap<>();
        if (clientIds.isEmpty()) {
            return result;
        }
        db.resultQuery("""
                select c.client_id, c.channel, a.address
                from (select distinct on (client_id, channel) client_id, channel, state
                      from consent where client_id = any({0}::bigint[])
                      order by client_id, channel, id desc) c
                join lateral (select ca.address from client_address ca
                              where ca.client_id = c.client_id and ca.channel = c.channel
                              order by ca.updated_at desc, ca.id desc limit 1) a on true
                where c.state = 'given'""", DSL.val(clientIds.toArray(Long[]::new)))
                .fetch()
                .forEach(r -> result.computeIfAbsent(r.get(0, Long.class), k -> new EnumMap<>(Channel.class))
                        .put(Channel.valueOf(r.get(1, String.class)), r.get(2, String.class)));
        return result;
    }

    /** Withdraws consent unless already withdrawn (a link clicked twice adds no second row). */
    @Transactional
    public void withdraw(long clientId, Channel channel, String source, String proof) {
        if (!current(clientId, channel).filter(WITHDRAWN::equals).isPresent()) {
            record(clientId, channel, WITHDRAWN, null, source, proof, null);
        }
    }

    private static String normalise(Channel channel, String address) {
        String a = address.trim();
        return channel == Channel.EMAIL ? a.toLowerCase(Locale.ROOT) : a;
    }
}
