package org.repeatsales.hub.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.repeatsales.hub.campaign.CampaignDefinition;
import org.repeatsales.hub.campaign.ChannelStep;
import org.repeatsales.hub.campaign.TemplateValidator.Problem;
import org.springframework.util.MultiValueMap;

/**
 * The campaign builder's form, both ways: a stored definition laid out in form fields, and the
 * fields sent back turned into the definition's JSON for {@code CampaignService}, which checks it.
 * Field names are the paths the validator names in its problems ({@code schedule.cron},
 * {@code channels[0].template.text}), so each problem lands next to its field.
 *
 * <p>The audience is a set of choices, {@code <segment id>} for a whole segment or
 * {@code <segment id>:<cell>} for one cell; channels are rows in preference order, an empty row
 * is skipped.
 *
 * @param values single-valued fields by name
 * @param audience the chosen segments and cells
 * @param rows the channel rows the JSON's channels came from, by their index in the JSON
 * @param problems what the form itself could not read (conditions that are not JSON, a variables line
 *     without "="), before the validator sees the definition
 */
record CampaignForm(Map<String, String> values, Set<String> audience, List<Integer> rows, List<Problem> problems) {

    /** Channel rows the builder offers; the API takes more, the console's marketers rarely want more than three. */
    static final int ROWS = 3;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static String channel(int row, String part) {
        return "channels[" + row + "]." + part;
    }

    /** The fields as posted. */
    static CampaignForm of(MultiValueMap<String, String> posted) {
        Map<String, String> values = new LinkedHashMap<>();
        posted.forEach((name, list) -> {
            if (!name.equals("audience") && !name.equals("_csrf") && list != null && !list.isEmpty()) {
                values.put(name, list.get(0));
            }
        });
        Set<String> audience = new LinkedHashSet<>(posted.getOrDefault("audience", List.of()));
        return new CampaignForm(values, audience, List.of(), List.of());
    }

    /** A new campaign for an audience: a segment, one of its cells, or nothing chosen yet. */
    static CampaignForm fresh(Long segment, String cell, String connector, String channel) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("schedule.kind", CampaignDefinition.MANUAL);
        if (channel != null) {
            values.put(channel(0, "channel"), channel);
            values.put(channel(0, "connector"), connector);
            if ("EMAIL".equals(channel)) {
                values.put(channel(0, "template.subject"), "{{firstName}}, для вас подарок");
                values.put(channel(0, "template.text"), "{{greeting}}\nМы скучаем! Приходите за подарком.\n"
                        + "Отписаться: {{unsubscribeUrl}}");
            } else {
                values.put(channel(0, "template.text"), "{{greeting}} Мы скучаем! Приходите за подарком.");
            }
        }
        Set<String> audience = new LinkedHashSet<>();
        if (segment != null) {
            audience.add(cell == null || cell.isBlank() ? String.valueOf(segment) : segment + ":" + cell);
        }
        return new CampaignForm(values, audience, List.of(), List.of());
    }

    /** A stored definition in the builder's fields. */
    static CampaignForm of(CampaignDefinition d) {
        Map<String, String> values = new LinkedHashMap<>();
        put(values, "name", d.name());
        Set<String> audience = new LinkedHashSet<>();
        if (d.audience() != null) {
            if (d.audience().segments() != null) {
                for (CampaignDefinition.SegmentRef ref : d.audience().segments()) {
                    if (ref.cells() == null || ref.cells().isEmpty()) {
                        audience.add(String.valueOf(ref.segment()));
                    } else {
                        ref.cells().forEach(c -> audience.add(ref.segment() + ":" + c));
                    }
                }
            }
            if (d.audience().conditions() != null && !d.audience().conditions().isNull()) {
                put(values, "audience.conditions", d.audience().conditions().toPrettyString());
            }
        }
        List<ChannelStep> steps = d.channelsOrEmpty();
        for (int i = 0; i < steps.size(); i++) {
            ChannelStep step = steps.get(i);
            put(values, channel(i, "channel"), step.channel().name());
            put(values, channel(i, "connector"), step.connector());
            put(values, channel(i, "template.subject"), step.template().subject());
            put(values, channel(i, "template.text"), step.template().text());
            put(values, channel(i, "template.html"), step.template().html());
        }
        if (d.schedule() != null) {
            put(values, "schedule.kind", d.schedule().kind());
            put(values, "schedule.at", d.schedule().at() == null ? null : d.schedule().at().toString());
            put(values, "schedule.cron", d.schedule().cron());
            if (d.schedule().trigger() != null) {
                CampaignDefinition.Trigger t = d.schedule().trigger();
                put(values, "schedule.trigger.kind", t.kind());
                put(values, "schedule.trigger.days", t.days() == null ? null : t.days().toString());
                put(values, "schedule.trigger.segment", t.segment() == null ? null : t.segment().toString());
                put(values, "schedule.trigger.cell", t.cell());
            }
        }
        StringBuilder variables = new StringBuilder();
        d.variablesOrEmpty().forEach((k, v) -> variables.append(k).append('=').append(v).append('\n'));
        put(values, "variables", variables.toString());
        if (d.policy() != null) {
            CampaignDefinition.PolicyOverrides p = d.policy();
            put(values, "policy.controlShare", p.controlShare() == null ? null : percent(p.controlShare()));
            put(values, "policy.frequencyCap", days(p.frequencyCap()));
            put(values, "policy.attribution", days(p.attribution()));
            put(values, "policy.quietFrom", p.quietFrom() == null ? null : p.quietFrom().toString());
            put(values, "policy.quietTo", p.quietTo() == null ? null : p.quietTo().toString());
        }
        return new CampaignForm(values, audience, List.of(), List.of());
    }

    /** A field's value, empty when it was not sent. */
    public String value(String name) {
        String v = values.get(name);
        return v == null ? "" : v;
    }

    /** Whether a segment or cell is part of the audience. */
    public boolean chosen(String audienceKey) {
        return audience.contains(audienceKey);
    }

    /** The same form with what the definition's JSON was made of, for placing the validator's problems. */
    CampaignForm withRows(List<Integer> rows, List<Problem> problems) {
        return new CampaignForm(values, audience, rows, problems);
    }

    /** The definition's JSON as the API would receive it, and the rows and problems met on the way. */
    CampaignForm read(ObjectNode into) {
        List<Problem> found = new ArrayList<>();
        text(into, "name", value("name").trim());

        ObjectNode audienceNode = NODES.objectNode();
        Map<String, ArrayNode> bySegment = new LinkedHashMap<>();
        Set<String> whole = new LinkedHashSet<>();
        for (String key : audience) {
            int colon = key.indexOf(':');
            String segment = colon < 0 ? key : key.substring(0, colon);
            ArrayNode cells = bySegment.computeIfAbsent(segment, s -> NODES.arrayNode());
            if (colon < 0) {
                whole.add(segment);
            } else {
                cells.add(key.substring(colon + 1));
            }
        }
        ArrayNode segments = NODES.arrayNode();
        bySegment.forEach((segment, cells) -> {
            ObjectNode ref = NODES.objectNode();
            ref.set("segment", number(segment));
            // a whole segment takes in its cells: choosing both means the whole segment
            if (!whole.contains(segment)) {
                ref.set("cells", cells);
            }
            segments.add(ref);
        });
        if (!segments.isEmpty()) {
            audienceNode.set("segments", segments);
        }
        String conditions = value("audience.conditions").trim();
        if (!conditions.isEmpty()) {
            try {
                audienceNode.set("conditions", JSON.readTree(conditions));
            } catch (JsonProcessingException e) {
                found.add(new Problem("audience.conditions", "условия — это правило в JSON, как у сегментов: "
                        + e.getOriginalMessage() + " / the conditions are a rule in JSON"));
            }
        }
        into.set("audience", audienceNode);

        ArrayNode channels = NODES.arrayNode();
        List<Integer> rows = new ArrayList<>();
        for (int row = 0; row < ROWS; row++) {
            String channel = value(channel(row, "channel"));
            if (channel.isBlank()) {
                continue;
            }
            ObjectNode step = NODES.objectNode();
            step.put("channel", channel);
            text(step, "connector", value(channel(row, "connector")));
            ObjectNode template = NODES.objectNode();
            text(template, "subject", value(channel(row, "template.subject")));
            text(template, "text", value(channel(row, "template.text")));
            text(template, "html", value(channel(row, "template.html")));
            step.set("template", template);
            channels.add(step);
            rows.add(row);
        }
        into.set("channels", channels);

        ObjectNode schedule = NODES.objectNode();
        String kind = value("schedule.kind");
        text(schedule, "kind", kind);
        if (kind.equals(CampaignDefinition.ONCE)) {
            text(schedule, "at", value("schedule.at"));
        }
        if (kind.equals(CampaignDefinition.CRON) || kind.equals(CampaignDefinition.TRIGGER)) {
            text(schedule, "cron", value("schedule.cron").trim());
        }
        if (kind.equals(CampaignDefinition.TRIGGER)) {
            ObjectNode trigger = NODES.objectNode();
            text(trigger, "kind", value("schedule.trigger.kind"));
            if (!value("schedule.trigger.days").isBlank()) {
                trigger.set("days", number(value("schedule.trigger.days")));
            }
            if (value("schedule.trigger.kind").equals(CampaignDefinition.ENTERED_CELL)) {
                if (!value("schedule.trigger.segment").isBlank()) {
                    trigger.set("segment", number(value("schedule.trigger.segment")));
                }
                text(trigger, "cell", value("schedule.trigger.cell"));
            }
            schedule.set("trigger", trigger);
        }
        into.set("schedule", schedule);

        ObjectNode variables = NODES.objectNode();
        for (String line : value("variables").split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                found.add(new Problem("variables", "строка «" + line.trim() + "»: пишите имя=значение / write name=value"));
            } else {
                variables.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        if (!variables.isEmpty()) {
            into.set("variables", variables);
        }

        ObjectNode policy = NODES.objectNode();
        String share = value("policy.controlShare").trim().replace(',', '.');
        if (!share.isEmpty()) {
            try {
                policy.put("controlShare", Double.parseDouble(share) / 100);
            } catch (NumberFormatException e) {
                found.add(new Problem("policy.controlShare", "доля в процентах, например 10 / a percentage, e.g. 10"));
            }
        }
        duration(policy, "frequencyCap", value("policy.frequencyCap"));
        duration(policy, "attribution", value("policy.attribution"));
        text(policy, "quietFrom", value("policy.quietFrom"));
        text(policy, "quietTo", value("policy.quietTo"));
        if (!policy.isEmpty()) {
            into.set("policy", policy);
        }
        return withRows(rows, found);
    }

    /**
     * The builder field a problem of the validator belongs next to: the problem's own path when
     * the builder has that field, otherwise the nearest enclosing one ({@code audience.segments[0].cells[1]}
     * goes to {@code audience}); channel indexes are those of the rows the channels came from.
     */
    String fieldOf(String problemField, Set<String> fields) {
        String field = problemField == null ? "" : problemField;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^channels\\[(\\d+)]").matcher(field);
        if (m.find()) {
            int index = Integer.parseInt(m.group(1));
            if (index < rows.size()) {
                field = "channels[" + rows.get(index) + "]" + field.substring(m.end());
            }
        }
        while (!field.isEmpty()) {
            if (fields.contains(field)) {
                return field;
            }
            int cut = Math.max(field.lastIndexOf('.'), Math.max(field.lastIndexOf('['), field.lastIndexOf('(')));
            field = cut <= 0 ? "" : field.substring(0, cut);
        }
        return "";
    }

    private static void text(ObjectNode node, String name, String value) {
        if (value != null && !value.isBlank()) {
            node.put(name, value);
        }
    }

    /** Digits as a number; anything else as given, for the definition's reader to name the field. */
    private static JsonNode number(String value) {
        String v = value.trim();
        return v.matches("-?\\d{1,15}") ? NODES.numberNode(Long.parseLong(v)) : NODES.textNode(v);
    }

    /** Whole days as a number of days, anything else as ISO-8601 (PT12H), which the definition reads. */
    private static void duration(ObjectNode policy, String name, String value) {
        String v = value.trim();
        if (v.isEmpty()) {
            return;
        }
        policy.put(name, v.matches("\\d{1,5}") ? "P" + Long.parseLong(v) + "D" : v);
    }

    private static String days(Duration d) {
        if (d == null) {
            return null;
        }
        return d.toSeconds() % 86_400 == 0 ? String.valueOf(d.toDays()) : d.toString();
    }

    private static String percent(double share) {
        double p = share * 100;
        return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
    }

    private static void put(Map<String, String> values, String name, String value) {
        if (value != null) {
            values.put(name, value);
        }
    }
}
