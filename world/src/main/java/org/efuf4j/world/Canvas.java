package org.efuf4j.world;

import java.util.Arrays;

/**
 * A square RGB raster that also records which object last painted each pixel, so what is left of
 * an object after the ones in front of it were drawn (its visible pixels) is known exactly.
 * Shapes are filled by testing each pixel centre; no anti-aliasing, so pixels are exact integers.
 */
final class Canvas {
    static final int BACKGROUND = -1;

    final int size;
    final int[] rgb;
    final int[] owner;

    Canvas(int size) {
        this.size = size;
        this.rgb = new int[size * size];
        this.owner = new int[size * size];
        Arrays.fill(owner, BACKGROUND);
    }

    /** A region in the unit square of an object's box: u to the right, v downwards. */
    @FunctionalInterface
    interface Shape {
        boolean contains(double u, double v);
    }

    /** Paints one object's shapes inside its box; unit coordinates map onto the box, mirrored if asked. */
    final class Painter {
        private final int objectIndex;
        private final double x;
        private final double y;
        private final double w;
        private final double h;
        private final boolean mirror;
        private final double shade;
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = Integer.MIN_VALUE;
        int maxY = Integer.MIN_VALUE;
        int painted;

        Painter(int objectIndex, double x, double y, double w, double h, boolean mirror, double shade) {
            this.objectIndex = objectIndex;
            this.x = x;
            this.y = y;
            this.w = w;
            this.h = h;
            this.mirror = mirror;
            this.shade = shade;
        }

        /** The instance's shade of a category's main colour (brightness jitter). */
        int main(int color) {
            return scale(color, shade);
        }

        /** Fills the part of {@code shape} within the unit rectangle [u0,u1] x [v0,v1]. */
        void fill(int color, double u0, double v0, double u1, double v1, Shape shape) {
            double left = mirror ? x + (1 - u1) * w : x + u0 * w;
            double right = mirror ? x + (1 - u0) * w : x + u1 * w;
            int px0 = Math.max(0, (int) Math.floor(left));
            int px1 = Math.min(size - 1, (int) Math.ceil(right));
            int py0 = Math.max(0, (int) Math.floor(y + v0 * h));
            int py1 = Math.min(size - 1, (int) Math.ceil(y + v1 * h));
            for (int py = py0; py <= py1; py++) {
                double v = (py + 0.5 - y) / h;
                if (v < v0 || v > v1) {
                    continue;
                }
                for (int px = px0; px <= px1; px++) {
                    double u = (px + 0.5 - x) / w;
                    if (mirror) {
                        u = 1 - u;
                    }
                    if (u >= u0 && u <= u1 && shape.contains(u, v)) {
                        set(px, py, color);
                    }
                }
            }
        }

        void rect(int color, double u0, double v0, double u1, double v1) {
            fill(color, u0, v0, u1, v1, (u, v) -> true);
        }

        void ellipse(int color, double u0, double v0, double u1, double v1) {
            fill(color, u0, v0, u1, v1, ellipseShape(u0, v0, u1, v1));
        }

        /** An elliptic ring; {@code inner} is the hole's size relative to the outer ellipse. */
        void ring(int color, double u0, double v0, double u1, double v1, double inner) {
            Shape outer = ellipseShape(u0, v0, u1, v1);
            double cu = (u0 + u1) / 2;
            double cv = (v0 + v1) / 2;
            double ru = (u1 - u0) / 2 * inner;
            double rv = (v1 - v0) / 2 * inner;
            Shape hole = ellipseShape(cu - ru, cv - rv, cu + ru, cv + rv);
            fill(color, u0, v0, u1, v1, (u, v) -> outer.contains(u, v) && !hole.contains(u, v));
        }

        /** A filled polygon given as u0, v0, u1, v1, ... */
        void polygon(int color, double... uv) {
            double u0 = 1;
            double v0 = 1;
            double u1 = 0;
            double v1 = 0;
            for (int i = 0; i < uv.length; i += 2) {
                u0 = Math.min(u0, uv[i]);
                u1 = Math.max(u1, uv[i]);
                v0 = Math.min(v0, uv[i + 1]);
                v1 = Math.max(v1, uv[i + 1]);
            }
            fill(color, u0, v0, u1, v1, (u, v) -> insidePolygon(uv, u, v));
        }

        /** A segment of the given thickness (in units of the box's shorter side). */
        void line(int color, double ua, double va, double ub, double vb, double thickness) {
            double half = thickness * Math.min(w, h) / 2; // in pixels, so a slanted line keeps its width
            double padU = half / w;
            double padV = half / h;
            fill(color, Math.min(ua, ub) - padU, Math.min(va, vb) - padV, Math.max(ua, ub) + padU,
                    Math.max(va, vb) + padV,
                    (u, v) -> segmentDistance(u * w, v * h, ua * w, va * h, ub * w, vb * h) <= half);
        }

        private void set(int px, int py, int color) {
            int i = py * size + px;
            if (owner[i] != objectIndex) {
                owner[i] = objectIndex;
                painted++;
                minX = Math.min(minX, px);
                minY = Math.min(minY, py);
                maxX = Math.max(maxX, px);
                maxY = Math.max(maxY, py);
            }
            rgb[i] = color;
        }
    }

    /** Counts the pixels whose last painter is the object. */
    int visiblePixels(int objectIndex) {
        int n = 0;
        for (int o : owner) {
            if (o == objectIndex) {
                n++;
            }
        }
        return n;
    }

    static Shape ellipseShape(double u0, double v0, double u1, double v1) {
        double cu = (u0 + u1) / 2;
        double cv = (v0 + v1) / 2;
        double ru = (u1 - u0) / 2;
        double rv = (v1 - v0) / 2;
        return (u, v) -> {
            double du = (u - cu) / ru;
            double dv = (v - cv) / rv;
            return du * du + dv * dv <= 1;
        };
    }

    static boolean insidePolygon(double[] uv, double u, double v) {
        boolean inside = false;
        int n = uv.length / 2;
        for (int i = 0, j = n - 1; i < n; j = i++) {
            double ui = uv[2 * i];
            double vi = uv[2 * i + 1];
            double uj = uv[2 * j];
            double vj = uv[2 * j + 1];
            if ((vi > v) != (vj > v) && u < (uj - ui) * (v - vi) / (vj - vi) + ui) {
                inside = !inside;
            }
        }
        return inside;
    }

    static double segmentDistance(double px, double py, double ax, double ay, double bx, double by) {
        double dx = bx - ax;
        double dy = by - ay;
        double len2 = dx * dx + dy * dy;
        double t = len2 == 0 ? 0 : Math.clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0.0, 1.0);
        double ex = px - (ax + t * dx);
        double ey = py - (ay + t * dy);
        return Math.sqrt(ex * ex + ey * ey);
    }

    static int rgb(int r, int g, int b) {
        return (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
    }

    static int scale(int color, double factor) {
        return rgb((int) Math.round(((color >> 16) & 255) * factor), (int) Math.round(((color >> 8) & 255) * factor),
                (int) Math.round((color & 255) * factor));
    }

    /** Adds the same offset to all three channels (texture noise). */
    static int offset(int color, int delta) {
        return rgb(((color >> 16) & 255) + delta, ((color >> 8) & 255) + delta, (color & 255) + delta);
    }

    private static int clamp(int c) {
        return Math.max(0, Math.min(255, c));
    }
}
