package org.efuf4j.world.report;

import java.util.ArrayList;
import java.util.List;

/** A small report model rendered twice, as Markdown and as a self-contained HTML page (images by relative path). */
final class Document {
    /** A caption with character spans to mark. */
    record Caption(String text, List<int[]> marked) {}

    private sealed interface Block permits Heading, Paragraph, Table, Image, GalleryItem {}
    private record Heading(int level, String text) implements Block {}
    private record Paragraph(String text) implements Block {}
    private record Table(List<String> header, List<List<String>> rows) implements Block {}
    private record Image(String path, String alt) implements Block {}
    private record GalleryItem(String image, String title, Caption before, Caption after) implements Block {}

    private final List<Block> blocks = new ArrayList<>();

    void heading(int level, String text) { blocks.add(new Heading(level, text)); }

    void paragraph(String text) { blocks.add(new Paragraph(text)); }

    void table(List<String> header, List<List<String>> rows) { blocks.add(new Table(header, rows)); }

    void image(String path, String alt) { blocks.add(new Image(path, alt)); }

    void galleryItem(String image, String title, Caption before, Caption after) { blocks.add(new GalleryItem(image, title, before, after)); }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        for (Block b : blocks) {
            switch (b) {
                case Heading h -> sb.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
                case Paragraph p -> sb.append(p.text()).append("\n\n");
                case Table t -> {
                    sb.append("| ").append(String.join(" | ", t.header().stream().map(Document::mdCell).toList())).append(" |\n");
                    sb.append("|").append("---|".repeat(t.header().size())).append('\n');
                    for (List<String> r : t.rows()) sb.append("| ").append(String.join(" | ", r.stream().map(Document::mdCell).toList())).append(" |\n");
                    sb.append('\n');
                }
                case Image i -> sb.append("![").append(i.alt()).append("](").append(i.path()).append(")\n\n");
                case GalleryItem g -> {
                    sb.append("![").append(g.title()).append("](").append(g.image()).append(")\n\n");
                    sb.append("*").append(g.title()).append("*\n\n");
                    sb.append("- before: ").append(marked(g.before(), "**", "**", false)).append('\n');
                    sb.append("- after (EFUF): ").append(marked(g.after(), "**", "**", false)).append("\n\n");
                }
            }
        }
        return sb.toString();
    }

    String html() {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>EFUF demo report</title>\n<style>")
                .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:4px 8px;text-align:left;font-size:14px}")
                .append("th{background:#eee}img{max-width:100%}mark{background:#f7b0b0}.g{display:flex;gap:1em;margin:1em 0;align-items:flex-start}")
                .append(".g img{width:128px;height:128px;image-rendering:pixelated;border:1px solid #999}.g p{margin:.2em 0}")
                .append("</style></head><body>\n");
        for (Block b : blocks) {
            switch (b) {
                case Heading h -> sb.append("<h").append(h.level()).append('>').append(esc(h.text())).append("</h").append(h.level()).append(">\n");
                case Paragraph p -> sb.append("<p>").append(esc(p.text())).append("</p>\n");
                case Table t -> {
                    sb.append("<table><tr>");
                    for (String c : t.header()) sb.append("<th>").append(esc(c)).append("</th>");
                    sb.append("</tr>\n");
                    for (List<String> r : t.rows()) {
                        sb.append("<tr>");
                        for (String c : r) sb.append("<td>").append(esc(c)).append("</td>");
                        sb.append("</tr>\n");
                    }
                    sb.append("</table>\n");
                }
                case Image i -> sb.append("<p><img src=\"").append(esc(i.path())).append("\" alt=\"").append(esc(i.alt())).append("\"></p>\n");
                case GalleryItem g -> sb.append("<div class=\"g\"><img src=\"").append(esc(g.image())).append("\" alt=\"").append(esc(g.title()))
                        .append("\"><div><p><i>").append(esc(g.title())).append("</i></p><p><b>before:</b> ").append(marked(g.before(), "<mark>", "</mark>", true))
                        .append("</p><p><b>after (EFUF):</b> ").append(marked(g.after(), "<mark>", "</mark>", true)).append("</p></div></div>\n");
            }
        }
        return sb.append("</body></html>\n").toString();
    }

    /** The caption with its spans wrapped; spans are sorted, non-overlapping character ranges of the caption. */
    static String marked(Caption c, String open, String close, boolean html) {
        if (c == null) return "(not available)";
        List<int[]> spans = new ArrayList<>(c.marked());
        spans.sort((a, b) -> Integer.compare(a[0], b[0]));
        StringBuilder sb = new StringBuilder();
        int at = 0;
        for (int[] s : spans) {
            if (s[0] < at || s[1] > c.text().length() || s[0] >= s[1]) continue;
            sb.append(plain(c.text().substring(at, s[0]), html)).append(open).append(plain(c.text().substring(s[0], s[1]), html)).append(close);
            at = s[1];
        }
        sb.append(plain(c.text().substring(at), html));
        return sb.toString();
    }

    private static String plain(String s, boolean html) { return html ? esc(s) : s.replace("*", "\\*").replace("|", "\\|"); }

    private static String mdCell(String s) { return s.replace("|", "\\|").replace("\n", " "); }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
