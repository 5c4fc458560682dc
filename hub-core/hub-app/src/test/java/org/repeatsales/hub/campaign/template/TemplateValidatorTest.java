package org.repeatsales.hub.campaign.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.campaign.MessageTemplate;
import org.repeatsales.hub.campaign.TemplateValidator;
import org.repeatsales.hub.campaign.TemplateValidator.Problem;
import org.repeatsales.hub.consent.UnsubscribeLinks;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.test.context.SpringBootTest;

/** What campaign saving refuses in a template, each problem naming its field. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"hub.inbox.enabled=false",
        "hub.segments.auto-refresh=false", "hub.channels.public-url=https://shop.example", "hub.templates.sms-max-parts=2"})
class TemplateValidatorTest {

    private static final String FIELD = "channels[0].template";
    private static final String EMAIL_TEXT = "{{greeting}}\nСкидка {{discount}}% до конца недели.\nОтписаться: {{unsubscribeUrl}}";
    private static final String EMAIL_HTML = "<p>{{greeting}}</p><p>Скидка {{discount}}%</p><a href=\"{{unsubscribeUrl}}\">Отписаться</a>";
    private static final Map<String, String> CAMPAIGN = Map.of("discount", "10", "promoCode", "ЁЛКА");

    @Autowired
    TemplateValidator validator;

    @Autowired
    UnsubscribeLinks unsubscribeLinks;

    @Autowired
    TemplatesProperties properties;

    private List<Problem> problems(Channel channel, MessageTemplate template) {
        return validator.problems(FIELD, channel, template, CAMPAIGN);
    }

    @Test
    void shouldAcceptGoodTemplatesOfEveryChannel() {
        assertThat(problems(Channel.EMAIL, new MessageTemplate("{{firstName}}, скидка {{discount}}%", EMAIL_TEXT, EMAIL_HTML))).isEmpty();
        assertThat(problems(Channel.SMS, new MessageTemplate(null, "{{greeting}} Скидка {{discount}}% по коду {{promoCode}}", null))).isEmpty();
        assertThat(problems(Channel.TELEGRAM, new MessageTemplate(null, "{{greeting}} {{#segment}}Вы у нас {{segment}}.{{/segment}}", null))).isEmpty();
        assertThat(problems(Channel.PUSH, new MessageTemplate("Скидка {{discount}}%", "Только до воскресенья", null))).isEmpty();
    }

    @Test
    void shouldRefuseUnknownVariableNamingFieldAndLine() {
        List<Problem> problems = problems(Channel.SMS, new MessageTemplate(null, "Привет!\n{{firstname}}, ваш код {{promoCode}}", null));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo(FIELD + ".text");
            assertThat(p.message()).startsWith("строка 2: неизвестная переменная {{firstname}}; можно: firstName, patronymic")
                    .contains("discount", "promoCode");
        });
    }

    @Test
    void shouldKnowCampaignVariablesOnlyWhenTheCampaignDefinesThem() {
        MessageTemplate sms = new MessageTemplate(null, "Код {{promoCode}}", null);

        assertThat(validator.problems(FIELD, Channel.SMS, sms)).extracting(Problem::field).containsExactly(FIELD + ".text");
        assertThat(validator.problems(FIELD, Channel.SMS, sms, Map.of("promoCode", "ЁЛКА"))).isEmpty();
    }

    @Test
    void shouldRefuseCampaignVariableTakingBuiltInOrBadName() {
        List<Problem> problems = validator.problems(FIELD, Channel.SMS, new MessageTemplate(null, "Скидка", null),
                Map.of("firstName", "Гость", "промокод", "X"));

        assertThat(problems).extracting(Problem::field).containsExactlyInAnyOrder("variables.firstName", "variables.промокод");
    }

    @Test
    void shouldRefuseSyntaxErrorNamingFieldAndLine() {
        List<Problem> problems = problems(Channel.EMAIL, new MessageTemplate("Скидка", EMAIL_TEXT,
                "<p>{{greeting}}</p>\n{{#promoCode}}<p>Код {{promoCode}}</p>\n<a href=\"{{unsubscribeUrl}}\">Отписаться</a>"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo(FIELD + ".html");
            // the line where the section that is never closed opens
            assertThat(p.message()).isEqualTo("строка 2: секция {{#promoCode}} не закрыта: нужен {{/promoCode}}");
        });
    }

    @Test
    void shouldRefuseEmptyText() {
        assertThat(problems(Channel.TELEGRAM, new MessageTemplate(null, "  \n", null)))
                .containsExactly(new Problem(FIELD + ".text", "текст сообщения пуст"));
        assertThat(problems(Channel.SMS, new MessageTemplate(null, null, null)))
                .containsExactly(new Problem(FIELD + ".text", "текст сообщения пуст"));
    }

    @Test
    void shouldRefuseEmailWithoutSubject() {
        assertThat(problems(Channel.EMAIL, new MessageTemplate(" ", EMAIL_TEXT, EMAIL_HTML)))
                .containsExactly(new Problem(FIELD + ".subject", "у письма нет темы"));
    }

    @Test
    void shouldRefuseEmailWithoutUnsubscribeLinkInTextOrHtml() {
        assertThat(problems(Channel.EMAIL, new MessageTemplate("Скидка", "{{greeting}} Скидка {{discount}}%", EMAIL_HTML)))
                .containsExactly(new Problem(FIELD + ".text", "в письме нет ссылки для отказа от рассылки: добавьте {{unsubscribeUrl}}"));
        assertThat(problems(Channel.EMAIL, new MessageTemplate("Скидка", EMAIL_TEXT, "<p>{{greeting}}</p>")))
                .containsExactly(new Problem(FIELD + ".html", "в HTML письма нет ссылки для отказа от рассылки: добавьте {{unsubscribeUrl}}"));
        // a text-only e-mail needs it in the text alone
        assertThat(problems(Channel.EMAIL, new MessageTemplate("Скидка", EMAIL_TEXT, null))).isEmpty();
    }

    @Test
    void shouldRefuseSmsOverMaximumPartsWithLongestValues() {
        assertThat(properties.smsMaxParts()).isEqualTo(2);
        // Longest values: greeting 61 letters, segment 40 (Cyrillic, so UCS-2: 70 in one SMS, 67 per part),
        // campaign variables as set: discount "10", promoCode "ЁЛКА".
        // 61 + " " 1 + 40 + ": скидка " 9 + 2 + "% по коду " 10 + 4 + ". Подробнее в магазине у дома." 30 = 157 units
        // 157 > 2 x 67 = 134, so 3 parts: over the limit of 2.
        List<Problem> problems = problems(Channel.SMS, new MessageTemplate(null,
                "{{greeting}} {{segment}}: скидка {{discount}}% по коду {{promoCode}}. Подробнее в магазине у дома.", null));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo(FIELD + ".text");
            assertThat(p.message()).startsWith("SMS может занять 3 частей (157 знаков с самыми длинными значениями переменных)")
                    .contains("не больше 2");
        });
        // without the segment: 157 - 40 - 1 = 116 units, 2 parts
        assertThat(problems(Channel.SMS, new MessageTemplate(null,
                "{{greeting}}: скидка {{discount}}% по коду {{promoCode}}. Подробнее в магазине у дома.", null))).isEmpty();
    }

    @Test
    void shouldCountUnsubscribeLinkInSmsAtItsLongest() {
        // https://shop.example/u/ (23) + 19 digits of the largest id + ".SMS." (5) + 43 of signature = 90
        assertThat(unsubscribeLinks.url(Long.MAX_VALUE, Channel.SMS)).hasSize(90);
        // Latin text stays GSM-7: 90 + " Stop: " ... fits 160 in one, 2 x 153 = 306 in two
        String text = "Skidka {{discount}}% po kodu XMAS. Otpisatsya: {{unsubscribeUrl}}";
        assertThat(problems(Channel.SMS, new MessageTemplate(null, text, null))).isEmpty();
        assertThat(problems(Channel.SMS, new MessageTemplate(null, "x".repeat(217) + text, null)))
                .extracting(Problem::field).containsExactly(FIELD + ".text");
    }

    @Test
    void shouldRefuseTelegramTextOver4096Characters() {
        // 4000 + greeting 61 + segment 40 = 4101 > 4096
        List<Problem> problems = problems(Channel.TELEGRAM, new MessageTemplate(null, "ж".repeat(4000) + "{{greeting}}{{segment}}", null));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo(FIELD + ".text");
            assertThat(p.message()).contains("4101 знаков", "не больше 4096");
        });
        assertThat(problems(Channel.TELEGRAM, new MessageTemplate(null, "ж".repeat(4000) + "{{greeting}}", null))).isEmpty();
    }

    @Test
    void shouldRefuseTelegramLinkWhileTheHubCannotIssueStartTokens() {
        // the hub always has the chat linking bean; a validator built without one stands for a hub without it
        TemplateValidator withoutLinks = new TemplateValidatorImpl(unsubscribeLinks,
                new DefaultListableBeanFactory().getBeanProvider(TelegramLinks.class), properties);

        List<Problem> problems = withoutLinks.problems(FIELD, Channel.SMS,
                new MessageTemplate(null, "Наш бот: {{telegramLink}}", null), Map.of());

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo(FIELD + ".text");
            assertThat(p.message()).startsWith("{{telegramLink}} пока нельзя использовать");
        });
    }

    @Test
    void shouldAcceptTelegramLinkOnceLinksCanBeIssuedAndCountItsLength() {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("telegramLinks", new TestTelegramLinks("shop_bot"));
        TemplateValidator withLinks = new TemplateValidatorImpl(unsubscribeLinks, beans.getBeanProvider(TelegramLinks.class),
                properties);

        assertThat(withLinks.problems(FIELD, Channel.SMS, new MessageTemplate(null, "Наш бот: {{telegramLink}}", null), Map.of()))
                .isEmpty();
        // "https://t.me/shop_bot?start=" (28) + 32 = 60 Latin; with 250 more letters: 310 > 306, 3 parts
        assertThat(withLinks.problems(FIELD, Channel.SMS,
                new MessageTemplate(null, "x".repeat(250) + "{{telegramLink}}", null), Map.of())).hasSize(1);
    }
}
