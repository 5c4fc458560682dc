package org.repeatsales.hub.campaign.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.campaign.ChannelStep;
import org.repeatsales.hub.campaign.MessageRenderer;
import org.repeatsales.hub.campaign.MessageRenderer.Batch;
import org.repeatsales.hub.campaign.MessageRenderer.Recipient;
import org.repeatsales.hub.campaign.MessageRenderer.Result;
import org.repeatsales.hub.campaign.MessageTemplate;
import org.repeatsales.hub.consent.UnsubscribeLinks;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/** Rendering a batch of deliveries at send time, against clients, receipts and segments in the real store. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"hub.inbox.enabled=false",
        "hub.segments.auto-refresh=false", "hub.channels.public-url=https://shop.example", "hub.templates.sms-max-parts=2"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageRendererTest {

    private static final MessageTemplate EMAIL = new MessageTemplate(
            "{{#firstName}}{{firstName}}, с{{/firstName}}{{^firstName}}С{{/firstName}}кидка {{discount}}% для вас",
            "{{greeting}}\nВы с нами: {{segment}}, покупок: {{purchases}}, последняя {{lastPurchaseDate}} на {{lastPurchaseAmount}} ₽.\n"
                    + "Промокод {{promoCode}}. Отписаться: {{unsubscribeUrl}}",
            "<p>{{greeting}}</p><p>Промокод <b>{{promoCode}}</b></p><a href=\"{{unsubscribeUrl}}\">Отписаться</a>");

    @Autowired
    MessageRenderer renderer;

    @Autowired
    UnsubscribeLinks links;

    @Autowired
    JdbcTemplate jdbc;

    long anna;
    long nameless;
    long runId;
    long unsegmentedRunId;

    @BeforeAll
    void store() {
        anna = jdbc.queryForObject("insert into client (name) values ('СМИРНОВА АННА СЕРГЕЕВНА') returning id", Long.class);
        nameless = jdbc.queryForObject("insert into client (name) values (null) returning id", Long.class);
        jdbc.update("insert into client_stats (client_id, purchases, refunds, revenue, last_purchase_at) "
                + "values (?, 5, 1, 7400, '2026-11-25T12:00:00+03:00')", anna);
        receipt(anna, "r1", "2026-10-01T10:00:00+03:00", "990.00", false);
        // the last purchase, just after midnight in Moscow: 21.11 by the shop's clock, still 20.11 in UTC
        receipt(anna, "r2", "2026-11-21T00:30:00+03:00", "1250.50", false);
        // a refund after it is no purchase
        receipt(anna, "r3", "2026-11-25T12:00:00+03:00", "300.00", true);
        long segment = jdbc.queryForObject("insert into segment (name, strategy, parameters) values "
                + "('Купившие', 'rules', '{\"rule\": {\"field\": \"purchases\", \"min\": 1}}') returning id", Long.class);
        jdbc.update("insert into segment_member (segment_id, client_id, cell, since) values (?, ?, 'match', now())", segment, anna);
        long campaign = jdbc.queryForObject("insert into campaign (name, definition, schedule_kind) values "
                + "('Новый год', '{}', 'manual') returning id", Long.class);
        runId = jdbc.queryForObject("insert into campaign_run (campaign_id, slot, state, definition) values "
                + "(?, now(), 'dispatching', ?::jsonb) returning id", Long.class, campaign,
                "{\"audience\": {\"segments\": [{\"segment\": " + segment + ", \"cells\": [\"match\"]}]}, \"variables\": {}}");
        unsegmentedRunId = jdbc.queryForObject("insert into campaign_run (campaign_id, slot, state, definition) values "
                + "(?, now() - interval '1 day', 'dispatching', '{\"audience\": {}}') returning id", Long.class, campaign);
    }

    private void receipt(long client, String key, String at, String total, boolean refund) {
        jdbc.update("insert into receipt (source, natural_key, client_id, purchased_at, total, is_refund, content_hash) "
                + "values ('test', ?, ?, ?::timestamptz, ?::numeric, ?, 'h')", key, client, at, total, refund);
    }

    private Map<Long, Result> render(long run, Channel channel, MessageTemplate template, Recipient... recipients) {
        Batch batch = new Batch(run, new ChannelStep(channel, channel.name().toLowerCase(), template),
                Map.of("discount", "10", "promoCode", "ЁЛКА&<2027>"));
        return renderer.render(batch, List.of(recipients));
    }

    private static OutboundMessage rendered(Result result) {
        assertThat(result).isInstanceOf(Result.Rendered.class);
        return ((Result.Rendered) result).message();
    }

    @Test
    void shouldRenderEmailWithClientAndCampaignVariables() {
        Map<Long, Result> results = render(runId, Channel.EMAIL, EMAIL, new Recipient(101, anna, Channel.EMAIL, "anna@example.org"));

        OutboundMessage m = rendered(results.get(101L));
        assertThat(m.address()).isEqualTo("anna@example.org");
        assertThat(m.subject()).isEqualTo("Анна, скидка 10% для вас");
        assertThat(m.text()).isEqualTo("Здравствуйте, Анна Сергеевна!\n"
                + "Вы с нами: Подходят под условия, покупок: 5, последняя 21.11.2026 на 1 250,50 ₽.\n"
                + "Промокод ЁЛКА&<2027>. Отписаться: " + links.url(anna, Channel.EMAIL));
        assertThat(m.html()).isEqualTo("<p>Здравствуйте, Анна Сергеевна!</p><p>Промокод <b>ЁЛКА&amp;&lt;2027&gt;</b></p>"
                + "<a href=\"" + links.url(anna, Channel.EMAIL) + "\">Отписаться</a>");
        assertThat(m.correlationId()).isEqualTo("101");
        assertThat(m.headers()).containsEntry(OutboundMessage.LIST_UNSUBSCRIBE, "<" + links.url(anna, Channel.EMAIL) + ">")
                .containsEntry(OutboundMessage.LIST_UNSUBSCRIBE_POST, "List-Unsubscribe=One-Click");
    }

    @Test
    void shouldFallBackToPoliteDefaultsForClientWithoutData() {
        Map<Long, Result> results = render(runId, Channel.EMAIL, EMAIL, new Recipient(102, nameless, Channel.EMAIL, "x@example.org"));

        OutboundMessage m = rendered(results.get(102L));
        assertThat(m.subject()).isEqualTo("Скидка 10% для вас");
        assertThat(m.text()).startsWith("Здравствуйте!\nВы с нами: , покупок: 0, последняя  на  ₽.");
    }

    @Test
    void shouldRenderWholeBatchAndFailOnlyTheClientThatIsGone() {
        Map<Long, Result> results = render(runId, Channel.EMAIL, EMAIL, new Recipient(201, anna, Channel.EMAIL, "anna@example.org"),
                new Recipient(202, 987654321L, Channel.EMAIL, "gone@example.org"),
                new Recipient(203, nameless, Channel.EMAIL, "x@example.org"));

        assertThat(results).containsOnlyKeys(201L, 202L, 203L);
        assertThat(results.get(201L)).isInstanceOf(Result.Rendered.class);
        assertThat(results.get(202L)).isEqualTo(new Result.Unrenderable("client 987654321 no longer exists"));
        assertThat(results.get(203L)).isInstanceOf(Result.Rendered.class);
    }

    @Test
    void shouldRenderSmsUnescapedWithItsOwnUnsubscribeLinkAndNoHeaders() {
        MessageTemplate sms = new MessageTemplate(null, "{{firstName}}, код {{promoCode}}. Отказ: {{unsubscribeUrl}}", null);

        OutboundMessage m = rendered(render(runId, Channel.SMS, sms, new Recipient(301, anna, Channel.SMS, "+79161234567")).get(301L));

        assertThat(m.text()).isEqualTo("Анна, код ЁЛКА&<2027>. Отказ: " + links.url(anna, Channel.SMS));
        assertThat(links.url(anna, Channel.SMS)).isNotEqualTo(links.url(anna, Channel.EMAIL));
        assertThat(m.subject()).isNull();
        assertThat(m.headers()).isEmpty();
    }

    @Test
    void shouldLeaveSegmentEmptyWhenTheAudienceNamesNone() {
        MessageTemplate telegram = new MessageTemplate(null, "[{{segment}}] {{name}}", null);

        OutboundMessage m = rendered(render(unsegmentedRunId, Channel.TELEGRAM, telegram,
                new Recipient(401, anna, Channel.TELEGRAM, "123456")).get(401L));

        assertThat(m.text()).isEqualTo("[] Анна Сергеевна");
    }

    @Test
    void shouldRefuseToSendTextThatRendersEmpty() {
        MessageTemplate onlyName = new MessageTemplate(null, "{{firstName}}", null);

        assertThat(render(runId, Channel.TELEGRAM, onlyName, new Recipient(501, nameless, Channel.TELEGRAM, "1")).get(501L))
                .isEqualTo(new Result.Unrenderable("the rendered text is empty"));
    }

    @Test
    void shouldMarkEveryDeliveryUnrenderableWhenTheTemplateDoesNotCompile() {
        MessageTemplate broken = new MessageTemplate(null, "{{#promoCode}}код", null);

        Map<Long, Result> results = render(runId, Channel.SMS, broken, new Recipient(601, anna, Channel.SMS, "+79161234567"),
                new Recipient(602, nameless, Channel.SMS, "+79161234568"));

        assertThat(results.values()).allSatisfy(r -> assertThat(r).isInstanceOf(Result.Unrenderable.class)
                .extracting(u -> ((Result.Unrenderable) u).reason()).asString().contains("does not compile", "{{#promoCode}}"));
    }

    @Test
    void shouldNotRenderTelegramLinkWithoutChatLinking() {
        MessageTemplate invite = new MessageTemplate(null, "Подпишитесь на бота: {{telegramLink}}", null);

        assertThat(render(runId, Channel.SMS, invite, new Recipient(701, anna, Channel.SMS, "+79161234567")).get(701L))
                .isInstanceOf(Result.Unrenderable.class);
    }
}
