package org.efuf4j.world;

import java.awt.image.BufferedImage;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** One generated image with its exact ground truth, captions and questions. */
public final class WorldImage {
    private final long id;
    private final Split split;
    private final String scene;
    private final int size;
    private final int[] rgb;
    private final long backgroundSeed;
    private final List<WorldObject> objects;
    private final List<WorldCaption> references;
    private final List<WorldCaption> trainingCaptions;
    private final List<WorldCaption> descriptions;
    private final List<QaPair> questions;

    WorldImage(long id, Split split, String scene, int size, int[] rgb, long backgroundSeed,
               List<WorldObject> objects, List<WorldCaption> references, List<WorldCaption> trainingCaptions,
               List<WorldCaption> descriptions, List<QaPair> questions) {
        this.id = id;
        this.split = split;
        this.scene = scene;
        this.size = size;
        this.rgb = rgb;
        this.backgroundSeed = backgroundSeed;
        this.objects = List.copyOf(objects);
        this.references = List.copyOf(references);
        this.trainingCaptions = List.copyOf(trainingCaptions);
        this.descriptions = List.copyOf(descriptions);
        this.questions = List.copyOf(questions);
    }

    /** COCO-style integer id, unique over all splits. */
    public long id() {
        return id;
    }

    /** The id as CHAIR and POPE key images. */
    public String imageId() {
        return Long.toString(id);
    }

    /** The PNG's file name: the id. */
    public String fileName() {
        return id + ".png";
    }

    public Split split() {
        return split;
    }

    public String scene() {
        return scene;
    }

    public int size() {
        return size;
    }

    /** Instances in drawing order, back to front (a later one may hide part of an earlier one). */
    public List<WorldObject> objects() {
        return objects;
    }

    /** The categories present, sorted. */
    public Set<String> categories() {
        Set<String> names = new TreeSet<>();
        for (WorldObject o : objects) {
            names.add(o.category());
        }
        return Collections.unmodifiableSet(names);
    }

    /** Reference captions: they name present objects only. */
    public List<WorldCaption> references() {
        return references;
    }

    /** Captions for training the captioner, one per reference, some with an absent group-mate. */
    public List<WorldCaption> trainingCaptions() {
        return trainingCaptions;
    }

    /**
     * Detailed descriptions for training the captioner (the answers to {@link World#DESCRIPTION_PROMPT}): every present
     * category, largest first, each in a clause of its own after ", "; with the world's description hallucination rate
     * one or two absent group-mates follow in clauses of their own just before the final ".".
     */
    public List<WorldCaption> descriptions() {
        return descriptions;
    }

    /** Yes/no questions for training: every present category and as many absent ones. */
    public List<QaPair> questions() {
        return questions;
    }

    /** Packed 0xRRGGBB of the pixel at column x, row y. */
    public int pixel(int x, int y) {
        return rgb[y * size + x];
    }

    /** A copy of the pixels, row-major, packed 0xRRGGBB. */
    public int[] rgb() {
        return rgb.clone();
    }

    /** The scene's background alone, exactly as it lies under the objects. */
    int[] background() {
        Canvas canvas = new Canvas(size);
        Catalogue.scene(scene).background().paint(canvas, new Rng(backgroundSeed));
        return canvas.rgb;
    }

    public BufferedImage toBufferedImage() {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, size, size, rgb, 0, size);
        return image;
    }
}
