package org.repeatsales.hub.web;

import java.util.Map;
import java.util.Optional;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.consent.ConsentService;
import org.repeatsales.hub.consent.UnsubscribeLinks;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The unsubscribe link of messages, open without login. GET only shows a confirmation (mail
 * scanners follow links, and must not unsubscribe anyone); POST, from that page's button or from a
 * mail client's one-click unsubscribe (RFC 8058), withdraws the consent.
 */
@RestController
class UnsubscribeController {

    private static final Map<Channel, String> CHANNEL_RU = Map.of(
            Channel.EMAIL, "по электронной почте", Channel.TELEGRAM, "в Telegram",
            Channel.SMS, "по SMS", Channel.PUSH, "push-уведомлениями");

    private final UnsubscribeLinks links;
    private final ConsentService consents;

    UnsubscribeController(UnsubscribeLinks links, ConsentService consents) {
        this.links = links;
        this.consents = consents;
    }

    @GetMapping(value = "/u/{token}", produces = MediaType.TEXT_HTML_VALUE + ";charset=UTF-8")
    ResponseEntity<String> confirm(@PathVariable String token) {
        Optional<UnsubscribeLinks.Target> target = links.verify(token);
        if (target.isEmpty()) {
            return invalid();
        }
        return ResponseEntity.ok(page("Отписаться от рассылки?",
                "<p>Вы больше не будете получать рекламные сообщения " + CHANNEL_RU.get(target.get().channel()) + ".</p>"
                        + "<form method=\"post\"><button type=\"submit\">Отписаться</button></form>"));
    }

    @PostMapping(value = "/u/{token}", produces = MediaType.TEXT_HTML_VALUE + ";charset=UTF-8")
    ResponseEntity<String> unsubscribe(@PathVariable String token) {
        Optional<UnsubscribeLinks.Target> target = links.verify(token);
        if (target.isEmpty()) {
            return invalid();
        }
        consents.withdraw(target.get().clientId(), target.get().channel(), "unsubscribe-link", "signed link, POST");
        return ResponseEntity.ok(page("Вы отписались",
                "<p>Рассылка " + CHANNEL_RU.get(target.get().channel()) + " отключена. Спасибо, что были с нами.</p>"));
    }

    private static ResponseEntity<String> invalid() {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.parseMediaType("text/html;charset=UTF-8"))
                .body(page("Ссылка недействительна", "<p>Проверьте, что ссылка скопирована из письма целиком.</p>"));
    }

    private static String page(String title, String body) {
        return "<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\"><title>" + HtmlUtils.htmlEscape(title)
                + "</title></head><body><h1>" + HtmlUtils.htmlEscape(title) + "</h1>" + body + "</body></html>";
    }
}
