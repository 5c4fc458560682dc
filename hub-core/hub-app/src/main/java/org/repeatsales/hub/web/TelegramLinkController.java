package org.repeatsales.hub.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.repeatsales.hub.consent.TelegramLinks;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Hands out a client's Telegram deep link, e.g. for a cashier to show as a QR code. */
@RestController
@Tag(name = "consents", description = "Consent to marketing messages per client and channel")
class TelegramLinkController {

    private final TelegramLinks links;

    TelegramLinkController(TelegramLinks links) {
        this.links = links;
    }

    @Operation(summary = "The client's link https://t.me/<bot>?start=<token>: single-use, tied to the client, expiring; "
            + "an unused link is handed out again")
    @PostMapping("/api/v1/clients/{id}/telegram-link")
    TelegramLinks.Link issue(@PathVariable long id) {
        return links.issue(id);
    }

    @ExceptionHandler(TelegramLinks.UnavailableException.class)
    ResponseEntity<Map<String, String>> unavailable(TelegramLinks.UnavailableException e) {
        return ApiErrors.error(HttpStatus.CONFLICT, e.getMessage());
    }
}
