package org.repeatsales.hub.campaign.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.campaign.ChannelStep;
import org.repeatsales.hub.campaign.ContactPolicy;
import org.repeatsales.hub.campaign.MessageTemplate;

/**
 * What the dispatcher needs of a run's frozen definition: the step (connector and template) of each
 * channel, the campaign variables and the frequency cap. Read from the definition's JSON as the
 * campaign contract describes it ({@code channels}, {@code variables}, {@code policy}), so the
 * dispatcher sends what was fired even if the campaign has been edited since. {@code since} is when
 * the run was planned: retries end {@code max-age} after it.
 */
record RunPlan(long runId, Map<Channel, ChannelStep> steps, Map<String, String> variables, Duration frequencyCap,
        Instant since) {

    static RunPlan parse(long runId, String definitionJson, Instant since, ObjectMapper json) {
        JsonNode root;
        try {
            root = json.readTree(definitionJson);
        } catch (IOException e) {
            throw new IllegalStateException("Run " + runId + ": its definition is not JSON: " + e.getMessage(), e);
        }
        Map<Channel, ChannelStep> steps = new LinkedHashMap<>();
        for (JsonNode step : root.path("channels")) {
            Channel channel = channel(step.path("channel").asText(""));
            if (channel == null) {
                throw new IllegalStateException("Run " + runId + ": unknown channel '" + step.path("channel").asText("")
                        + "' in its definition");
            }
            JsonNode t = step.path("template");
            MessageTemplate template = new MessageTemplate(text(t, "subject"), text(t, "text"), text(t, "html"));
            // the first step of a channel is the one the order means; a repeated channel adds nothing
            steps.putIfAbsent(channel, new ChannelStep(channel, text(step, "connector"), template));
        }
        Map<String, String> variables = new LinkedHashMap<>();
        root.path("variables").fields().forEachRemaining(f -> variables.put(f.getKey(),
                f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString()));
        Duration cap = duration(root.path("policy").path("frequencyCap"), ContactPolicy.DEFAULT.frequencyCap());
        return new RunPlan(runId, Map.copyOf(steps), Map.copyOf(variables), cap, since);
    }

    static Channel channel(String name) {
        try {
            return Channel.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }

    /** Jackson writes a Duration as seconds or as ISO-8601 ("P7D") depending on its settings; both are read. */
    private static Duration duration(JsonNode v, Duration otherwise) {
        if (v.isNumber()) {
            return Duration.ofMillis(Math.round(v.asDouble() * 1000));
        }
        if (v.isTextual() && !v.asText().isBlank()) {
            String s = v.asText().trim();
            try {
                return Duration.parse(s.startsWith("P") || s.startsWith("p") ? s : "PT" + s);
            } catch (RuntimeException e) {
                if (s.matches("\\d+[dD]")) {
                    return Duration.ofDays(Long.parseLong(s.substring(0, s.length() - 1)));
                }
                throw new IllegalStateException("policy.frequencyCap '" + s + "' is not a duration", e);
            }
        }
        return otherwise;
    }
}
