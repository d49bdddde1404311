package org.efuf4j.world;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.efuf4j.tensor.io.AtomicFiles;

/** A grid of images, each enlarged and labelled with its scene, objects and first reference caption. */
public final class ContactSheet {
    private static final int CELL = 192;
    private static final int PAD = 8;
    private static final int COLUMNS = 6;
    private static final int LINE = 13;

    private ContactSheet() {}

    public static BufferedImage render(List<WorldImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("a contact sheet needs at least one image");
        }
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        FontMetrics metrics = probe.createGraphics().getFontMetrics(font);
        List<List<String>> labels = new ArrayList<>();
        int lines = 0;
        for (WorldImage image : images) {
            List<String> label = label(image, metrics);
            labels.add(label);
            lines = Math.max(lines, label.size());
        }
        int columns = Math.min(COLUMNS, images.size());
        int rows = (images.size() + columns - 1) / columns;
        int cellHeight = CELL + PAD + lines * LINE + PAD;
        BufferedImage sheet = new BufferedImage(columns * (CELL + PAD) + PAD, rows * cellHeight + PAD,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setFont(font);
        for (int i = 0; i < images.size(); i++) {
            int x = PAD + (i % columns) * (CELL + PAD);
            int y = PAD + (i / columns) * cellHeight;
            // nearest-neighbour enlargement keeps the pixels the models see
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(images.get(i).toBufferedImage(), x, y, CELL, CELL, null);
            g.setColor(Color.BLACK);
            int ly = y + CELL + PAD + LINE - 3;
            for (String line : labels.get(i)) {
                g.drawString(line, x, ly);
                ly += LINE;
            }
        }
        g.dispose();
        return sheet;
    }

    public static void write(List<WorldImage> images, Path file) {
        BufferedImage sheet = render(images);
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(sheet, "png", out)) {
                throw new IOException("no PNG writer in this Java runtime");
            }
        });
    }

    /** "#7 park", one line per instance ("dog 21x15, occluded"), then the first reference, wrapped. */
    private static List<String> label(WorldImage image, FontMetrics metrics) {
        List<String> lines = new ArrayList<>();
        lines.add("#" + image.id() + " " + image.scene());
        for (WorldObject o : image.objects()) {
            lines.add("- " + o.category() + " " + o.width() + "x" + o.height() + (o.small() ? ", small" : "")
                    + (o.occluded() ? ", occluded" : ""));
        }
        if (!image.references().isEmpty()) {
            StringBuilder line = new StringBuilder();
            for (String word : ("\u201c" + image.references().getFirst().text() + "\u201d").split(" ")) {
                if (!line.isEmpty() && metrics.stringWidth(line + " " + word) > CELL) {
                    lines.add(line.toString());
                    line.setLength(0);
                } else if (!line.isEmpty()) {
                    line.append(' ');
                }
                line.append(word);
            }
            lines.add(line.toString());
        }
        return lines;
    }
}
