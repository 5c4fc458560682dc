package org.repeatsales.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTokenizerTest {

    private record Rec(long line, List<String> fields) {
    }

    private static List<Rec> tokenize(String text, char delimiter) throws Exception {
        return tokenize(new StringReader(text), delimiter);
    }

    private static List<Rec> tokenize(Reader reader, char delimiter) throws Exception {
        CsvTokenizer t = new CsvTokenizer(reader, delimiter);
        List<Rec> out = new ArrayList<>();
        String[] r;
        while ((r = t.next()) != null) {
            out.add(new Rec(t.line(), List.of(r)));
        }
        return out;
    }

    @Test
    void shouldSplitOnTheDelimiterAndKeepEmptyFields() throws Exception {
        assertThat(tokenize("a;b;;d\n", ';')).containsExactly(new Rec(1, List.of("a", "b", "", "d")));
    }

    @Test
    void shouldAcceptCrlfAndLfLineEnds() throws Exception {
        assertThat(tokenize("a,b\r\nc,d\ne,f", ','))
                .containsExactly(new Rec(1, List.of("a", "b")), new Rec(2, List.of("c", "d")), new Rec(3, List.of("e", "f")));
    }

    @Test
    void shouldUnquoteFieldsWithDoubledQuotesAndDelimiters() throws Exception {
        assertThat(tokenize("\"ООО \"\"Ромашка\"\"; филиал\";2\n", ';'))
                .containsExactly(new Rec(1, List.of("ООО \"Ромашка\"; филиал", "2")));
    }

    @Test
    void shouldCountPhysicalLinesAcrossQuotedNewlines() throws Exception {
        String text = "h1;h2\r\n\"line one\r\nline two\";x\r\nnext;y\r\n";
        assertThat(tokenize(text, ';')).containsExactly(
                new Rec(1, List.of("h1", "h2")),
                new Rec(2, List.of("line one\r\nline two", "x")),
                new Rec(4, List.of("next", "y")));
    }

    @Test
    void shouldSkipBlankLinesButCountThem() throws Exception {
        assertThat(tokenize("h\n\n\r\nv\n", ';')).containsExactly(new Rec(1, List.of("h")), new Rec(4, List.of("v")));
    }

    @Test
    void shouldReadFieldsThatStraddleTheBuffer() throws Exception {
        // a reader that hands out one char at a time forces every field across buffer fills
        Reader trickle = new StringReader("abc;\"q\"\"x\r\ny\";z\r\nlast;1") {
            @Override
            public int read(char[] cbuf, int off, int len) throws java.io.IOException {
                return super.read(cbuf, off, Math.min(1, len));
            }
        };
        assertThat(tokenize(trickle, ';')).containsExactly(
                new Rec(1, List.of("abc", "q\"x\r\ny", "z")),
                new Rec(3, List.of("last", "1")));
    }

    @Test
    void shouldKeepATrailingEmptyFieldAtEndOfFile() throws Exception {
        assertThat(tokenize("a;b;", ';')).containsExactly(new Rec(1, List.of("a", "b", "")));
    }
}
