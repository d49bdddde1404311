package org.efuf4j.world;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.objects.ObjectVocabulary;

/**
 * A generated synthetic world: images with exact ground truth, captions and questions, in three
 * splits. {@code World.generate(config)} is a pure function of the configuration: the same
 * configuration gives the same pixels, captions and files, whatever the thread count.
 *
 * <pre>{@code
 * World world = World.generate(WorldConfig.defaults());
 * WorldFiles files = world.writeTo(Path.of("cache/world-" + world.config().hash()));
 * }</pre>
 */
public final class World {
    private static final long SALT_SCENE = 11;
    private static final long SALT_LAYOUT = 12;
    private static final long SALT_BACKGROUND = 13;
    private static final long SALT_CAPTIONS = 14;
    private static final long SALT_QUESTIONS = 15;

    /** The instruction that precedes every short training caption (the captioner's projector alignment). */
    public static final String CAPTION_PROMPT = "Describe the image.";
    /**
     * The instruction that asks for a detailed description: the captioner lists what it sees and, where its language
     * prior outweighs its evidence, runs on with co-occurring objects (the EFUF paper's evaluation prompt asks for at
     * least 100 words for the same reason).
     */
    public static final String DESCRIPTION_PROMPT = "Describe the image in detail.";

    private final WorldConfig config;
    private final List<WorldImage> images;

    private World(WorldConfig config, List<WorldImage> images) {
        this.config = config;
        this.images = images;
    }

    public static World generate(WorldConfig config) {
        WorldImage[] images = new WorldImage[config.totalImages()];
        ImageComposer composer = new ImageComposer(config);
        // each image has its own random streams, so generating in parallel changes nothing
        IntStream.range(0, images.length).parallel().forEach(i -> images[i] = generateImage(config, composer, i));
        return new World(config, Collections.unmodifiableList(Arrays.asList(images)));
    }

    /**
     * {@code count} more images of this world's kind, drawn after its three splits (ids follow the eval split's) and in
     * none of them: a corpus for pretraining base models, as CLIP is pretrained on web images rather than on the COCO
     * images EFUF later describes. The i-th extra image is the same whatever {@code count} is, and no thread count
     * changes it. They count as training images ({@link Split#TRAIN}) and are not written with the world.
     */
    public List<WorldImage> extraImages(int count) {
        if (count < 0) throw new IllegalArgumentException("extra images: count must be >= 0, got " + count);
        WorldImage[] out = new WorldImage[count];
        ImageComposer composer = new ImageComposer(config);
        int first = config.totalImages();
        IntStream.range(0, count).parallel().forEach(i -> out[i] = generateImage(config, composer, first + i, Split.TRAIN));
        return Collections.unmodifiableList(Arrays.asList(out));
    }

    private static WorldImage generateImage(WorldConfig config, ImageComposer composer, int index) {
        Split split = index < config.trainImages() ? Split.TRAIN
                : index < config.trainImages() + config.valImages() ? Split.VAL : Split.EVAL;
        return generateImage(config, composer, index, split);
    }

    private static WorldImage generateImage(WorldConfig config, ImageComposer composer, int index, Split split) {
        Rng sceneRandom = Rng.derive(config.seed(), SALT_SCENE, index);
        SceneType scene = Catalogue.scene(sceneRandom.pick(config.scenes()));
        Set<String> categories = scene.drawCategories(sceneRandom, config.minObjects(), config.maxObjects());
        long backgroundSeed = Rng.derive(config.seed(), SALT_BACKGROUND, index).nextLong();
        ImageComposer.Composition composition = composer.compose(scene, categories,
                Rng.derive(config.seed(), SALT_LAYOUT, index), backgroundSeed);
        CaptionWriter.Captions captions = new CaptionWriter(config, scene, composition.objects())
                .write(Rng.derive(config.seed(), SALT_CAPTIONS, index).nextLong());
        List<QaPair> questions = questions(config, scene, categories, Rng.derive(config.seed(), SALT_QUESTIONS, index));
        return new WorldImage(index + 1L, split, scene.name(), config.imageSize(), composition.rgb(), backgroundSeed,
                composition.objects(), captions.references(), captions.training(), captions.descriptions(), questions);
    }

    /**
     * Every present category (yes) and as many absent ones (no): half of them group-mates from
     * the image's scene, the hard negatives, the rest from other scenes; and one more "no" about a
     * COCO category the world never draws, since POPE's random split asks mostly about those.
     */
    private static List<QaPair> questions(WorldConfig config, SceneType scene, Set<String> present, Rng r) {
        List<String> mates = new ArrayList<>();
        for (String c : scene.categories()) {
            if (!present.contains(c)) {
                mates.add(c);
            }
        }
        List<String> others = new ArrayList<>();
        for (String s : config.scenes()) {
            if (!s.equals(scene.name())) {
                others.addAll(Catalogue.scene(s).categories());
            }
        }
        r.shuffle(mates);
        r.shuffle(others);
        List<QaPair> qa = new ArrayList<>();
        for (String c : present) {
            qa.add(new QaPair(c, true));
        }
        int wanted = present.size();
        int fromMates = Math.min(mates.size(), (wanted + 1) / 2);
        for (int i = 0; i < fromMates; i++) {
            qa.add(new QaPair(mates.get(i), false));
        }
        for (int i = 0; i < wanted - fromMates && i < others.size(); i++) {
            qa.add(new QaPair(others.get(i), false));
        }
        List<String> outside = new ArrayList<>(new java.util.TreeSet<>(ObjectVocabulary.coco().names()));
        for (String s : config.scenes()) {
            outside.removeAll(Catalogue.scene(s).categories());
        }
        if (!outside.isEmpty()) {
            qa.add(new QaPair(r.pick(outside), false));
        }
        r.shuffle(qa);
        return qa;
    }

    public WorldConfig config() {
        return config;
    }

    /** Every image, train first, then val, then eval; ids run 1, 2, ... in this order. */
    public List<WorldImage> images() {
        return images;
    }

    public List<WorldImage> images(Split split) {
        List<WorldImage> out = new ArrayList<>();
        for (WorldImage image : images) {
            if (image.split() == split) {
                out.add(image);
            }
        }
        return out;
    }

    /** The world's categories, scene by scene. */
    public List<WorldCategory> categories() {
        List<WorldCategory> out = new ArrayList<>();
        for (String s : config.scenes()) {
            for (String c : Catalogue.scene(s).categories()) {
                out.add(Catalogue.category(c));
            }
        }
        return out;
    }

    public List<String> categoryNames() {
        List<String> out = new ArrayList<>();
        for (WorldCategory c : categories()) {
            out.add(c.name());
        }
        return out;
    }

    /**
     * The split's ground truth as CHAIR and POPE take it (image id to present categories), each category with its size:
     * the visible pixels of its largest instance, the measure the detailed descriptions order objects by (so recall of
     * small and of large objects can be told apart). A fully hidden instance counts as one pixel.
     */
    public GroundTruth groundTruth(Split split) {
        GroundTruth.Builder b = GroundTruth.builder();
        for (WorldImage image : images(split)) {
            b.image(image.imageId());
            for (WorldObject o : image.objects()) {
                b.add(image.imageId(), o.category(), Math.max(1, o.area()));
            }
        }
        return b.build();
    }

    /** The fraction of the split's training captions that name an absent object (the realised rate). */
    public double hallucinatingCaptionRate(Split split) {
        return hallucinatingRate(split, WorldImage::trainingCaptions);
    }

    /** The fraction of the split's training descriptions that run past the present objects (the realised rate). */
    public double hallucinatingDescriptionRate(Split split) {
        return hallucinatingRate(split, WorldImage::descriptions);
    }

    private double hallucinatingRate(Split split, Function<WorldImage, List<WorldCaption>> texts) {
        int all = 0;
        int hallucinating = 0;
        for (WorldImage image : images(split)) {
            for (WorldCaption c : texts.apply(image)) {
                all++;
                hallucinating += c.hallucinates() ? 1 : 0;
            }
        }
        return all == 0 ? 0 : (double) hallucinating / all;
    }

    /** Writes every file of the world under {@code dir} (see {@link WorldFiles} for the layout). */
    public WorldFiles writeTo(Path dir) {
        return new WorldWriter(this).write(dir);
    }
}
