package org.repeatsales.hub.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.consent.ConsentService;
import org.repeatsales.hub.consent.ConsentService.ConsentChange;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Consent of a client to marketing on a channel, recorded with where it came from. */
@RestController
@Tag(name = "consents", description = "Consent to marketing messages per client and channel")
class ConsentController {

    private final ConsentService consents;

    ConsentController(ConsentService consents) {
        this.consents = consents;
    }

    /**
     * @param channel EMAIL, TELEGRAM, SMS or PUSH
     * @param state given or withdrawn
     * @param address the address the consent is about (kept as the client's address on the channel)
     * @param at when the client gave or withdrew it; now when absent
     * @param source where: shop-form, cashier, import, ...
     * @param proof what proves it: form id, signed paper number, IP and user agent
     */
    record ConsentRequest(Channel channel, String state, String address, Instant at, String source, String proof) {
    }

    @Operation(summary = "Record that a client gave or withdrew consent on a channel (kept as history)")
    @PostMapping("/api/v1/clients/{id}/consents")
    @ResponseStatus(HttpStatus.CREATED)
    ConsentChange record(@PathVariable long id, @RequestBody ConsentRequest request) {
        if (request.channel() == null) {
            throw new IllegalArgumentException("channel is required: EMAIL, TELEGRAM, SMS or PUSH");
        }
        return consents.record(id, request.channel(), request.state(), request.at(), request.source(), request.proof(),
                request.address());
    }
}
