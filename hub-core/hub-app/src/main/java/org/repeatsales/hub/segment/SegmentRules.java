package org.repeatsales.hub.segment;

import static org.repeatsales.hub.store.jooq.Tables.CLIENT;
import static org.repeatsales.hub.store.jooq.Tables.CLIENT_STATS;
import static org.repeatsales.hub.store.jooq.Tables.RECEIPT;
import static org.repeatsales.hub.store.jooq.Tables.RECEIPT_LINE;
import static org.repeatsales.hub.store.jooq.Tables.SEGMENT_MEMBER;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.repeatsales.hub.api.segment.Cell;

/**
 * Rule-based segments: a tree of conditions on client statistics and profile, compiled to one SQL
 * condition with bind values (never string-concatenated input). Members land in one cell.
 *
 * <pre>
 * {"all": [rule, ...]}   {"any": [rule, ...]}   {"not": rule}
 * {"field": "purchases" | "refunds" | "revenue" | "averageCheck" | "daysSinceLastPurchase", "min": n, "max": n}
 * {"field": "city", "in": ["Москва", ...]}
 * {"field": "birthdayWithinDays", "days": n}
 * {"field": "boughtCategory", "category": "Кофе", "minPrice": n, "maxPrice": n, "withinDays": n}
 * {"field": "inSegment", "segment": id, "cell": "code"}
 * </pre>
 */
final class SegmentRules {

    /** The strategy id under which rule segments are stored; no plugin may take it. */
    static final String STRATEGY = "rules";
    static final Cell MATCH = Cell.of("match", "Подходят под условия", "Match the rules");

    private static final Set<String> RANGES = Set.of("purchases", "refunds", "revenue", "averageCheck", "daysSinceLastPurchase");

    private final Instant asOf;
    private final ZoneId zone;

    SegmentRules(Instant asOf, ZoneId zone) {
        this.asOf = asOf;
        this.zone = zone;
    }

    /**
     * @param rule the tree, as stored under {@code parameters.rule}
     * @throws IllegalArgumentException naming the path of the offending part, e.g. {@code rule.all[1].min}
     */
    Condition compile(JsonNode rule) {
        return compile(rule, "rule");
    }

    private Condition compile(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw bad(path, "must be an object with one of all, any, not or field");
        }
        if (node.has("all") || node.has("any")) {
            String op = node.has("all") ? "all" : "any";
            JsonNode list = node.get(op);
            if (!list.isArray() || list.isEmpty()) {
                throw bad(path + "." + op, "must be a non-empty list of rules");
            }
            List<Condition> parts = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                parts.add(compile(list.get(i), path + "." + op + "[" + i + "]"));
            }
            return op.equals("all") ? DSL.and(parts) : DSL.or(parts);
        }
        if (node.has("not")) {
            return DSL.not(compile(node.get("not"), path + ".not"));
        }
        String field = text(node, "field", path);
        String at = path + "(" + field + ")";
        if (RANGES.contains(field)) {
            return range(value(field), number(node, "min", at), number(node, "max", at), at);
        }
        return switch (field) {
            case "city" -> city(node, at);
            case "birthdayWithinDays" -> birthday(node, at);
            case "boughtCategory" -> category(node, at);
            case "inSegment" -> inSegment(node, at);
            default -> throw bad(path + ".field", "unknown '" + field + "'; known are " + List.of("purchases", "refunds",
                    "revenue", "averageCheck", "daysSinceLastPurchase", "city", "birthdayWithinDays", "boughtCategory", "inSegment"));
        };
    }

    private Field<BigDecimal> value(String field) {
        return switch (field) {
            case "purchases" -> DSL.coalesce(CLIENT_STATS.PURCHASES, 0).cast(BigDecimal.class);
            case "refunds" -> DSL.coalesce(CLIENT_STATS.REFUNDS, 0).cast(BigDecimal.class);
            case "revenue" -> DSL.coalesce(CLIENT_STATS.REVENUE, BigDecimal.ZERO);
            case "averageCheck" -> CLIENT_STATS.AVERAGE_CHECK;
            // calendar days in the business's zone, as strategies count them; null without purchases
            default -> DSL.field("((?::timestamptz at time zone ?)::date - ({0} at time zone ?)::date)::numeric".replace("{0}",
                    "\"client_stats\".\"last_purchase_at\""), BigDecimal.class, asOf.atOffset(java.time.ZoneOffset.UTC), zone.getId(), zone.getId());
        };
    }

    private static Condition range(Field<BigDecimal> value, BigDecimal min, BigDecimal max, String at) {
        if (min == null && max == null) {
            throw bad(at, "needs min, max or both");
        }
        if (min != null && max != null && min.compareTo(max) > 0) {
            throw bad(at + ".max", "must not be below min " + min.toPlainString());
        }
        Condition c = value.isNotNull();
        if (min != null) {
            c = c.and(value.ge(min));
        }
        if (max != null) {
            c = c.and(value.le(max));
        }
        return c;
    }

    private static Condition city(JsonNode node, String at) {
        JsonNode in = node.get("in");
        if (in == null || !in.isArray() || in.isEmpty()) {
            throw bad(at + ".in", "must be a non-empty list of cities");
        }
        List<String> cities = new ArrayList<>();
        in.forEach(c -> cities.add(c.asText().trim().toLowerCase(java.util.Locale.ROOT)));
        return DSL.lower(DSL.trim(CLIENT.CITY)).in(cities);
    }

    private Condition birthday(JsonNode node, String at) {
        BigDecimal days = number(node, "days", at);
        if (days == null || days.signum() < 0 || days.compareTo(BigDecimal.valueOf(366)) > 0) {
            throw bad(at + ".days", "must be between 0 and 366");
        }
        LocalDate today = asOf.atZone(zone).toLocalDate();
        // days until the next birthday: this year's if still ahead, else next year's (29 Feb -> 28 Feb)
        Field<Integer> until = DSL.field("""
                case when ({0} + make_interval(years => ?::int - extract(year from {0})::int))::date >= ?::date
                     then ({0} + make_interval(years => ?::int - extract(year from {0})::int))::date - ?::date
                     else ({0} + make_interval(years => ?::int + 1 - extract(year from {0})::int))::date - ?::date end
                """.replace("{0}", "\"client\".\"birthday\""), Integer.class,
                today.getYear(), today, today.getYear(), today, today.getYear(), today);
        return CLIENT.BIRTHDAY.isNotNull().and(until.le(days.intValue()));
    }

    private Condition category(JsonNode node, String at) {
        String category = text(node, "category", at);
        Condition line = RECEIPT_LINE.RECEIPT_ID.eq(RECEIPT.ID).and(DSL.lower(RECEIPT_LINE.CATEGORY).eq(category.trim().toLowerCase(java.util.Locale.ROOT)));
        BigDecimal minPrice = number(node, "minPrice", at);
        BigDecimal maxPrice = number(node, "maxPrice", at);
        if (minPrice != null) {
            line = line.and(RECEIPT_LINE.PRICE.ge(minPrice));
        }
        if (maxPrice != null) {
            line = line.and(RECEIPT_LINE.PRICE.le(maxPrice));
        }
        Condition receipt = RECEIPT.CLIENT_ID.eq(CLIENT.ID).and(RECEIPT.IS_REFUND.isFalse());
        BigDecimal within = number(node, "withinDays", at);
        if (within != null) {
            if (within.signum() < 0) {
                throw bad(at + ".withinDays", "must not be negative");
            }
            receipt = receipt.and(RECEIPT.PURCHASED_AT.ge(asOf.minus(Duration.ofDays(within.longValue())).atOffset(java.time.ZoneOffset.UTC)));
        }
        return DSL.exists(DSL.selectOne().from(RECEIPT).join(RECEIPT_LINE).on(line).where(receipt));
    }

    private static Condition inSegment(JsonNode node, String at) {
        BigDecimal segment = number(node, "segment", at);
        if (segment == null) {
            throw bad(at + ".segment", "must name a segment id");
        }
        Condition member = SEGMENT_MEMBER.SEGMENT_ID.eq(segment.longValue()).and(SEGMENT_MEMBER.CLIENT_ID.eq(CLIENT.ID));
        if (node.hasNonNull("cell")) {
            member = member.and(SEGMENT_MEMBER.CELL.eq(node.get("cell").asText()));
        }
        return DSL.exists(DSL.selectOne().from(SEGMENT_MEMBER).where(member));
    }

    private static String text(JsonNode node, String name, String at) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw bad(at + "." + name, "must be given as text");
        }
        return v.asText();
    }

    private static BigDecimal number(JsonNode node, String name, String at) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            return new BigDecimal(v.asText().trim());
        } catch (NumberFormatException e) {
            throw bad(at + "." + name, "'" + v.asText() + "' is not a number");
        }
    }

    private static IllegalArgumentException bad(String path, String problem) {
        return new IllegalArgumentException("Parameter '" + path + "': " + problem);
    }

    /** The stored parameters of a rule segment: {@code {"rule": ...}}. */
    static JsonNode rule(Map<String, Object> parameters) {
        return SegmentService.JSON.valueToTree(parameters.get("rule"));
    }
}
