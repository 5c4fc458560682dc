package org.repeatsales.hub.campaign.template;

import static org.repeatsales.hub.store.jooq.Tables.CAMPAIGN_RUN;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.campaign.MessageRenderer;
import org.repeatsales.hub.campaign.MessageTemplate;
import org.repeatsales.hub.campaign.template.TemplateEngine.Compiled;
import org.repeatsales.hub.campaign.template.TemplateEngine.Mode;
import org.repeatsales.hub.campaign.template.TemplateEngine.SyntaxException;
import org.repeatsales.hub.consent.UnsubscribeLinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Renders a batch of deliveries with Mustache: the batch's clients are loaded in one query, each
 * message gets its client's variables, the campaign's variables and a link to unsubscribe from
 * exactly that channel; e-mails also carry it as {@code List-Unsubscribe}. A client without a
 * value renders an empty string (or «Здравствуйте!» for {@code {{greeting}}}); only what cannot be
 * sent at all (a template that does not compile, an empty text, a client gone) is unrenderable.
 */
@Component
class MessageRendererImpl implements MessageRenderer {

    private static final Logger log = LoggerFactory.getLogger(MessageRendererImpl.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DSLContext db;
    private final ClientVariables clients;
    private final UnsubscribeLinks unsubscribeLinks;
    private final ObjectProvider<TelegramLinks> telegramLinks;

    MessageRendererImpl(DSLContext db, ClientVariables clients, UnsubscribeLinks unsubscribeLinks,
            ObjectProvider<TelegramLinks> telegramLinks) {
        this.db = db;
        this.clients = clients;
        this.unsubscribeLinks = unsubscribeLinks;
        this.telegramLinks = telegramLinks;
    }

    /** A template compiled once for a batch. */
    record CompiledTemplate(Compiled subject, Compiled text, Compiled html) {

        static CompiledTemplate of(MessageTemplate template) {
            return new CompiledTemplate(compile(template.subject(), Mode.TEXT), compile(template.text(), Mode.TEXT),
                    compile(template.html(), Mode.HTML));
        }

        private static Compiled compile(String source, Mode mode) {
            return source == null ? null : TemplateEngine.compile(source, mode);
        }

        boolean uses(String variable) {
            return (subject != null && subject.uses(variable)) || (text != null && text.uses(variable))
                    || (html != null && html.uses(variable));
        }
    }

    @Override
    public Map<Long, Result> render(Batch batch, List<Recipient> recipients) {
        Map<Long, Result> results = new LinkedHashMap<>();
        CompiledTemplate template;
        try {
            template = CompiledTemplate.of(batch.step().template());
        } catch (SyntaxException e) {
            recipients.forEach(r -> results.put(r.deliveryId(), new Result.Unrenderable(
                    "template of run " + batch.runId() + " does not compile: " + e.getMessage())));
            return results;
        }
        List<Long> segmentIds = audienceSegments(batch.runId());
        Map<Long, ClientVariables.Client> found = clients.load(recipients.stream().map(Recipient::clientId).toList(), segmentIds);
        Map<Long, Map<String, String>> cellNames = clients.cellNames(segmentIds);
        Map<String, String> campaign = batch.campaignVariables() == null ? Map.of() : batch.campaignVariables();
        for (Recipient recipient : recipients) {
            ClientVariables.Client client = found.get(recipient.clientId());
            Result result;
            if (client == null) {
                result = new Result.Unrenderable("client " + recipient.clientId() + " no longer exists");
            } else {
                try {
                    result = render(template, recipient, clients.values(client, cellNames), campaign);
                } catch (RuntimeException e) {
                    // one client's failure (a Telegram link that could not be issued) fails that delivery only
                    log.warn("Delivery {} of run {} could not be rendered", recipient.deliveryId(), batch.runId(), e);
                    result = new Result.Unrenderable("rendering failed: " + e.getMessage());
                }
            }
            results.put(recipient.deliveryId(), result);
        }
        return results;
    }

    /** The rendered parts of one message, before it becomes an {@link OutboundMessage}. */
    record Parts(String subject, String text, String html, String unsubscribeUrl) {
    }

    /** One message; unrenderable when its text comes out empty or a link cannot be issued. */
    Result render(CompiledTemplate template, Recipient recipient, Map<String, Object> clientValues,
            Map<String, String> campaign) {
        if (template.uses(TemplateVariables.TELEGRAM_LINK) && telegramLinks.getIfAvailable() == null) {
            return new Result.Unrenderable("{{telegramLink}} is used but the hub has no Telegram chat linking");
        }
        Parts parts = parts(template, recipient.clientId(), recipient.channel(), clientValues, campaign, false);
        if (parts.text().isBlank()) {
            return new Result.Unrenderable("the rendered text is empty");
        }
        OutboundMessage message = new OutboundMessage(recipient.address(), parts.subject(), parts.html(), parts.text(),
                Map.of(), Long.toString(recipient.deliveryId()));
        if (recipient.channel() == Channel.EMAIL) {
            message = message.withUnsubscribe(parts.unsubscribeUrl());
        }
        return new Result.Rendered(message);
    }

    /**
     * Renders the parts. In a preview nothing is issued: the Telegram link is a sample of the same
     * shape, or empty without Telegram chat linking.
     */
    Parts parts(CompiledTemplate template, long clientId, Channel channel, Map<String, Object> clientValues,
            Map<String, String> campaign, boolean preview) {
        Map<String, Object> values = new HashMap<>(campaign);
        values.putAll(clientValues); // built-in names win over a campaign variable of the same name
        String unsubscribe = unsubscribeLinks.url(clientId, channel);
        values.put(TemplateVariables.UNSUBSCRIBE_URL, unsubscribe);
        if (template.uses(TemplateVariables.TELEGRAM_LINK)) {
            TelegramLinks links = telegramLinks.getIfAvailable();
            String link = links == null ? "" : preview ? links.sample() : links.link(clientId);
            values.put(TemplateVariables.TELEGRAM_LINK, link);
        }
        return new Parts(template.subject() == null ? null : template.subject().render(values).strip(),
                template.text() == null ? "" : template.text().render(values),
                template.html() == null ? null : template.html().render(values), unsubscribe);
    }

    /**
     * Segment ids the run's audience names, in order: every {@code segment} or {@code segmentId}
     * number anywhere under the definition's {@code audience}.
     */
    List<Long> audienceSegments(long runId) {
        JSONB definition = db.select(CAMPAIGN_RUN.DEFINITION).from(CAMPAIGN_RUN).where(CAMPAIGN_RUN.ID.eq(runId))
                .fetchOptional(CAMPAIGN_RUN.DEFINITION).orElse(null);
        if (definition == null) {
            return List.of();
        }
        try {
            Set<Long> ids = new LinkedHashSet<>();
            collectSegments(JSON.readTree(definition.data()).path("audience"), ids);
            return new ArrayList<>(ids);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The definition of run " + runId + " is not JSON", e);
        }
    }

    private static void collectSegments(JsonNode node, Set<Long> ids) {
        if (node.isArray()) {
            node.forEach(child -> collectSegments(child, ids));
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = field.getValue();
                boolean named = field.getKey().equals("segment") || field.getKey().equals("segmentId");
                if (named && value.isIntegralNumber()) {
                    ids.add(value.asLong());
                } else if (named && value.isTextual() && value.asText().matches("\\d+")) {
                    ids.add(Long.parseLong(value.asText()));
                } else {
                    collectSegments(value, ids);
                }
            }
        }
    }
}
