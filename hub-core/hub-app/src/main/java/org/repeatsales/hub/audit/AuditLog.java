package org.repeatsales.hub.audit;

import static org.repeatsales.hub.store.jooq.Tables.AUDIT_EVENT;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;

/**
 * The append-only record of who exported, saw unmasked contacts, or changed users, tokens, plugins,
 * sources, channels and campaigns. Callers record <em>before</em> they hand out data and right after
 * a change succeeded; a failure to write the row is thrown to the caller, so nothing auditable
 * happens unrecorded. The table refuses UPDATE and DELETE itself (V7 trigger).
 *
 * <p>Actions are dotted verbs in the domain's words ({@code segment.export}, {@code client.view},
 * {@code user.create}, {@code token.revoke}, {@code plugin.disable}, {@code source.poll},
 * {@code channel.test}, {@code campaign.create}, ...); targets name the thing ({@code segment:12},
 * {@code user:anna}). Details are short facts for a person to read: never a password, token or
 * API key, never a client's phone or e-mail.
 */
@Service
public class AuditLog {

    /** The actor of what the hub does by itself (timers, start-up). */
    public static final String SYSTEM = "system";

    private static final int MAX_DETAILS = 2000;

    private final DSLContext db;

    AuditLog(DSLContext db) {
        this.db = db;
    }

    /** One recorded action. */
    public record Event(long id, Instant at, String actor, String action, String target, String details) {
    }

    /** A page of events, newest first, with the number matching the filter. */
    public record Page(long total, List<Event> items) {
    }

    /**
     * Which events to list; every part optional. {@code action} matches exactly, or as a prefix
     * when it ends with {@code *} ({@code plugin.*}); {@code from} inclusive, {@code to} exclusive.
     */
    public record Filter(String actor, String action, Instant from, Instant to) {

        public static Filter all() {
            return new Filter(null, null, null, null);
        }
    }

    public void record(String actor, String action, String target, String details) {
        if (action == null || action.isBlank()) {
            throw new IllegalArgumentException("An audit event needs an action");
        }
        db.insertInto(AUDIT_EVENT)
                .set(AUDIT_EVENT.ACTOR, actor == null || actor.isBlank() ? SYSTEM : actor)
                .set(AUDIT_EVENT.ACTION, action)
                .set(AUDIT_EVENT.TARGET, target)
                .set(AUDIT_EVENT.DETAILS, details == null || details.length() <= MAX_DETAILS ? details : details.substring(0, MAX_DETAILS))
                .execute();
    }

    /** Records with the signed-in user of the current request as actor ({@value #SYSTEM} outside a request). */
    public void record(String action, String target, String details) {
        record(currentActor(), action, target, details);
    }

    public Page find(Filter filter, int offset, int limit) {
        Condition where = conditions(filter);
        long total = db.fetchCount(AUDIT_EVENT, where);
        List<Event> items = db.selectFrom(AUDIT_EVENT).where(where)
                .orderBy(AUDIT_EVENT.AT.desc(), AUDIT_EVENT.ID.desc())
                .offset(offset).limit(limit)
                .fetch(r -> new Event(r.getId(), r.getAt().toInstant(), r.getActor(), r.getAction(), r.getTarget(), r.getDetails()));
        return new Page(total, items);
    }

    /**
     * Details naming the clients whose contacts were shown, by id (at most the first 50): which
     * clients someone saw matters; their phones and e-mails must not be copied into the log.
     */
    public static String clients(String what, List<Long> ids) {
        StringBuilder s = new StringBuilder(what).append(": ").append(ids.size()).append(ids.size() == 1 ? " client, id " : " clients, ids ");
        for (int i = 0; i < Math.min(ids.size(), 50); i++) {
            s.append(i == 0 ? "" : ",").append(ids.get(i));
        }
        return ids.size() > 50 ? s.append(",...").toString() : s.toString();
    }

    /** The name of whoever is signed in on this thread, or {@value #SYSTEM}. */
    public static String currentActor() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || auth instanceof AnonymousAuthenticationToken || !auth.isAuthenticated()) {
            return SYSTEM;
        }
        return auth.getName();
    }

    private static Condition conditions(Filter filter) {
        List<Condition> all = new ArrayList<>();
        if (filter.actor() != null && !filter.actor().isBlank()) {
            all.add(AUDIT_EVENT.ACTOR.eq(filter.actor().trim()));
        }
        if (filter.action() != null && !filter.action().isBlank()) {
            String action = filter.action().trim();
            all.add(action.endsWith("*")
                    ? AUDIT_EVENT.ACTION.startsWith(action.substring(0, action.length() - 1))
                    : AUDIT_EVENT.ACTION.eq(action));
        }
        if (filter.from() != null) {
            all.add(AUDIT_EVENT.AT.ge(OffsetDateTime.ofInstant(filter.from(), ZoneOffset.UTC)));
        }
        if (filter.to() != null) {
            all.add(AUDIT_EVENT.AT.lt(OffsetDateTime.ofInstant(filter.to(), ZoneOffset.UTC)));
        }
        return DSL.and(all);
    }
}
