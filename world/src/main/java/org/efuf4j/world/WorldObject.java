package org.efuf4j.world;

/**
 * One object instance in an image, as drawn. The box is the tight box of all its pixels (hidden
 * ones included), in COCO's convention: x, y of the top-left pixel, width and height in pixels.
 *
 * @param area            pixels of the object still visible after the objects in front were drawn
 * @param visibleFraction visible pixels / drawn pixels
 * @param occluded        whether objects in front hide a noticeable part of it
 *                        (visible fraction below {@link #OCCLUDED_BELOW})
 * @param small           drawn small on purpose (a hard-to-see instance)
 */
public record WorldObject(String category, int cocoId, int x, int y, int width, int height, int area,
                          double visibleFraction, boolean occluded, boolean small) {
    public static final double OCCLUDED_BELOW = 0.85;

    public double centreX() {
        return x + width / 2.0;
    }

    public double centreY() {
        return y + height / 2.0;
    }

    public boolean overlaps(WorldObject o) {
        return x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height;
    }
}
