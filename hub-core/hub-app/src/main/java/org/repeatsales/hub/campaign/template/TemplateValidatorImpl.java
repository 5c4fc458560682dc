package org.repeatsales.hub.campaign.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.campaign.MessageTemplate;
import org.repeatsales.hub.campaign.TemplateValidator;
import org.repeatsales.hub.campaign.template.TemplateEngine.Compiled;
import org.repeatsales.hub.campaign.template.TemplateEngine.Mode;
import org.repeatsales.hub.campaign.template.TemplateEngine.SyntaxException;
import org.repeatsales.hub.consent.UnsubscribeLinks;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Refuses a template on save for what would otherwise fail or embarrass at send time: a syntax
 * error, an unknown variable, an empty text, an e-mail without subject or unsubscribe link, an SMS
 * over its parts or a Telegram text over 4096 characters.
 *
 * <p>Lengths are checked before any client is known, with the longest expected value of each
 * variable ({@link TemplateVariables}): names as Cyrillic letters (so the SMS is UCS-2), the
 * unsubscribe link as long as the link of the largest client id, the Telegram link as long as the
 * link bean says, campaign variables with their real values. The text is measured twice, once with
 * every client variable at its longest and once with all of them empty, so the longer branch of a
 * {@code {{#firstName}}...{{/firstName}}{{^firstName}}...{{/firstName}}} pair counts.
 */
@Component
class TemplateValidatorImpl implements TemplateValidator {

    static final int TELEGRAM_MAX_CHARS = 4096;

    private final UnsubscribeLinks unsubscribeLinks;
    private final ObjectProvider<TelegramLinks> telegramLinks;
    private final TemplatesProperties properties;

    TemplateValidatorImpl(UnsubscribeLinks unsubscribeLinks, ObjectProvider<TelegramLinks> telegramLinks,
            TemplatesProperties properties) {
        this.unsubscribeLinks = unsubscribeLinks;
        this.telegramLinks = telegramLinks;
        this.properties = properties;
    }

    @Override
    public List<Problem> problems(String field, Channel channel, MessageTemplate template) {
        return problems(field, channel, template, Map.of());
    }

    @Override
    public List<Problem> problems(String field, Channel channel, MessageTemplate template,
            Map<String, String> campaignVariables) {
        Map<String, String> campaign = campaignVariables == null ? Map.of() : campaignVariables;
        List<Problem> problems = new ArrayList<>();
        if (template == null) {
            problems.add(new Problem(field, "нет шаблона сообщения"));
            return problems;
        }
        campaign.keySet().forEach(name -> {
            if (!TemplateVariables.CAMPAIGN_NAME.matcher(name).matches()) {
                problems.add(new Problem("variables." + name,
                        "имя переменной: латинские буквы, цифры и _, начинается с буквы, не длиннее 40"));
            } else if (TemplateVariables.CLIENT.containsKey(name)) {
                problems.add(new Problem("variables." + name,
                        "совпадает со встроенной переменной {{" + name + "}}: выберите другое имя"));
            }
        });

        Optional<Compiled> subject = part(problems, field + ".subject", template.subject(), Mode.TEXT, campaign);
        Optional<Compiled> text = part(problems, field + ".text", template.text(), Mode.TEXT, campaign);
        Optional<Compiled> html = part(problems, field + ".html", template.html(), Mode.HTML, campaign);

        if (template.text() == null || template.text().isBlank()) {
            problems.add(new Problem(field + ".text", "текст сообщения пуст"));
        }
        switch (channel) {
            case EMAIL -> {
                if (template.subject() == null || template.subject().isBlank()) {
                    problems.add(new Problem(field + ".subject", "у письма нет темы"));
                }
                // every body a mail client may show needs the link (38-ФЗ «О рекламе»: the client must
                // be able to refuse); the List-Unsubscribe header alone is not shown by every client
                text.filter(t -> !t.uses(TemplateVariables.UNSUBSCRIBE_URL)).ifPresent(t -> problems.add(new Problem(
                        field + ".text", "в письме нет ссылки для отказа от рассылки: добавьте {{unsubscribeUrl}}")));
                html.filter(h -> !h.uses(TemplateVariables.UNSUBSCRIBE_URL)).ifPresent(h -> problems.add(new Problem(
                        field + ".html", "в HTML письма нет ссылки для отказа от рассылки: добавьте {{unsubscribeUrl}}")));
            }
            case SMS -> text.ifPresent(t -> {
                String longest = extremes(t, channel, campaign).stream()
                        .max(java.util.Comparator.comparingInt(SmsLength::parts)).orElseThrow();
                int parts = SmsLength.parts(longest);
                if (parts > properties.smsMaxParts()) {
                    problems.add(new Problem(field + ".text", "SMS может занять " + parts + " частей (" + longest.length()
                            + " знаков с самыми длинными значениями переменных), а можно не больше "
                            + properties.smsMaxParts() + " (hub.templates.sms-max-parts); кириллица: 70 знаков в одной SMS, "
                            + "67 в каждой части длинной"));
                }
            });
            case TELEGRAM -> text.ifPresent(t -> {
                int length = extremes(t, channel, campaign).stream().mapToInt(String::length).max().orElseThrow();
                if (length > TELEGRAM_MAX_CHARS) {
                    problems.add(new Problem(field + ".text", "сообщение в Telegram может занять " + length
                            + " знаков с самыми длинными значениями переменных, а Telegram принимает не больше "
                            + TELEGRAM_MAX_CHARS));
                }
            });
            default -> {
                // push: the connector knows its own limits
            }
        }
        return problems;
    }

    /** Compiles one part and checks its variables; empty when it is absent or does not compile. */
    private Optional<Compiled> part(List<Problem> problems, String field, String source, Mode mode,
            Map<String, String> campaign) {
        if (source == null) {
            return Optional.empty();
        }
        Compiled compiled;
        try {
            compiled = TemplateEngine.compile(source, mode);
        } catch (SyntaxException e) {
            problems.add(new Problem(field, (e.line() > 0 ? "строка " + e.line() + ": " : "") + e.getMessage()));
            return Optional.empty();
        }
        Set<String> reported = new LinkedHashSet<>();
        for (TemplateEngine.Usage usage : compiled.usages()) {
            String name = usage.name();
            if (TemplateVariables.CLIENT.containsKey(name) || campaign.containsKey(name) || !reported.add(name)) {
                continue;
            }
            problems.add(new Problem(field, "строка " + usage.line() + ": неизвестная переменная {{" + name + "}}; можно: "
                    + String.join(", ", TemplateVariables.names())
                    + (campaign.isEmpty() ? " и переменные кампании (variables)" : ", " + String.join(", ", campaign.keySet()))));
        }
        if (compiled.uses(TemplateVariables.TELEGRAM_LINK) && telegramLinks.getIfAvailable() == null) {
            problems.add(new Problem(field, "{{telegramLink}} пока нельзя использовать: в хабе не настроена привязка "
                    + "чатов Telegram (ссылки на бота со стартовым кодом)"));
        }
        return Optional.of(compiled);
    }

    /** The text rendered with every client variable at its longest, and with all of them empty. */
    private List<String> extremes(Compiled text, Channel channel, Map<String, String> campaign) {
        Map<String, Object> full = new HashMap<>(campaign);
        Map<String, Object> empty = new HashMap<>(campaign);
        TemplateVariables.CLIENT.values().forEach(v -> {
            full.put(v.name(), (v.cyrillic() ? "Ж" : "9").repeat(v.longest()));
            empty.put(v.name(), "");
        });
        String link = unsubscribeLinks.url(Long.MAX_VALUE, channel);
        full.put(TemplateVariables.UNSUBSCRIBE_URL, link);
        empty.put(TemplateVariables.UNSUBSCRIBE_URL, link);
        TelegramLinks telegram = telegramLinks.getIfAvailable();
        String deepLink = telegram == null ? "" : "t".repeat(telegram.maxLength());
        full.put(TemplateVariables.TELEGRAM_LINK, deepLink);
        empty.put(TemplateVariables.TELEGRAM_LINK, deepLink);
        empty.put(TemplateVariables.GREETING, ClientName.UNKNOWN.greeting());
        return List.of(text.render(full), text.render(empty));
    }
}
