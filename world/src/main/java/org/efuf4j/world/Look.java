package org.efuf4j.world;

/** How a category is drawn inside its box (unit coordinates; the painter maps, mirrors and shades). */
@FunctionalInterface
interface Look {
    void draw(Canvas.Painter p);
}
