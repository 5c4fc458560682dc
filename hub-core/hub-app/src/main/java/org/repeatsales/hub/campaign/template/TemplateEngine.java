package org.repeatsales.hub.campaign.template;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.DefaultMustacheVisitor;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheVisitor;
import com.github.mustachejava.TemplateContext;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mustache (mustache.java) for campaign messages. A template is compiled for one of two uses: an
 * HTML body, where every value is HTML-escaped (even written as {@code {{{x}}}}, because client
 * names come from receipts, not from the marketer), or plain text (subject, SMS, Telegram, push,
 * the text part of an e-mail), where values go in as they are. Partials, template inheritance and
 * pragmas are refused: a marketer's template must not read files of the server.
 */
public final class TemplateEngine {

    /** How values are written into the output. */
    public enum Mode {
        HTML, TEXT
    }

    /** A variable as a template uses it: in a value ({@code {{x}}}) or a section ({@code {{#x}}}, {@code {{^x}}}). */
    public record Usage(String name, int line) {
    }

    /** A template that compiled, with the variables it names (each use, in order). */
    public record Compiled(Mustache mustache, List<Usage> usages) {

        public boolean uses(String variable) {
            return usages.stream().anyMatch(u -> u.name().equals(variable));
        }

        /** Renders with the given values; a name without a value renders as nothing. */
        public String render(Map<String, ?> values) {
            StringWriter out = new StringWriter();
            try {
                mustache.execute(out, values).flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString();
        }
    }

    /** A template that does not compile; the message is Russian, for the marketer. */
    public static final class SyntaxException extends RuntimeException {

        private final int line;

        SyntaxException(String message, int line) {
            super(message);
            this.line = line;
        }

        /** Line of the template (from 1), 0 when unknown. */
        public int line() {
            return line;
        }
    }

    private static final Pattern NOT_CLOSED = Pattern.compile("Failed to close '(.*)' tag.*");
    private static final Pattern MISMATCHED = Pattern.compile("Mismatched start/end tags: (.*) != (.*) in .*");

    private TemplateEngine() {
    }

    /**
     * @throws SyntaxException when the source is not a valid template
     */
    public static Compiled compile(String source, Mode mode) {
        List<Usage> usages = new ArrayList<>();
        // a factory per template: mustache.java makes a visitor per section, so the usages of one
        // template can only be collected on an object no other compilation shares
        Factory factory = new Factory(mode, usages);
        try {
            Mustache mustache = factory.compile(new StringReader(source == null ? "" : source), "template");
            return new Compiled(mustache, List.copyOf(usages));
        } catch (SyntaxException e) {
            throw e;
        } catch (MustacheException e) {
            int line = e.getContext() == null ? 0 : e.getContext().line();
            throw new SyntaxException(explain(e), line);
        }
    }

    private static String explain(MustacheException e) {
        String raw = e.getMessage() == null ? "" : e.getMessage().replaceAll(" @\\[.*\\]$", "");
        Matcher m = NOT_CLOSED.matcher(raw);
        if (m.matches()) {
            return "секция {{#" + m.group(1) + "}} не закрыта: нужен {{/" + m.group(1) + "}}";
        }
        m = MISMATCHED.matcher(raw);
        if (m.matches()) {
            return "секция {{#" + m.group(1) + "}} закрыта чужим тегом {{/" + m.group(2) + "}}";
        }
        if (raw.startsWith("Improperly closed variable")) {
            return "переменная не закрыта: после имени нужны две скобки }}";
        }
        return "шаблон не разбирается: " + raw;
    }

    private static final class Factory extends DefaultMustacheFactory {

        private final Mode mode;
        private final List<Usage> usages;

        Factory(Mode mode, List<Usage> usages) {
            super(name -> null); // no partial can be read from anywhere
            this.mode = mode;
            this.usages = usages;
        }

        @Override
        public void encode(String value, Writer writer) {
            if (mode == Mode.HTML) {
                super.encode(value, writer);
                return;
            }
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public MustacheVisitor createMustacheVisitor() {
            return new DefaultMustacheVisitor(this) {
                @Override
                public void value(TemplateContext tc, String variable, boolean encoded) {
                    usages.add(new Usage(variable.trim(), tc.line()));
                    super.value(tc, variable, encoded || mode == Mode.HTML);
                }

                @Override
                public void iterable(TemplateContext tc, String variable, Mustache mustache) {
                    usages.add(new Usage(variable.trim(), tc.line()));
                    super.iterable(tc, variable, mustache);
                }

                @Override
                public void notIterable(TemplateContext tc, String variable, Mustache mustache) {
                    usages.add(new Usage(variable.trim(), tc.line()));
                    super.notIterable(tc, variable, mustache);
                }

                @Override
                public void partial(TemplateContext tc, String variable, String indent) {
                    throw new SyntaxException("вложенные шаблоны {{> " + variable.trim() + "}} не поддерживаются", tc.line());
                }

                @Override
                public void dynamicPartial(TemplateContext tc, String variable, String indent) {
                    throw new SyntaxException("вложенные шаблоны {{> " + variable.trim() + "}} не поддерживаются", tc.line());
                }

                @Override
                public void extend(TemplateContext tc, String variable, Mustache mustache) {
                    throw new SyntaxException("наследование шаблонов {{< " + variable.trim() + "}} не поддерживается", tc.line());
                }

                @Override
                public void name(TemplateContext tc, String variable, Mustache mustache) {
                    throw new SyntaxException("блоки {{$" + variable.trim() + "}} не поддерживаются", tc.line());
                }

                @Override
                public void pragma(TemplateContext tc, String pragma, String args) {
                    throw new SyntaxException("директивы {{%" + pragma + "}} не поддерживаются", tc.line());
                }
            };
        }
    }
}
