package org.repeatsales.hub.campaign.template;

import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.segment.SegmentService;
import org.springframework.stereotype.Component;

/**
 * The client side of template variables, for many clients in one query: name, statistics, last
 * purchase and cell in the campaign's audience segments.
 */
@Component
class ClientVariables {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd.MM.yyyy");

    private final DSLContext db;
    private final SegmentService segments;
    private final ZoneId zone;

    ClientVariables(DSLContext db, SegmentService segments, HubProperties hub) {
        this.db = db;
        this.segments = segments;
        this.zone = hub.timezone();
    }

    /** What the store knows of one client, before formatting. */
    record Client(long id, String name, int purchases, OffsetDateTime lastPurchaseAt, BigDecimal lastPurchaseAmount,
            Long segmentId, String cell) {
    }

    /**
     * @param segmentIds the audience's segments in the order the definition names them; a client's
     *     {@code segment} is their cell in the first of them they belong to
     * @return the clients found, by id (a client merged or deleted since planning is absent)
     */
    Map<Long, Client> load(Collection<Long> clientIds, List<Long> segmentIds) {
        Long[] ids = clientIds.stream().distinct().toArray(Long[]::new);
        Long[] order = segmentIds.toArray(Long[]::new);
        Map<Long, Client> clients = new HashMap<>(ids.length * 2);
        // the last receipt comes through the (client_id, purchased_at) index, one probe per client
        db.fetch("""
                select c.id, c.name, coalesce(s.purchases, 0) as purchases, last.purchased_at, last.total,
                       member.segment_id, member.cell
                from client c
                left join client_stats s on s.client_id = c.id
                left join lateral (
                    select r.purchased_at, r.total from receipt r
                    where r.client_id = c.id and not r.is_refund
                    order by r.purchased_at desc, r.id desc limit 1) last on true
                left join lateral (
                    select m.segment_id, m.cell from segment_member m
                    where m.client_id = c.id and m.segment_id = any(?::bigint[])
                    order by array_position(?::bigint[], m.segment_id) limit 1) member on true
                where c.id = any(?::bigint[])""", order, order, ids)
                .forEach(r -> clients.put(r.get(0, Long.class), client(r)));
        return clients;
    }

    private static Client client(Record r) {
        return new Client(r.get(0, Long.class), r.get(1, String.class), r.get(2, Integer.class),
                r.get(3, OffsetDateTime.class), r.get(4, BigDecimal.class), r.get(5, Long.class), r.get(6, String.class));
    }

    /** Russian cell names of the segments, by segment id and cell code. */
    Map<Long, Map<String, String>> cellNames(List<Long> segmentIds) {
        Map<Long, Map<String, String>> names = new HashMap<>();
        segmentIds.forEach(id -> names.put(id, segments.cellNames(id)));
        return names;
    }

    /** The template values of the client's own variables (names, purchases, segment), formatted. */
    Map<String, Object> values(Client client, Map<Long, Map<String, String>> cellNames) {
        ClientName name = ClientName.parse(client.name());
        Map<String, Object> values = new HashMap<>();
        values.put(TemplateVariables.FIRST_NAME, name.firstName());
        values.put(TemplateVariables.PATRONYMIC, name.patronymic());
        values.put(TemplateVariables.LAST_NAME, name.lastName());
        values.put(TemplateVariables.NAME, name.address());
        values.put(TemplateVariables.GREETING, name.greeting());
        values.put(TemplateVariables.PURCHASES, Integer.toString(client.purchases()));
        values.put(TemplateVariables.LAST_PURCHASE_DATE,
                client.lastPurchaseAt() == null ? "" : DATE.format(client.lastPurchaseAt().atZoneSameInstant(zone)));
        values.put(TemplateVariables.LAST_PURCHASE_AMOUNT,
                client.lastPurchaseAmount() == null ? "" : rubles(client.lastPurchaseAmount()));
        String cell = "";
        if (client.cell() != null) {
            cell = cellNames.getOrDefault(client.segmentId(), Map.of()).getOrDefault(client.cell(), client.cell());
        }
        values.put(TemplateVariables.SEGMENT, cell);
        return values;
    }

    /** «1 250» for whole rubles, «1 250,50» otherwise; a plain space groups, as SMS can carry it. */
    static String rubles(BigDecimal amount) {
        DecimalFormatSymbols symbols = DecimalFormatSymbols.getInstance(Locale.forLanguageTag("ru"));
        symbols.setGroupingSeparator(' ');
        symbols.setDecimalSeparator(',');
        boolean whole = amount.stripTrailingZeros().scale() <= 0;
        DecimalFormat format = new DecimalFormat(whole ? "#,##0" : "#,##0.00", symbols);
        return format.format(amount);
    }
}
