package org.repeatsales.hub.campaign;

import java.util.List;
import java.util.Map;
import org.repeatsales.hub.api.channel.Channel;

/**
 * Checks a template when a campaign is saved, so an unknown variable, an SMS over its length or an
 * e-mail without an unsubscribe link is refused then, not discovered at send time.
 */
public interface TemplateValidator {

    /**
     * One thing wrong with a template.
     *
     * @param field where, in the campaign definition's terms, such as {@code channels[1].template.text}
     * @param message what is wrong, in words a marketer understands
     */
    record Problem(String field, String message) {
    }

    /**
     * @param field path of the template in the definition, prefixed to each problem's field
     * @return the problems, empty when the template is fine
     */
    List<Problem> problems(String field, Channel channel, MessageTemplate template);

    /**
     * As {@link #problems(String, Channel, MessageTemplate)}, knowing the campaign's own variables
     * (the definition's {@code variables}, such as {@code promoCode}): only then may the template
     * use them, and their values count in length checks. Campaign saving should call this one.
     *
     * @param campaignVariables name to value; problems with a name are reported as {@code variables.<name>}
     */
    default List<Problem> problems(String field, Channel channel, MessageTemplate template,
            Map<String, String> campaignVariables) {
        return problems(field, channel, template);
    }
}
