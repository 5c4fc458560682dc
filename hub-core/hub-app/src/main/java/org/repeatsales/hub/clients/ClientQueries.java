package org.repeatsales.hub.clients;

import static org.repeatsales.hub.store.jooq.Tables.CLIENT;
import static org.repeatsales.hub.store.jooq.Tables.CLIENT_IDENTITY;
import static org.repeatsales.hub.store.jooq.Tables.CLIENT_STATS;
import static org.repeatsales.hub.store.jooq.Tables.RECEIPT;
import static org.repeatsales.hub.store.jooq.Tables.RECEIPT_LINE;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.repeatsales.hub.ingest.Contacts;
import org.springframework.stereotype.Service;

/** Finds clients by contact or name and assembles a client's card. */
@Service
public class ClientQueries {

    private final DSLContext db;

    ClientQueries(DSLContext db) {
        this.db = db;
    }

    /**
     * Clients matching all given criteria. Phone and e-mail are normalised first, so
     * "8 916 123-45-67" finds the client stored as +79161234567; they match any of the client's
     * known identities, not only the primary contact.
     */
    public ClientView.Page search(String phone, String email, String q, int offset, int limit) {
        List<Condition> conditions = new ArrayList<>();
        if (phone != null && !phone.isBlank()) {
            String normalised = phoneOfQuery(phone);
            if (normalised == null) {
                throw new IllegalArgumentException("Parameter 'phone': '" + phone + "' is not a phone number");
            }
            conditions.add(hasIdentity("phone", normalised));
        }
        if (email != null && !email.isBlank()) {
            String normalised = Contacts.email(email);
            if (normalised == null) {
                throw new IllegalArgumentException("Parameter 'email': '" + email + "' is not an e-mail address");
            }
            conditions.add(hasIdentity("email", normalised));
        }
        if (q != null && !q.isBlank()) {
            String pattern = "%" + q.trim().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            conditions.add(CLIENT.NAME.likeIgnoreCase(pattern).or(CLIENT.PHONE.like(pattern)).or(CLIENT.EMAIL.likeIgnoreCase(pattern)));
        }
        Condition where = DSL.and(conditions);
        long total = db.fetchCount(CLIENT, where);
        List<ClientView.Summary> items = db.select(CLIENT.ID, CLIENT.NAME, CLIENT.PHONE, CLIENT.EMAIL,
                        CLIENT_STATS.PURCHASES, CLIENT_STATS.REFUNDS, CLIENT_STATS.REVENUE, CLIENT_STATS.AVERAGE_CHECK,
                        CLIENT_STATS.FIRST_PURCHASE_AT, CLIENT_STATS.LAST_PURCHASE_AT)
                .from(CLIENT).leftJoin(CLIENT_STATS).on(CLIENT_STATS.CLIENT_ID.eq(CLIENT.ID))
                .where(where)
                .orderBy(CLIENT.ID)
                .offset(offset).limit(limit)
                .fetch(r -> new ClientView.Summary(r.get(CLIENT.ID), r.get(CLIENT.NAME), r.get(CLIENT.PHONE),
                        r.get(CLIENT.EMAIL), stats(r)));
        return new ClientView.Page(total, items);
    }

    /**
     * The phone as the import would store it; digits alone that are no Russian number are taken
     * as an international number without its "+". People and scripts leave the plus out of a query
     * string (an unencoded one even arrives as a space), and the import keeps "+375 29 123-45-67"
     * as +375291234567, so "375291234567" must find it rather than be refused.
     */
    static String phoneOfQuery(String phone) {
        String normalised = Contacts.phone(phone);
        if (normalised != null) {
            return normalised;
        }
        String digits = phone.strip();
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return Contacts.phone("+" + digits);
    }

    public Optional<ClientView.Card> card(long id, int receiptLimit) {
        Record c = db.select(CLIENT.asterisk(), CLIENT_STATS.PURCHASES, CLIENT_STATS.REFUNDS, CLIENT_STATS.REVENUE,
                        CLIENT_STATS.AVERAGE_CHECK, CLIENT_STATS.FIRST_PURCHASE_AT, CLIENT_STATS.LAST_PURCHASE_AT)
                .from(CLIENT).leftJoin(CLIENT_STATS).on(CLIENT_STATS.CLIENT_ID.eq(CLIENT.ID))
                .where(CLIENT.ID.eq(id))
                .fetchOne();
        if (c == null) {
            return Optional.empty();
        }
        List<ClientView.Identity> identities = db.selectFrom(CLIENT_IDENTITY)
                .where(CLIENT_IDENTITY.CLIENT_ID.eq(id))
                .orderBy(CLIENT_IDENTITY.ID)
                .fetch(i -> new ClientView.Identity(i.getKind(), i.getValue(), i.getSource(), i.getFirstSeenAt()));
        long receiptCount = db.fetchCount(RECEIPT, RECEIPT.CLIENT_ID.eq(id));
        var receipts = db.selectFrom(RECEIPT)
                .where(RECEIPT.CLIENT_ID.eq(id))
                .orderBy(RECEIPT.PURCHASED_AT.desc(), RECEIPT.ID.desc())
                .limit(receiptLimit)
                .fetch();
        Map<Long, List<ClientView.Line>> lines = db.selectFrom(RECEIPT_LINE)
                .where(RECEIPT_LINE.RECEIPT_ID.in(receipts.map(r -> r.getId())))
                .orderBy(RECEIPT_LINE.RECEIPT_ID, RECEIPT_LINE.LINE_NO)
                .fetch()
                .stream()
                .collect(Collectors.groupingBy(l -> l.getReceiptId(), Collectors.mapping(l -> new ClientView.Line(
                        l.getLineNo(), l.getItem(), l.getCategory(), l.getQuantity(), l.getPrice(), l.getAmount()),
                        Collectors.toList())));
        List<ClientView.Receipt> receiptViews = receipts.map(r -> new ClientView.Receipt(r.getId(), r.getSource(),
                r.getNaturalKey(), r.getPurchasedAt(), r.getTotal(), r.getDiscount(), r.getPayment(), r.getPointOfSale(),
                r.getIsRefund(), lines.getOrDefault(r.getId(), List.of())));
        return Optional.of(new ClientView.Card(id, c.get(CLIENT.NAME), c.get(CLIENT.PHONE), c.get(CLIENT.EMAIL),
                c.get(CLIENT.BIRTHDAY), c.get(CLIENT.CITY), identities, stats(c), receiptCount, receiptViews));
    }

    private Condition hasIdentity(String kind, String value) {
        return DSL.exists(DSL.selectOne().from(CLIENT_IDENTITY)
                .where(CLIENT_IDENTITY.CLIENT_ID.eq(CLIENT.ID))
                .and(CLIENT_IDENTITY.KIND.eq(kind))
                .and(CLIENT_IDENTITY.VALUE.eq(value)));
    }

    private static ClientView.Stats stats(Record r) {
        Integer purchases = r.get(CLIENT_STATS.PURCHASES);
        Integer refunds = r.get(CLIENT_STATS.REFUNDS);
        BigDecimal revenue = r.get(CLIENT_STATS.REVENUE);
        return new ClientView.Stats(purchases == null ? 0 : purchases, refunds == null ? 0 : refunds,
                revenue == null ? BigDecimal.ZERO.setScale(2) : revenue, r.get(CLIENT_STATS.AVERAGE_CHECK),
                r.get(CLIENT_STATS.FIRST_PURCHASE_AT), r.get(CLIENT_STATS.LAST_PURCHASE_AT));
    }
}
