package org.repeatsales.hub.campaign;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;

/**
 * What a marketer sets up once: who (audience), how (channels in preference order, each with its
 * template), when (schedule), with which campaign variables and contact-policy overrides. Stored as
 * JSON in {@code campaign.definition}, and copied into {@code campaign_run.definition} (with the
 * policy made complete) when a run fires, so a run keeps what it was fired with.
 *
 * <pre>
 * {"name": "Новогодняя скидка",
 *  "audience": {"segments": [{"segment": 3, "cells": ["regular-sleeping"]}],
 *               "conditions": {"field": "purchases", "min": 3}},
 *  "channels": [{"channel": "TELEGRAM", "connector": "telegram", "template": {"text": "..."}},
 *               {"channel": "EMAIL", "connector": "email", "template": {"subject": "...", "text": "...", "html": "..."}}],
 *  "schedule": {"kind": "cron", "cron": "0 0 10 * * MON"},
 *  "variables": {"promoCode": "NY10", "discount": "10%"},
 *  "policy": {"frequencyCap": "P7D", "quietFrom": "21:00", "quietTo": "09:00", "controlShare": 0.1}}
 * </pre>
 *
 * @param name unique name of the campaign
 * @param audience segments or cells (a client in any of them) and extra conditions (all must hold)
 * @param channels tried in this order for each client: the first with consent and an address wins,
 *     the next one takes over when it fails permanently
 * @param schedule manual, once, cron or trigger
 * @param variables values available to the templates under their own names (promoCode, discount)
 * @param policy overrides of the global contact policy ({@code hub.campaigns.*}); null fields keep it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CampaignDefinition(String name, Audience audience, List<ChannelStep> channels, Schedule schedule,
        Map<String, String> variables, PolicyOverrides policy) {

    /** Schedule kinds. */
    public static final String MANUAL = "manual";
    public static final String ONCE = "once";
    public static final String CRON = "cron";
    public static final String TRIGGER = "trigger";

    /** Trigger kinds. */
    public static final String BIRTHDAY = "birthday";
    public static final String AFTER_FIRST_PURCHASE = "afterFirstPurchase";
    public static final String ENTERED_CELL = "enteredCell";
    public static final String NO_PURCHASE = "noPurchase";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    /**
     * @param segments a client in any of these segments (or their listed cells) belongs
     * @param conditions a rule tree in the format of rule-based segments (all of it must hold), or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Audience(List<SegmentRef> segments, JsonNode conditions) {
    }

    /**
     * @param segment the segment id
     * @param cells cell codes; empty or null means the whole segment
     */
    public record SegmentRef(Long segment, List<String> cells) {
    }

    /**
     * @param kind manual (only when asked), once (at {@code at}), cron (every slot of {@code cron}),
     *     trigger (evaluated on {@code cron}, by default daily, each client once per occasion)
     * @param at for once: local time in the business's zone ({@code hub.timezone})
     * @param cron Spring cron with seconds ({@code 0 0 10 * * MON}) or classic five fields
     *     ({@code 0 10 * * MON}), in the business's zone
     * @param trigger for trigger: what makes a client due
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Schedule(String kind, LocalDateTime at, String cron, Trigger trigger) {
    }

    /**
     * @param kind birthday (in {@code days} days), afterFirstPurchase ({@code days} after it),
     *     enteredCell ({@code segment}/{@code cell}, entered within the last {@code days}, default 7),
     *     noPurchase (none for {@code days} days)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Trigger(String kind, Integer days, Long segment, String cell) {
    }

    /** Per-campaign changes of {@link ContactPolicy}; a null field keeps the global value. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PolicyOverrides(Duration frequencyCap, LocalTime quietFrom, LocalTime quietTo, Double controlShare,
            Duration attribution) {

        public static PolicyOverrides of(ContactPolicy p) {
            return new PolicyOverrides(p.frequencyCap(), p.quietFrom(), p.quietTo(), p.controlShare(), p.attribution());
        }

        public ContactPolicy over(ContactPolicy defaults) {
            return new ContactPolicy(frequencyCap == null ? defaults.frequencyCap() : frequencyCap,
                    quietFrom == null ? defaults.quietFrom() : quietFrom, quietTo == null ? defaults.quietTo() : quietTo,
                    controlShare == null ? defaults.controlShare() : controlShare,
                    attribution == null ? defaults.attribution() : attribution);
        }
    }

    /** The campaign's policy: its overrides over the global defaults. */
    public ContactPolicy policy(ContactPolicy defaults) {
        return policy == null ? defaults : policy.over(defaults);
    }

    public Map<String, String> variablesOrEmpty() {
        return variables == null ? Map.of() : variables;
    }

    public List<ChannelStep> channelsOrEmpty() {
        return channels == null ? List.of() : channels;
    }

    /** The same definition with the policy written out in full, as a run freezes it. */
    public CampaignDefinition withFullPolicy(ContactPolicy defaults) {
        return new CampaignDefinition(name, audience, channels, schedule, variables, PolicyOverrides.of(policy(defaults)));
    }

    public CampaignDefinition withName(String newName) {
        return new CampaignDefinition(newName, audience, channels, schedule, variables, policy);
    }

    /**
     * Reads a definition from its JSON (as stored, or as a run's frozen copy).
     *
     * @throws IllegalArgumentException when the JSON does not have the definition's shape
     */
    public static CampaignDefinition parse(String json) {
        try {
            return JSON.readValue(json, CampaignDefinition.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not a campaign definition: " + e.getOriginalMessage(), e);
        }
    }

    /** As {@link #parse(String)}, from a tree. */
    public static CampaignDefinition parse(JsonNode json) throws JsonProcessingException {
        return JSON.treeToValue(json, CampaignDefinition.class);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write campaign definition " + name, e);
        }
    }

    public JsonNode toTree() {
        return JSON.valueToTree(this);
    }

    static ObjectMapper json() {
        return JSON;
    }
}
