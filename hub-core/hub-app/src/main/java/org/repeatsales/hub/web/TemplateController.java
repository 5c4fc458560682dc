package org.repeatsales.hub.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.campaign.MessageTemplate;
import org.repeatsales.hub.campaign.template.TemplatePreview;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Campaign message templates: see one rendered for a real client before saving it. */
@RestController
@Tag(name = "templates", description = "Campaign message templates (Mustache)")
class TemplateController {

    private final TemplatePreview preview;

    TemplateController(TemplatePreview preview) {
        this.preview = preview;
    }

    /**
     * @param channel EMAIL, TELEGRAM, SMS or PUSH
     * @param template {subject, text, html} with {{variables}}
     * @param clientId the client to render for
     * @param variables the campaign's own variables, such as promoCode
     * @param segmentId optional audience segment, for {{segment}}
     */
    record PreviewRequest(Channel channel, MessageTemplate template, Long clientId, Map<String, String> variables,
            Long segmentId) {
    }

    @Operation(summary = "Render a template for one client and list what saving it would refuse")
    @PostMapping("/api/v1/templates/preview")
    TemplatePreview.Preview preview(@RequestBody PreviewRequest request) {
        if (request.clientId() == null) {
            throw new IllegalArgumentException("clientId is required: the client to render the template for");
        }
        return preview.preview(request.channel(), request.template(), request.clientId(), request.variables(),
                request.segmentId());
    }
}
