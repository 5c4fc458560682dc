package org.repeatsales.hub.campaign;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.repeatsales.hub.api.channel.Readiness;
import org.repeatsales.hub.campaign.CampaignDefinition.Schedule;
import org.repeatsales.hub.campaign.CampaignDefinition.SegmentRef;
import org.repeatsales.hub.campaign.CampaignDefinition.Trigger;
import org.repeatsales.hub.campaign.TemplateValidator.Problem;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.segment.SegmentService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Checks a campaign definition on save and names every field that is wrong, so a cron that never
 * fires, an empty audience, a template error or a channel nobody configured is refused then and not
 * discovered when the campaign fires.
 */
@Component
public class CampaignValidator {

    private static final Logger log = LoggerFactory.getLogger(CampaignValidator.class);
    private static final Pattern RULE_PROBLEM = Pattern.compile("^Parameter 'rule([^']*)': (.*)$", Pattern.DOTALL);
    private static final Set<String> KINDS = Set.of(CampaignDefinition.MANUAL, CampaignDefinition.ONCE, CampaignDefinition.CRON,
            CampaignDefinition.TRIGGER);
    private static final Set<String> TRIGGERS = Set.of(CampaignDefinition.BIRTHDAY, CampaignDefinition.AFTER_FIRST_PURCHASE,
            CampaignDefinition.ENTERED_CELL, CampaignDefinition.NO_PURCHASE);
    static final double MAX_CONTROL_SHARE = 0.5;

    private final SegmentService segments;
    private final PluginRegistry plugins;
    private final ObjectProvider<TemplateValidator> templates;
    private final ZoneId zone;
    private final String triggerCron;
    private volatile boolean warnedNoTemplateValidator;

    CampaignValidator(SegmentService segments, PluginRegistry plugins, ObjectProvider<TemplateValidator> templates,
                      HubProperties hub) {
        this.segments = segments;
        this.plugins = plugins;
        this.templates = templates;
        this.zone = hub.timezone();
        this.triggerCron = hub.campaigns().triggerCron();
    }

    /**
     * Reads and checks a definition as sent.
     *
     * @param now what "in the past" and "never fires" are measured from
     * @throws CampaignRejectedException with every problem found
     */
    public CampaignDefinition validate(JsonNode json, Instant now) {
        CampaignDefinition definition = read(json);
        List<Problem> problems = problems(definition, now);
        if (!problems.isEmpty()) {
            throw new CampaignRejectedException(problems);
        }
        return definition;
    }

    /** The definition the JSON describes, or a refusal naming the parts that have the wrong form. */
    static CampaignDefinition read(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new CampaignRejectedException(List.of(new Problem("", "a campaign definition is a JSON object")));
        }
        List<Problem> problems = new ArrayList<>();
        JsonNode channels = json.get("channels");
        if (channels != null && channels.isArray()) {
            for (int i = 0; i < channels.size(); i++) {
                JsonNode step = channels.get(i);
                for (String required : List.of("channel", "template")) {
                    if (step == null || !step.hasNonNull(required)) {
                        problems.add(new Problem("channels[" + i + "]." + required, "обязательное поле / required"));
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new CampaignRejectedException(problems);
        }
        try {
            return CampaignDefinition.parse(json);
        } catch (JsonMappingException e) {
            throw new CampaignRejectedException(List.of(new Problem(path(e), "wrong form: " + e.getOriginalMessage())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CampaignRejectedException(List.of(new Problem("", "not a campaign definition: " + e.getOriginalMessage())));
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** Every problem of a definition that has the right form; empty when it may be saved. */
    public List<Problem> problems(CampaignDefinition d, Instant now) {
        List<Problem> problems = new ArrayList<>();
        if (d.name() == null || d.name().isBlank()) {
            problems.add(new Problem("name", "укажите название кампании / a campaign needs a name"));
        }
        audience(d, now, problems);
        channels(d, problems);
        schedule(d.schedule(), now, problems);
        policy(d.policy(), problems);
        if (d.variables() != null) {
            d.variables().forEach((k, v) -> {
                if (k == null || !k.matches("[A-Za-z][A-Za-z0-9_]*")) {
                    problems.add(new Problem("variables." + k, "a variable name is letters, digits and _, starting with a letter"));
                }
                if (v == null) {
                    problems.add(new Problem("variables." + k, "needs a value"));
                }
            });
        }
        return problems;
    }

    private void audience(CampaignDefinition d, Instant now, List<Problem> problems) {
        CampaignDefinition.Audience audience = d.audience();
        List<SegmentRef> refs = audience == null || audience.segments() == null ? List.of() : audience.segments();
        JsonNode conditions = audience == null ? null : audience.conditions();
        boolean hasConditions = conditions != null && !conditions.isNull() && !conditions.isMissingNode();
        if (refs.isEmpty() && !hasConditions) {
            problems.add(new Problem("audience", "аудитория пуста: укажите сегмент, ячейку или условия / "
                    + "the audience is empty: name a segment, a cell or conditions"));
            return;
        }
        for (int i = 0; i < refs.size(); i++) {
            SegmentRef ref = refs.get(i);
            String at = "audience.segments[" + i + "]";
            if (ref == null || ref.segment() == null) {
                problems.add(new Problem(at + ".segment", "укажите id сегмента / a segment id is required"));
                continue;
            }
            List<String> cells;
            try {
                cells = segments.cellCodes(ref.segment());
            } catch (NoSuchElementException e) {
                problems.add(new Problem(at + ".segment", "нет сегмента " + ref.segment() + " / no segment " + ref.segment()));
                continue;
            }
            List<String> wanted = ref.cells() == null ? List.of() : ref.cells();
            for (int c = 0; c < wanted.size(); c++) {
                if (!cells.contains(wanted.get(c))) {
                    problems.add(new Problem(at + ".cells[" + c + "]", "в сегменте " + ref.segment() + " нет ячейки «"
                            + wanted.get(c) + "»; есть " + cells + " / no such cell"));
                }
            }
        }
        if (hasConditions) {
            try {
                segments.ruleCondition(conditions, now);
            } catch (IllegalArgumentException e) {
                Matcher m = RULE_PROBLEM.matcher(String.valueOf(e.getMessage()));
                problems.add(m.matches() ? new Problem("audience.conditions" + m.group(1), m.group(2))
                        : new Problem("audience.conditions", String.valueOf(e.getMessage())));
            }
        }
    }

    private void channels(CampaignDefinition d, List<Problem> problems) {
        if (d.channels() == null || d.channels().isEmpty()) {
            problems.add(new Problem("channels", "укажите хотя бы один канал / at least one channel is required"));
            return;
        }
        for (int i = 0; i < d.channels().size(); i++) {
            ChannelStep step = d.channels().get(i);
            String at = "channels[" + i + "]";
            connector(step, at + ".connector", problems);
            TemplateValidator validator = templateValidator();
            if (validator != null) {
                problems.addAll(validator.problems(at + ".template", step.channel(), step.template(), d.variablesOrEmpty()));
            } else if (step.template().text() == null || step.template().text().isBlank()) {
                problems.add(new Problem(at + ".template.text", "текст сообщения пуст / the message text is empty"));
            }
        }
    }

    private TemplateValidator templateValidator() {
        TemplateValidator validator = templates.getIfAvailable();
        if (validator == null && !warnedNoTemplateValidator) {
            warnedNoTemplateValidator = true;
            log.warn("No template validator is installed: campaign templates are only checked for text");
        }
        return validator;
    }

    private void connector(ChannelStep step, String at, List<Problem> problems) {
        if (step.connector() == null || step.connector().isBlank()) {
            problems.add(new Problem(at, "укажите коннектор канала / the connector is required"));
            return;
        }
        try {
            String problem = plugins.withConnector(step.connector(), c -> {
                if (c.channel() != step.channel()) {
                    return "коннектор «" + step.connector() + "» отправляет в " + c.channel() + ", а не в " + step.channel()
                            + " / the connector serves another channel";
                }
                Readiness readiness = c.readiness();
                return readiness.isReady() ? null : "канал не настроен: " + readiness.reason() + " / the channel is not ready";
            });
            if (problem != null) {
                problems.add(new Problem(at, problem));
            }
        } catch (NoSuchElementException e) {
            problems.add(new Problem(at, "нет запущенного коннектора «" + step.connector() + "» (см. /api/v1/plugins) / "
                    + "no started plugin offers this connector"));
        }
    }

    private void schedule(Schedule schedule, Instant now, List<Problem> problems) {
        if (schedule == null || schedule.kind() == null) {
            problems.add(new Problem("schedule.kind", "одно из / one of " + List.of(CampaignDefinition.MANUAL,
                    CampaignDefinition.ONCE, CampaignDefinition.CRON, CampaignDefinition.TRIGGER)));
            return;
        }
        if (!KINDS.contains(schedule.kind())) {
            problems.add(new Problem("schedule.kind", "неизвестный вид «" + schedule.kind() + "»; есть manual, once, cron, trigger"));
            return;
        }
        switch (schedule.kind()) {
            case CampaignDefinition.ONCE -> {
                if (schedule.at() == null) {
                    problems.add(new Problem("schedule.at", "укажите время отправки / the time is required, e.g. 2026-12-28T10:00"));
                } else if (!schedule.at().atZone(zone).toInstant().isAfter(now)) {
                    problems.add(new Problem("schedule.at", "время " + schedule.at() + " уже прошло / is in the past"));
                }
            }
            case CampaignDefinition.CRON -> {
                if (schedule.cron() == null || schedule.cron().isBlank()) {
                    problems.add(new Problem("schedule.cron", "укажите cron, например «0 0 10 * * MON» / the cron is required"));
                } else {
                    cron(schedule, now, problems);
                }
            }
            case CampaignDefinition.TRIGGER -> {
                if (schedule.cron() != null && !schedule.cron().isBlank()) {
                    cron(schedule, now, problems);
                }
                trigger(schedule.trigger(), problems);
            }
            default -> {
            }
        }
    }

    private void cron(Schedule schedule, Instant now, List<Problem> problems) {
        try {
            if (Schedules.next(schedule, now, zone, triggerCron) == null) {
                problems.add(new Problem("schedule.cron", "cron «" + schedule.cron() + "» никогда не сработает / never fires"));
            }
        } catch (IllegalArgumentException e) {
            problems.add(new Problem("schedule.cron", "не cron: " + e.getMessage() + " / not a cron expression"));
        }
    }

    private void trigger(Trigger trigger, List<Problem> problems) {
        if (trigger == null || trigger.kind() == null) {
            problems.add(new Problem("schedule.trigger.kind", "одно из / one of " + TRIGGERS));
            return;
        }
        if (!TRIGGERS.contains(trigger.kind())) {
            problems.add(new Problem("schedule.trigger.kind", "неизвестный триггер «" + trigger.kind() + "»; есть " + TRIGGERS));
            return;
        }
        boolean daysRequired = !trigger.kind().equals(CampaignDefinition.ENTERED_CELL);
        if (trigger.days() == null ? daysRequired : trigger.days() < 0 || trigger.days() > 3660) {
            problems.add(new Problem("schedule.trigger.days", "число дней от 0 до 3660 / days between 0 and 3660"));
        }
        if (trigger.kind().equals(CampaignDefinition.BIRTHDAY) && trigger.days() != null && trigger.days() > 366) {
            problems.add(new Problem("schedule.trigger.days", "не больше 366 дней до дня рождения / at most 366"));
        }
        if (trigger.kind().equals(CampaignDefinition.ENTERED_CELL)) {
            if (trigger.segment() == null) {
                problems.add(new Problem("schedule.trigger.segment", "укажите id сегмента / a segment id is required"));
                return;
            }
            try {
                List<String> cells = segments.cellCodes(trigger.segment());
                if (trigger.cell() == null || !cells.contains(trigger.cell())) {
                    problems.add(new Problem("schedule.trigger.cell", "в сегменте " + trigger.segment() + " нет ячейки «"
                            + trigger.cell() + "»; есть " + cells + " / no such cell"));
                }
            } catch (NoSuchElementException e) {
                problems.add(new Problem("schedule.trigger.segment", "нет сегмента " + trigger.segment() + " / no segment"));
            }
        }
    }

    private static void policy(CampaignDefinition.PolicyOverrides policy, List<Problem> problems) {
        if (policy == null) {
            return;
        }
        if (policy.controlShare() != null && (policy.controlShare() < 0 || policy.controlShare() > MAX_CONTROL_SHARE
                || policy.controlShare().isNaN())) {
            problems.add(new Problem("policy.controlShare", "доля контрольной группы от 0 до 0.5 / must be between 0 and 0.5"));
        }
        if (policy.frequencyCap() != null && policy.frequencyCap().isNegative()) {
            problems.add(new Problem("policy.frequencyCap", "не может быть отрицательным / must not be negative"));
        }
        if (policy.attribution() != null && (policy.attribution().isNegative() || policy.attribution().isZero()
                || policy.attribution().compareTo(Duration.ofDays(365)) > 0)) {
            problems.add(new Problem("policy.attribution", "от 1 часа до 365 дней / between an hour and 365 days"));
        }
        if ((policy.quietFrom() == null) != (policy.quietTo() == null)) {
            problems.add(new Problem(policy.quietFrom() == null ? "policy.quietFrom" : "policy.quietTo",
                    "тихие часы задаются началом и концом / quiet hours need both quietFrom and quietTo"));
        }
    }
}
