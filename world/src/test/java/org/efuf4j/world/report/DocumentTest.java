package org.efuf4j.world.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class DocumentTest {
    @Test void marksSpansInMarkdownAndEscapedHtml() {
        Document.Caption c = new Document.Caption("A dog & a cat <b> near a car.", List.of(new int[] {25, 28}, new int[] {2, 5}));
        assertEquals("A **dog** & a cat <b> near a **car**.", Document.marked(c, "**", "**", false));
        assertEquals("A <mark>dog</mark> &amp; a cat &lt;b&gt; near a <mark>car</mark>.", Document.marked(c, "<mark>", "</mark>", true));
    }

    @Test void skipsOverlappingAndOutOfRangeSpans() {
        Document.Caption c = new Document.Caption("a hot dog", List.of(new int[] {2, 9}, new int[] {6, 9}, new int[] {8, 20}));
        assertEquals("a [hot dog]", Document.marked(c, "[", "]", false));
    }

    @Test void tablesRenderEveryRowInBothForms() {
        Document d = new Document();
        d.heading(2, "Table");
        d.table(List.of("model", "CHAIR_s"), List.of(List.of("base", "40.0"), List.of("a|b", "30.0")));
        String md = d.markdown(), html = d.html();
        assertTrue(md.contains("| model | CHAIR_s |\n|---|---|\n| base | 40.0 |\n| a\\|b | 30.0 |"), md);
        assertTrue(html.contains("<tr><td>base</td><td>40.0</td></tr>") && html.contains("<h2>Table</h2>"), html);
    }
}
