package org.repeatsales.hub.segment;

import static org.repeatsales.hub.store.jooq.Tables.CLIENT;
import static org.repeatsales.hub.store.jooq.Tables.CLIENT_STATS;
import static org.repeatsales.hub.store.jooq.Tables.SEGMENT;
import static org.repeatsales.hub.store.jooq.Tables.SEGMENT_MEMBER;
import static org.repeatsales.hub.store.jooq.Tables.SEGMENT_MOVEMENT;
import static org.repeatsales.hub.store.jooq.Tables.SEGMENT_REFRESH;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.repeatsales.hub.api.segment.Cell;
import org.repeatsales.hub.api.segment.Parameters;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.StrategyView;
import org.springframework.stereotype.Service;

/** Segment definitions and what their last refresh left: members, counts per cell, movements. */
@Service
public class SegmentService {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final DSLContext db;
    private final PluginRegistry plugins;
    private final java.time.ZoneId zone;

    SegmentService(DSLContext db, PluginRegistry plugins, org.repeatsales.hub.config.HubProperties hub) {
        this.db = db;
        this.plugins = plugins;
        this.zone = hub.timezone();
    }

    /**
     * Stores a segment after checking its strategy is offered and its parameters are valid (defaults
     * filled in).
     *
     * @throws IllegalArgumentException for an unknown strategy or a bad parameter, naming it
     */
    public SegmentViews.Segment create(String name, String strategy, Map<String, ?> rawParameters) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Parameter 'name': must not be empty");
        }
        if (strategy == null || strategy.isBlank()) {
            throw new IllegalArgumentException("Parameter 'strategy': must not be empty");
        }
        if (strategy.equals(SegmentRules.STRATEGY)) {
            Object rule = rawParameters == null ? null : rawParameters.get("rule");
            if (rule == null || rawParameters.size() != 1) {
                throw new IllegalArgumentException("Parameter 'rule': a rule segment takes exactly one parameter, the rule");
            }
            new SegmentRules(Instant.now(), zone).compile(JSON.valueToTree(rule));
            Map<String, Object> stored = Map.of("rule", rule);
            long id = db.insertInto(SEGMENT, SEGMENT.NAME, SEGMENT.STRATEGY, SEGMENT.PARAMETERS)
                    .values(name.trim(), strategy, JSONB.valueOf(json(stored)))
                    .returning(SEGMENT.ID).fetchOne().getId();
            return get(id);
        }
        Parameters parameters;
        try {
            parameters = plugins.withStrategy(strategy, s -> {
                Parameters p = Parameters.resolve(s.parameters(), rawParameters);
                s.validate(p);
                return p;
            });
        } catch (NoSuchElementException e) {
            throw new IllegalArgumentException("Parameter 'strategy': no started plugin offers '" + strategy + "'; offered are "
                    + plugins.strategies().stream().map(StrategyView::id).toList());
        }
        long id = db.insertInto(SEGMENT, SEGMENT.NAME, SEGMENT.STRATEGY, SEGMENT.PARAMETERS)
                .values(name.trim(), strategy, JSONB.valueOf(json(parameters.asMap())))
                .returning(SEGMENT.ID).fetchOne().getId();
        return get(id);
    }

    public List<SegmentViews.Segment> list() {
        return db.select(SEGMENT.asterisk(), memberCount()).from(SEGMENT).orderBy(SEGMENT.ID).fetch(this::segment);
    }

    public SegmentViews.Segment get(long id) {
        return db.select(SEGMENT.asterisk(), memberCount()).from(SEGMENT).where(SEGMENT.ID.eq(id)).fetchOptional(this::segment)
                .orElseThrow(() -> new NoSuchElementException("No segment " + id));
    }

    private static org.jooq.Field<Integer> memberCount() {
        return DSL.field(DSL.selectCount().from(SEGMENT_MEMBER).where(SEGMENT_MEMBER.SEGMENT_ID.eq(SEGMENT.ID))).as("members");
    }

    private SegmentViews.Segment segment(Record r) {
        return new SegmentViews.Segment(r.get(SEGMENT.ID), r.get(SEGMENT.NAME), r.get(SEGMENT.STRATEGY),
                parameters(r.get(SEGMENT.PARAMETERS)), instant(r.get(SEGMENT.CREATED_AT)), instant(r.get(SEGMENT.REFRESHED_AT)),
                r.get("members", Integer.class));
    }

    /**
     * Compiles a rule tree in the format of rule-based segments to one condition over
     * {@code client} and {@code client_stats}, for audiences built elsewhere (campaigns).
     *
     * @throws IllegalArgumentException naming the offending part, as {@code Parameter 'rule.all[1].min': ...}
     */
    public Condition ruleCondition(com.fasterxml.jackson.databind.JsonNode rule, Instant asOf) {
        return new SegmentRules(asOf, zone).compile(rule);
    }

    /**
     * Codes of the cells a segment can have: those its strategy declares, or, when its plugin is not
     * running now, those its members are in.
     *
     * @throws NoSuchElementException when there is no such segment
     */
    public List<String> cellCodes(long id) {
        List<String> declared = declaredCells(get(id)).stream().map(Cell::code).toList();
        if (!declared.isEmpty()) {
            return declared;
        }
        return db.selectDistinct(SEGMENT_MEMBER.CELL).from(SEGMENT_MEMBER).where(SEGMENT_MEMBER.SEGMENT_ID.eq(id))
                .orderBy(SEGMENT_MEMBER.CELL).fetch(SEGMENT_MEMBER.CELL);
    }

    /** Member count and revenue per cell, every declared cell listed (zero when empty). */
    public SegmentViews.Summary summary(long id) {
        SegmentViews.Segment segment = get(id);
        Map<String, Record> counts = new LinkedHashMap<>();
        for (Record r : db.select(SEGMENT_MEMBER.CELL, DSL.count().as("n"), DSL.coalesce(DSL.sum(CLIENT_STATS.REVENUE), BigDecimal.ZERO).as("revenue"))
                .from(SEGMENT_MEMBER).leftJoin(CLIENT_STATS).on(CLIENT_STATS.CLIENT_ID.eq(SEGMENT_MEMBER.CLIENT_ID))
                .where(SEGMENT_MEMBER.SEGMENT_ID.eq(id))
                .groupBy(SEGMENT_MEMBER.CELL).orderBy(SEGMENT_MEMBER.CELL).fetch()) {
            counts.put(r.get(SEGMENT_MEMBER.CELL), r);
        }
        List<SegmentViews.CellSummary> cells = new ArrayList<>();
        for (Cell cell : declaredCells(segment)) {
            Record r = counts.remove(cell.code());
            cells.add(new SegmentViews.CellSummary(cell.code(), cell.name().ru(), cell.name().en(),
                    r == null ? 0 : r.get("n", Long.class), r == null ? BigDecimal.ZERO : r.get("revenue", BigDecimal.class)));
        }
        counts.forEach((code, r) -> cells.add(new SegmentViews.CellSummary(code, code, code, r.get("n", Long.class),
                r.get("revenue", BigDecimal.class))));
        long total = cells.stream().mapToLong(SegmentViews.CellSummary::count).sum();
        BigDecimal revenue = cells.stream().map(SegmentViews.CellSummary::revenue).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new SegmentViews.Summary(id, segment.name(), segment.strategy(), segment.refreshedAt(), total, revenue, cells);
    }

    /**
     * Russian names of the segment's cells by code, as campaign messages show them; empty when the
     * segment is gone or its plugin is not running now.
     */
    public Map<String, String> cellNames(long id) {
        Map<String, String> names = new LinkedHashMap<>();
        db.select(SEGMENT.asterisk(), memberCount()).from(SEGMENT).where(SEGMENT.ID.eq(id)).fetchOptional(this::segment)
                .ifPresent(segment -> declaredCells(segment).forEach(c -> names.put(c.code(), c.name().ru())));
        return names;
    }

    /** The strategy's cells for this segment's parameters; none when its plugin is not running now. */
    private List<Cell> declaredCells(SegmentViews.Segment segment) {
        if (segment.strategy().equals(SegmentRules.STRATEGY)) {
            return List.of(SegmentRules.MATCH);
        }
        try {
            return plugins.withStrategy(segment.strategy(), s -> s.cells(Parameters.resolve(s.parameters(), segment.parameters())));
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    public SegmentViews.MembersPage members(long id, String cell, int offset, int limit) {
        get(id);
        Condition where = SEGMENT_MEMBER.SEGMENT_ID.eq(id);
        if (cell != null && !cell.isBlank()) {
            where = where.and(SEGMENT_MEMBER.CELL.eq(cell));
        }
        long total = db.fetchCount(SEGMENT_MEMBER, where);
        List<SegmentViews.Member> items = db.select(SEGMENT_MEMBER.CLIENT_ID, CLIENT.NAME, SEGMENT_MEMBER.CELL, SEGMENT_MEMBER.SINCE,
                        CLIENT_STATS.PURCHASES, CLIENT_STATS.REVENUE, CLIENT_STATS.LAST_PURCHASE_AT)
                .from(SEGMENT_MEMBER)
                .join(CLIENT).on(CLIENT.ID.eq(SEGMENT_MEMBER.CLIENT_ID))
                .leftJoin(CLIENT_STATS).on(CLIENT_STATS.CLIENT_ID.eq(SEGMENT_MEMBER.CLIENT_ID))
                .where(where).orderBy(SEGMENT_MEMBER.CLIENT_ID).offset(offset).limit(limit)
                .fetch(r -> new SegmentViews.Member(r.get(SEGMENT_MEMBER.CLIENT_ID), r.get(CLIENT.NAME), r.get(SEGMENT_MEMBER.CELL),
                        instant(r.get(SEGMENT_MEMBER.SINCE)), r.get(CLIENT_STATS.PURCHASES) == null ? 0 : r.get(CLIENT_STATS.PURCHASES),
                        r.get(CLIENT_STATS.REVENUE), instant(r.get(CLIENT_STATS.LAST_PURCHASE_AT))));
        return new SegmentViews.MembersPage(total, items);
    }

    /**
     * Writes the members as CSV for Excel (UTF-8 with BOM, {@code ;}), read with a cursor so a large
     * segment never sits in memory.
     *
     * @param masked hide most of each phone and e-mail (analysts)
     */
    public void exportMembers(long id, String cell, boolean masked, java.io.Writer out) {
        SegmentViews.Segment segment = get(id);
        Map<String, String> names = new LinkedHashMap<>();
        declaredCells(segment).forEach(c -> names.put(c.code(), c.name().ru()));
        Condition where = SEGMENT_MEMBER.SEGMENT_ID.eq(id);
        if (cell != null && !cell.isBlank()) {
            where = where.and(SEGMENT_MEMBER.CELL.eq(cell));
        }
        Condition condition = where;
        db.transaction(tx -> {
            try (var rows = DSL.using(tx).select(SEGMENT_MEMBER.CLIENT_ID, CLIENT.NAME, CLIENT.PHONE, CLIENT.EMAIL, SEGMENT_MEMBER.CELL,
                            SEGMENT_MEMBER.SINCE, CLIENT_STATS.PURCHASES, CLIENT_STATS.REVENUE, CLIENT_STATS.LAST_PURCHASE_AT)
                    .from(SEGMENT_MEMBER)
                    .join(CLIENT).on(CLIENT.ID.eq(SEGMENT_MEMBER.CLIENT_ID))
                    .leftJoin(CLIENT_STATS).on(CLIENT_STATS.CLIENT_ID.eq(SEGMENT_MEMBER.CLIENT_ID))
                    .where(condition).orderBy(SEGMENT_MEMBER.CLIENT_ID)
                    .fetchSize(5_000).fetchLazy()) {
                out.write('\uFEFF');
                out.write("Клиент;Имя;Телефон;E-mail;Ячейка;Код ячейки;В ячейке с;Покупок;Выручка;Последняя покупка\r\n");
                for (Record r : rows) {
                    String phone = r.get(CLIENT.PHONE);
                    String email = r.get(CLIENT.EMAIL);
                    String code = r.get(SEGMENT_MEMBER.CELL);
                    out.write(String.join(";", String.valueOf(r.get(SEGMENT_MEMBER.CLIENT_ID)), csv(r.get(CLIENT.NAME)),
                            csv(masked ? org.repeatsales.hub.clients.ContactMask.phone(phone) : phone),
                            csv(masked ? org.repeatsales.hub.clients.ContactMask.email(email) : email),
                            csv(names.getOrDefault(code, code)), csv(code), csv(String.valueOf(instant(r.get(SEGMENT_MEMBER.SINCE)))),
                            r.get(CLIENT_STATS.PURCHASES) == null ? "0" : r.get(CLIENT_STATS.PURCHASES).toString(),
                            r.get(CLIENT_STATS.REVENUE) == null ? "0" : r.get(CLIENT_STATS.REVENUE).toPlainString().replace('.', ','),
                            csv(r.get(CLIENT_STATS.LAST_PURCHASE_AT) == null ? "" : instant(r.get(CLIENT_STATS.LAST_PURCHASE_AT)).toString())));
                    out.write("\r\n");
                }
                out.flush();
            }
        });
    }

    private static String csv(String value) {
        if (value == null) {
            return "";
        }
        if (value.contains(";") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    /** How many clients a rule matches now, with the first of them, before the segment is saved. */
    public SegmentViews.Preview preview(com.fasterxml.jackson.databind.JsonNode rule, Instant asOf, int sample) {
        org.jooq.Condition where = new SegmentRules(asOf == null ? Instant.now() : asOf, zone).compile(rule);
        long count = db.fetchCount(db.select(CLIENT.ID).from(CLIENT).leftJoin(CLIENT_STATS).on(CLIENT_STATS.CLIENT_ID.eq(CLIENT.ID)).where(where));
        List<SegmentViews.Member> items = db.select(CLIENT.ID, CLIENT.NAME, CLIENT_STATS.PURCHASES, CLIENT_STATS.REVENUE, CLIENT_STATS.LAST_PURCHASE_AT)
                .from(CLIENT).leftJoin(CLIENT_STATS).on(CLIENT_STATS.CLIENT_ID.eq(CLIENT.ID))
                .where(where).orderBy(CLIENT.ID).limit(sample)
                .fetch(r -> new SegmentViews.Member(r.get(CLIENT.ID), r.get(CLIENT.NAME), SegmentRules.MATCH.code(), null,
                        r.get(CLIENT_STATS.PURCHASES) == null ? 0 : r.get(CLIENT_STATS.PURCHASES), r.get(CLIENT_STATS.REVENUE),
                        instant(r.get(CLIENT_STATS.LAST_PURCHASE_AT))));
        return new SegmentViews.Preview(count, items);
    }

    /** Who entered, moved and left, oldest first; optionally of one client. */
    public SegmentViews.MovementsPage movements(long id, Long clientId, int offset, int limit) {
        get(id);
        Condition where = SEGMENT_MOVEMENT.SEGMENT_ID.eq(id);
        if (clientId != null) {
            where = where.and(SEGMENT_MOVEMENT.CLIENT_ID.eq(clientId));
        }
        long total = db.fetchCount(SEGMENT_MOVEMENT, where);
        List<SegmentViews.Movement> items = db.selectFrom(SEGMENT_MOVEMENT).where(where).orderBy(SEGMENT_MOVEMENT.ID)
                .offset(offset).limit(limit)
                .fetch(r -> new SegmentViews.Movement(r.getRefreshId(), r.getClientId(), r.getFromCell(), r.getToCell(),
                        instant(r.getMovedAt())));
        return new SegmentViews.MovementsPage(total, items);
    }

    public List<SegmentViews.Refresh> refreshes(long id, int limit) {
        get(id);
        return db.selectFrom(SEGMENT_REFRESH).where(SEGMENT_REFRESH.SEGMENT_ID.eq(id))
                .orderBy(SEGMENT_REFRESH.ID.desc()).limit(limit).fetch(r -> refresh(r));
    }

    SegmentViews.Refresh refresh(long refreshId) {
        return refresh(db.selectFrom(SEGMENT_REFRESH).where(SEGMENT_REFRESH.ID.eq(refreshId)).fetchOne());
    }

    private static SegmentViews.Refresh refresh(org.repeatsales.hub.store.jooq.tables.records.SegmentRefreshRecord r) {
        return new SegmentViews.Refresh(r.getId(), r.getSegmentId(), r.getStatus(), r.getMessage(), instant(r.getAsOf()),
                instant(r.getStartedAt()), instant(r.getFinishedAt()), r.getMode(), r.getClients(), r.getMembers(), r.getEntered(),
                r.getMoved(), r.getExited(), r.getUnchanged());
    }

    static String json(Map<String, Object> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write parameters as JSON", e);
        }
    }

    static Map<String, Object> parameters(JSONB stored) {
        try {
            return stored == null ? Map.of() : JSON.readValue(stored.data(), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored segment parameters are not JSON", e);
        }
    }

    static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
