package org.repeatsales.hub.campaign.dispatch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.campaign.MessageRenderer;

/**
 * A test-only renderer until the template engine is installed: the template's text with the client,
 * run and campaign variables appended, so a received message shows who it was for. A template text
 * of {@code BROKEN} cannot be rendered.
 */
public class PlainTextRenderer implements MessageRenderer {

    @Override
    public Map<Long, Result> render(Batch batch, List<Recipient> recipients) {
        Map<Long, Result> results = new HashMap<>();
        for (Recipient r : recipients) {
            String template = batch.step().template().text();
            if ("BROKEN".equals(template)) {
                results.put(r.deliveryId(), new Result.Unrenderable("unknown variable {{broken}}"));
                continue;
            }
            String text = template + " client=" + r.clientId() + " run=" + batch.runId() + " vars=" + batch.campaignVariables();
            results.put(r.deliveryId(), new Result.Rendered(new OutboundMessage(r.address(), batch.step().template().subject(),
                    null, text, Map.of(), String.valueOf(r.deliveryId()))));
        }
        return results;
    }
}
