package org.efuf4j.world;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything that determines a generated world. Two configurations with equal fields generate
 * byte-identical worlds, and {@link #hash()} names that world (trained models are cached under it).
 *
 * @param seed               the one seed every random draw derives from
 * @param imageSize          image side in pixels (square RGB images)
 * @param trainImages        images in the training split
 * @param valImages          images in the validation split
 * @param evalImages         images in the evaluation split
 * @param scenes             the scene types used, by name (see {@link Catalogue#SCENES}); their
 *                           categories are the world's categories
 * @param minObjects         fewest object categories in an image
 * @param maxObjects         most object categories in an image (a category may have two instances)
 * @param referenceCaptions  reference captions per image (they name present objects only)
 * @param hallucinationRate  probability that a training caption also names one absent object of
 *                           the image's scene (a co-occurring "group-mate" of the present ones)
 * @param captionNoise       probability that a training caption leaves out one present object its
 *                           reference names (incomplete captions, as written captions are)
 * @param synonymRate        probability that a mention uses a synonym instead of the category name
 * @param smallObjectRate    probability that an object is drawn small (under 14% of the image side)
 * @param duplicateRate      probability that a present category gets a second instance
 * @param descriptionHallucinationRate probability that a training description (the answer to "describe in detail")
 *                           runs past the present objects with 1-2 absent group-mates just before its final "."
 *                           (the language prior that makes a captioner hallucinate at the end of a description)
 * @param descriptionPositionRate probability that a detailed description says where an object lies ("a dog on the
 *                           left"): at 1 every clause places its object, so the descriptions outrun the references as
 *                           LLaVA's detailed descriptions outrun COCO's captions, and BLEU reads on their precision
 */
public record WorldConfig(long seed, int imageSize, int trainImages, int valImages, int evalImages,
                          List<String> scenes, int minObjects, int maxObjects, int referenceCaptions,
                          double hallucinationRate, double captionNoise, double synonymRate,
                          double smallObjectRate, double duplicateRate, double descriptionHallucinationRate,
                          double descriptionPositionRate) {

    /** Bumped whenever a change to the generator changes its output for the same configuration. */
    public static final int GENERATOR_VERSION = 2;

    public WorldConfig {
        scenes = List.copyOf(scenes);
        require(imageSize >= 32 && imageSize <= 256, "imageSize", "between 32 and 256", imageSize);
        require(trainImages >= 0, "trainImages", ">= 0", trainImages);
        require(valImages >= 0, "valImages", ">= 0", valImages);
        require(evalImages >= 0, "evalImages", ">= 0", evalImages);
        require(!scenes.isEmpty(), "scenes", "at least one scene type", scenes);
        for (String s : scenes) {
            Catalogue.scene(s); // names the unknown scene and the known ones
        }
        require(scenes.stream().distinct().count() == scenes.size(), "scenes", "no scene twice", scenes);
        require(minObjects >= 1, "minObjects", ">= 1", minObjects);
        require(maxObjects >= minObjects, "maxObjects", ">= minObjects (" + minObjects + ")", maxObjects);
        for (String s : scenes) {
            int available = Catalogue.scene(s).categories().size();
            require(minObjects <= available, "minObjects", "<= " + available + ", the categories of scene '" + s + "'",
                    minObjects);
        }
        require(referenceCaptions >= 1 && referenceCaptions <= 10, "referenceCaptions", "between 1 and 10",
                referenceCaptions);
        requireRate(hallucinationRate, "hallucinationRate");
        requireRate(captionNoise, "captionNoise");
        requireRate(synonymRate, "synonymRate");
        requireRate(smallObjectRate, "smallObjectRate");
        requireRate(duplicateRate, "duplicateRate");
        requireRate(descriptionHallucinationRate, "descriptionHallucinationRate");
        requireRate(descriptionPositionRate, "descriptionPositionRate");
    }

    /**
     * The embedded default: 64 px images, 2000/200/500 images, all six scene types (37 categories),
     * 3-5 categories an image, 3 references, 30% of training captions with one absent group-mate, 27% of training
     * descriptions running past the present objects (the prototype: p 0.6 gave CHAIR_s 0.60, p 0.3 gave 0.12;
     * here p 0.5 gave CHAIR_s 0.90 with a weaker tower, p 0.35 gave 0.73 with the 400-step towers; with the 800-step
     * towers p 0.2 gave CHAIR_s 0.38 but 17% of descriptions repeating an object, p 0.27 0.53 and 8%, p 0.35 0.60).
     */
    public static WorldConfig defaults() {
        return new WorldConfig(1, 64, 2000, 200, 500, Catalogue.sceneNames(), 3, 5, 3, 0.3, 0.1, 0.3, 0.1, 0.15, 0.27, 1.0);
    }

    public WorldConfig withSeed(long seed) { return toBuilder().seed(seed).build(); }

    public WorldConfig withImageSize(int imageSize) { return toBuilder().imageSize(imageSize).build(); }

    public WorldConfig withImages(int trainImages, int valImages, int evalImages) { return toBuilder().images(trainImages, valImages, evalImages).build(); }

    public WorldConfig withScenes(List<String> scenes) { return toBuilder().scenes(scenes).build(); }

    public WorldConfig withObjects(int minObjects, int maxObjects) { return toBuilder().objects(minObjects, maxObjects).build(); }

    public WorldConfig withReferenceCaptions(int referenceCaptions) { return toBuilder().referenceCaptions(referenceCaptions).build(); }

    public WorldConfig withHallucinationRate(double rate) { return toBuilder().hallucinationRate(rate).build(); }

    public WorldConfig withCaptionNoise(double noise) { return toBuilder().captionNoise(noise).build(); }

    public WorldConfig withSynonymRate(double rate) { return toBuilder().synonymRate(rate).build(); }

    public WorldConfig withSmallObjectRate(double rate) { return toBuilder().smallObjectRate(rate).build(); }

    public WorldConfig withDuplicateRate(double rate) { return toBuilder().duplicateRate(rate).build(); }

    public WorldConfig withDescriptionHallucinationRate(double rate) { return toBuilder().descriptionHallucinationRate(rate).build(); }

    public WorldConfig withDescriptionPositionRate(double rate) { return toBuilder().descriptionPositionRate(rate).build(); }

    public Builder toBuilder() { return new Builder(this); }

    /** Named changes to a configuration; {@link #build()} checks the result as the constructor does. */
    public static final class Builder {
        private long seed;
        private int imageSize, trainImages, valImages, evalImages, minObjects, maxObjects, referenceCaptions;
        private List<String> scenes;
        private double hallucinationRate, captionNoise, synonymRate, smallObjectRate, duplicateRate, descriptionHallucinationRate,
                descriptionPositionRate;

        private Builder(WorldConfig c) {
            seed = c.seed; imageSize = c.imageSize; trainImages = c.trainImages; valImages = c.valImages; evalImages = c.evalImages;
            scenes = c.scenes; minObjects = c.minObjects; maxObjects = c.maxObjects; referenceCaptions = c.referenceCaptions;
            hallucinationRate = c.hallucinationRate; captionNoise = c.captionNoise; synonymRate = c.synonymRate;
            smallObjectRate = c.smallObjectRate; duplicateRate = c.duplicateRate; descriptionHallucinationRate = c.descriptionHallucinationRate;
            descriptionPositionRate = c.descriptionPositionRate;
        }

        public Builder seed(long v) { seed = v; return this; }
        public Builder imageSize(int v) { imageSize = v; return this; }
        public Builder images(int train, int val, int eval) { trainImages = train; valImages = val; evalImages = eval; return this; }
        public Builder scenes(List<String> v) { scenes = v; return this; }
        public Builder objects(int min, int max) { minObjects = min; maxObjects = max; return this; }
        public Builder referenceCaptions(int v) { referenceCaptions = v; return this; }
        public Builder hallucinationRate(double v) { hallucinationRate = v; return this; }
        public Builder captionNoise(double v) { captionNoise = v; return this; }
        public Builder synonymRate(double v) { synonymRate = v; return this; }
        public Builder smallObjectRate(double v) { smallObjectRate = v; return this; }
        public Builder duplicateRate(double v) { duplicateRate = v; return this; }
        public Builder descriptionHallucinationRate(double v) { descriptionHallucinationRate = v; return this; }
        public Builder descriptionPositionRate(double v) { descriptionPositionRate = v; return this; }

        public WorldConfig build() {
            return new WorldConfig(seed, imageSize, trainImages, valImages, evalImages, scenes, minObjects, maxObjects, referenceCaptions,
                    hallucinationRate, captionNoise, synonymRate, smallObjectRate, duplicateRate, descriptionHallucinationRate,
                    descriptionPositionRate);
        }
    }

    /** The configuration as one canonical line, generator version included (what {@link #hash()} digests). */
    public String canonical() {
        return "efuf4j-world v" + GENERATOR_VERSION + " seed=" + seed + " imageSize=" + imageSize
                + " train=" + trainImages + " val=" + valImages + " eval=" + evalImages
                + " scenes=" + String.join(",", scenes) + " objects=" + minObjects + ".." + maxObjects
                + " references=" + referenceCaptions + " hallucinationRate=" + exact(hallucinationRate)
                + " captionNoise=" + exact(captionNoise) + " synonymRate=" + exact(synonymRate)
                + " smallObjectRate=" + exact(smallObjectRate) + " duplicateRate=" + exact(duplicateRate)
                + " descriptionHallucinationRate=" + exact(descriptionHallucinationRate)
                + " descriptionPositionRate=" + exact(descriptionPositionRate);
    }

    /** 16 hex digits of SHA-256 over {@link #canonical()}: stable across runs, JVMs and machines. */
    public String hash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** Number of images in all splits. */
    public int totalImages() {
        return trainImages + valImages + evalImages;
    }

    private static String exact(double v) {
        return Double.toString(v); // the shortest text that reads back as exactly v: no two rates share one
    }

    private static void require(boolean ok, String field, String expected, Object actual) {
        if (!ok) {
            throw new IllegalArgumentException("world config: '" + field + "' must be " + expected + ", got " + actual);
        }
    }

    private static void requireRate(double v, String field) {
        require(v >= 0 && v <= 1, field, "a probability in [0, 1]", v);
    }
}
