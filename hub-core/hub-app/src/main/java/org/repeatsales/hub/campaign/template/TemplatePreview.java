package org.repeatsales.hub.campaign.template;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.campaign.MessageTemplate;
import org.repeatsales.hub.campaign.TemplateValidator;
import org.repeatsales.hub.campaign.TemplateValidator.Problem;
import org.repeatsales.hub.campaign.template.TemplateEngine.SyntaxException;
import org.springframework.stereotype.Service;

/**
 * A template rendered for one real client before the campaign is saved, with the problems saving
 * would report. Renders exactly as a send would, except that it issues nothing (no Telegram start
 * token) and needs no address.
 */
@Service
public class TemplatePreview {

    private final TemplateValidator validator;
    private final MessageRendererImpl renderer;
    private final ClientVariables clients;

    TemplatePreview(TemplateValidator validator, MessageRendererImpl renderer, ClientVariables clients) {
        this.validator = validator;
        this.renderer = renderer;
        this.clients = clients;
    }

    /**
     * What the client would receive.
     *
     * @param subject rendered subject, null when the template has none or it does not compile
     * @param text rendered text, null when it does not compile
     * @param html rendered HTML, null when the template has none or it does not compile
     * @param headers protocol headers the message carries (List-Unsubscribe for e-mail)
     * @param problems what saving the template would refuse, each naming its field
     *     ({@code template.subject}, {@code template.text}, {@code template.html}, {@code variables.<name>})
     */
    public record Preview(String subject, String text, String html, Map<String, String> headers, List<Problem> problems) {
    }

    /**
     * @param segmentId optional: the audience segment whose cell {@code {{segment}}} shows
     * @throws NoSuchElementException when there is no such client
     */
    public Preview preview(Channel channel, MessageTemplate template, long clientId, Map<String, String> variables,
            Long segmentId) {
        if (channel == null) {
            throw new IllegalArgumentException("channel is required: EMAIL, TELEGRAM, SMS or PUSH");
        }
        if (template == null) {
            throw new IllegalArgumentException("template is required: {subject, text, html}");
        }
        Map<String, String> campaign = variables == null ? Map.of() : variables;
        List<Problem> problems = validator.problems("template", channel, template, campaign);
        List<Long> segments = segmentId == null ? List.of() : List.of(segmentId);
        ClientVariables.Client client = clients.load(List.of(clientId), segments).get(clientId);
        if (client == null) {
            throw new NoSuchElementException("No client " + clientId);
        }
        Map<String, Object> values = clients.values(client, clients.cellNames(segments));
        MessageTemplate renderable = new MessageTemplate(compiles(template.subject()), compiles(template.text()),
                compiles(template.html()));
        MessageRendererImpl.CompiledTemplate compiled = MessageRendererImpl.CompiledTemplate.of(renderable);
        MessageRendererImpl.Parts parts = renderer.parts(compiled, clientId, channel, values, campaign, true);
        Map<String, String> headers = channel == Channel.EMAIL
                ? new OutboundMessage("preview", null, null, "", Map.of(), "preview").withUnsubscribe(parts.unsubscribeUrl()).headers()
                : Map.of();
        boolean textBroken = template.text() != null && renderable.text() == null;
        return new Preview(parts.subject(), textBroken ? null : parts.text(), parts.html(), headers, problems);
    }

    /** The source when it compiles, otherwise null: a part with a syntax error previews as nothing. */
    private static String compiles(String source) {
        if (source == null) {
            return null;
        }
        try {
            TemplateEngine.compile(source, TemplateEngine.Mode.TEXT);
            return source;
        } catch (SyntaxException e) {
            return null;
        }
    }
}
