package org.repeatsales.hub.campaign.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.campaign.template.TemplateEngine.Mode;
import org.repeatsales.hub.campaign.template.TemplateEngine.SyntaxException;
import org.repeatsales.hub.campaign.template.TemplateEngine.Usage;

class TemplateEngineTest {

    @Test
    void shouldRenderRussianTextWithVariables() {
        var template = TemplateEngine.compile("{{greeting}} Дарим скидку {{discount}}% по промокоду «{{promoCode}}» до 31.12 🎄",
                Mode.TEXT);

        String text = template.render(Map.of("greeting", "Здравствуйте, Анна Сергеевна!", "discount", "10", "promoCode", "ЁЛКА-2027"));

        assertThat(text).isEqualTo("Здравствуйте, Анна Сергеевна! Дарим скидку 10% по промокоду «ЁЛКА-2027» до 31.12 🎄");
    }

    @Test
    void shouldEscapeValuesInHtmlButNotInPlainText() {
        Map<String, String> values = Map.of("name", "<b>Анна</b> & \"Ко\"");

        assertThat(TemplateEngine.compile("<p>{{name}}</p>", Mode.HTML).render(values))
                .isEqualTo("<p>&lt;b&gt;Анна&lt;/b&gt; &amp; &quot;Ко&quot;</p>");
        // triple braces would leave a value raw in Mustache; in an HTML body a client's name is escaped all the same
        assertThat(TemplateEngine.compile("<p>{{{name}}} {{&name}}</p>", Mode.HTML).render(values))
                .doesNotContain("<b>").contains("&lt;b&gt;Анна");
        assertThat(TemplateEngine.compile("Привет, {{name}}", Mode.TEXT).render(values)).isEqualTo("Привет, <b>Анна</b> & \"Ко\"");
    }

    @Test
    void shouldHideSectionOfEmptyValueAndShowItsInverse() {
        var template = TemplateEngine.compile("{{#firstName}}{{firstName}}, {{/firstName}}{{^firstName}}Дорогой покупатель, {{/firstName}}ждём вас!",
                Mode.TEXT);

        assertThat(template.render(Map.of("firstName", "Олег"))).isEqualTo("Олег, ждём вас!");
        assertThat(template.render(Map.of("firstName", ""))).isEqualTo("Дорогой покупатель, ждём вас!");
        assertThat(template.render(Map.of())).isEqualTo("Дорогой покупатель, ждём вас!");
    }

    @Test
    void shouldListEveryVariableUsedWithItsLine() {
        var template = TemplateEngine.compile("Тема\n{{firstName}}\n{{#promoCode}}код {{promoCode}}{{/promoCode}}{{^segment}}-{{/segment}}",
                Mode.TEXT);

        assertThat(template.usages()).containsExactly(new Usage("firstName", 2), new Usage("promoCode", 3),
                new Usage("promoCode", 3), new Usage("segment", 3));
        assertThat(template.uses("promoCode")).isTrue();
        assertThat(template.uses("unsubscribeUrl")).isFalse();
    }

    @Test
    void shouldNotExposeMethodsOfTheValuesMap() {
        assertThat(TemplateEngine.compile("[{{empty}}][{{size}}][{{class}}]", Mode.TEXT).render(Map.of("a", "b")))
                .isEqualTo("[][][]");
    }

    @Test
    void shouldExplainUnclosedSectionWithItsLine() {
        assertThatThrownBy(() -> TemplateEngine.compile("Здравствуйте!\n{{#promoCode}}Код: {{promoCode}}", Mode.TEXT))
                .isInstanceOf(SyntaxException.class)
                .hasMessage("секция {{#promoCode}} не закрыта: нужен {{/promoCode}}");
    }

    @Test
    void shouldExplainMismatchedAndUnclosedTags() {
        assertThatThrownBy(() -> TemplateEngine.compile("{{#a}}x{{/b}}", Mode.TEXT))
                .hasMessage("секция {{#a}} закрыта чужим тегом {{/b}}");
        assertThatThrownBy(() -> TemplateEngine.compile("Привет, {{firstName}", Mode.TEXT))
                .hasMessage("переменная не закрыта: после имени нужны две скобки }}");
    }

    @Test
    void shouldRefusePartialsSoNoFileOfTheServerIsRead() {
        assertThatThrownBy(() -> TemplateEngine.compile("ok\n{{> /etc/passwd}}", Mode.HTML))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("вложенные шаблоны")
                .satisfies(e -> assertThat(((SyntaxException) e).line()).isEqualTo(2));
        assertThatThrownBy(() -> TemplateEngine.compile("{{<layout}}{{/layout}}", Mode.TEXT))
                .hasMessageContaining("наследование шаблонов");
    }
}
