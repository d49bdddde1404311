package org.efuf4j.world.demo;

import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.world.WorldImage;

/** Gallery thumbnails: the world's small images scaled up without smoothing, so objects stay crisp. */
final class Thumbnails {
    static { System.setProperty("java.awt.headless", "true"); }

    private Thumbnails() {}

    static void write(WorldImage image, int side, Path png) {
        BufferedImage scaled = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        var g = scaled.createGraphics();
        g.drawImage(image.toBufferedImage().getScaledInstance(side, side, Image.SCALE_FAST), 0, 0, null);
        g.dispose();
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(scaled, "png", out)) throw new IOException("no PNG writer for " + png);
        });
    }
}
