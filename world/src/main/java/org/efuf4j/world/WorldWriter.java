package org.efuf4j.world;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.efuf4j.efuf.eval.PopeFiles;
import org.efuf4j.efuf.eval.PopeSampler;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.efuf.io.Json;

/** Writes a world in the layout {@link WorldFiles} describes; world.json goes last. */
final class WorldWriter {
    /** Images with fewer present objects than POPE asks about are skipped by POPE. */
    static final int POPE_PRESENT = 3;
    static final int POPE_ABSENT = 3;
    static final int SAMPLE_IMAGES = 18;

    private final World world;

    WorldWriter(World world) {
        this.world = world;
    }

    WorldFiles write(Path root) {
        WorldFiles files = new WorldFiles(root);
        ObjectNode stats = Json.MAPPER.createObjectNode();
        for (Split split : Split.values()) {
            List<WorldImage> images = world.images(split);
            WorldFiles.SplitFiles f = files.split(split);
            writeImages(images, f);
            json(f.instances(), instances(images));
            json(f.captions(), captions(images));
            jsonl(f.objects(), objects(images));
            jsonl(f.captioner(), captioner(images));
            jsonl(f.qa(), qa(images));
            ObjectNode s = stats.putObject(split.folder());
            for (PopeSampler.Strategy strategy : PopeSampler.Strategy.values()) {
                PopeSampler.Result pope = new PopeSampler(world.groundTruth(split), world.categoryNames(),
                        POPE_PRESENT, POPE_ABSENT).sample(strategy, world.config().seed() * 31 + strategy.ordinal());
                PopeFiles.write(f.pope(strategy), pope.questions());
                s.put("pope_" + strategy.name().toLowerCase(java.util.Locale.ROOT) + "_questions",
                        pope.questions().size());
            }
            splitStats(images, s, split);
        }
        List<WorldImage> sample = world.images(Split.EVAL).isEmpty() ? world.images() : world.images(Split.EVAL);
        ContactSheet.write(sample.subList(0, Math.min(SAMPLE_IMAGES, sample.size())), files.sample());
        json(files.worldJson(), description(stats));
        return files;
    }

    private static void writeImages(List<WorldImage> images, WorldFiles.SplitFiles f) {
        try {
            Files.createDirectories(f.images());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + f.images() + ": " + e.getMessage(), e);
        }
        images.parallelStream().forEach(image -> {
            Path file = f.image(image);
            try {
                Files.write(file, png(image));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write image " + file + ": " + e.getMessage(), e);
            }
        });
    }

    static byte[] png(WorldImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try {
            if (!ImageIO.write(image.toBufferedImage(), "png", bytes)) {
                throw new IllegalStateException("no PNG writer in this Java runtime");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode image " + image.id() + " as PNG: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    private ObjectNode instances(List<WorldImage> images) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.putObject("info").put("description", "efuf4j synthetic world").put("config_hash", world.config().hash());
        ArrayNode imageArray = root.putArray("images");
        ArrayNode annotations = root.putArray("annotations");
        long annotationId = 1;
        for (WorldImage image : images) {
            imageArray.addObject().put("id", image.id()).put("file_name", image.fileName())
                    .put("width", image.size()).put("height", image.size()).put("scene", image.scene());
            for (WorldObject o : image.objects()) {
                ObjectNode a = annotations.addObject();
                a.put("id", annotationId++).put("image_id", image.id()).put("category_id", o.cocoId());
                a.putArray("bbox").add(o.x()).add(o.y()).add(o.width()).add(o.height());
                a.put("area", o.area()).put("iscrowd", 0).put("occluded", o.occluded()).put("small", o.small());
            }
        }
        ArrayNode categories = root.putArray("categories");
        for (WorldCategory c : world.categories()) {
            categories.addObject().put("id", c.cocoId()).put("name", c.name())
                    .put("supercategory", Catalogue.sceneOf(c.name()).name());
        }
        return root;
    }

    private static ObjectNode captions(List<WorldImage> images) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode imageArray = root.putArray("images");
        ArrayNode annotations = root.putArray("annotations");
        long captionId = 1;
        for (WorldImage image : images) {
            imageArray.addObject().put("id", image.id()).put("file_name", image.fileName())
                    .put("width", image.size()).put("height", image.size());
            for (WorldCaption c : image.references()) {
                annotations.addObject().put("id", captionId++).put("image_id", image.id()).put("caption", c.text());
            }
        }
        return root;
    }

    private static StringBuilder objects(List<WorldImage> images) {
        StringBuilder out = new StringBuilder();
        for (WorldImage image : images) {
            ObjectNode row = Json.MAPPER.createObjectNode();
            row.put("image_id", image.id()).put("file_name", image.fileName()).put("scene", image.scene());
            ArrayNode names = row.putArray("objects");
            image.categories().forEach(names::add);
            ArrayNode instances = row.putArray("instances");
            for (WorldObject o : image.objects()) {
                ObjectNode i = instances.addObject().put("category", o.category()).put("category_id", o.cocoId());
                i.putArray("bbox").add(o.x()).add(o.y()).add(o.width()).add(o.height());
                i.put("area", o.area()).put("visible_fraction", o.visibleFraction()).put("occluded", o.occluded())
                        .put("small", o.small());
            }
            out.append(row).append('\n');
        }
        return out;
    }

    private static StringBuilder captioner(List<WorldImage> images) {
        StringBuilder out = new StringBuilder();
        for (WorldImage image : images) {
            for (WorldCaption c : image.trainingCaptions()) captionRow(out, image, World.CAPTION_PROMPT, c);
            for (WorldCaption c : image.descriptions()) captionRow(out, image, World.DESCRIPTION_PROMPT, c);
        }
        return out;
    }

    private static void captionRow(StringBuilder out, WorldImage image, String prompt, WorldCaption c) {
        ObjectNode row = Json.MAPPER.createObjectNode();
        row.put("image_id", image.id()).put("image", "images/" + image.fileName()).put("prompt", prompt).put("caption", c.text());
        c.objects().forEach(row.putArray("objects")::add);
        c.absent().forEach(row.putArray("absent")::add);
        c.omitted().forEach(row.putArray("omitted")::add);
        out.append(row).append('\n');
    }

    private static StringBuilder qa(List<WorldImage> images) {
        StringBuilder out = new StringBuilder();
        for (WorldImage image : images) {
            for (QaPair q : image.questions()) {
                ObjectNode row = Json.MAPPER.createObjectNode();
                row.put("image_id", image.id()).put("image", "images/" + image.fileName())
                        .put("prompt", q.question()).put("answer", q.answer()).put("object", q.object())
                        .put("present", q.present());
                out.append(row).append('\n');
            }
        }
        return out;
    }

    private void splitStats(List<WorldImage> images, ObjectNode s, Split split) {
        int objects = 0;
        int occluded = 0;
        int small = 0;
        int omitting = 0;
        int captions = 0;
        for (WorldImage image : images) {
            for (WorldObject o : image.objects()) {
                objects++;
                occluded += o.occluded() ? 1 : 0;
                small += o.small() ? 1 : 0;
            }
            for (WorldCaption c : image.trainingCaptions()) {
                captions++;
                omitting += c.omitted().isEmpty() ? 0 : 1;
            }
        }
        s.put("images", images.size()).put("objects", objects).put("occluded_objects", occluded)
                .put("small_objects", small).put("training_captions", captions)
                .put("hallucinating_caption_rate", world.hallucinatingCaptionRate(split))
                .put("hallucinating_description_rate", world.hallucinatingDescriptionRate(split))
                .put("omitting_caption_rate", captions == 0 ? 0 : (double) omitting / captions);
    }

    private ObjectNode description(ObjectNode stats) {
        WorldConfig c = world.config();
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("hash", c.hash()).put("canonical", c.canonical()).put("generator_version", WorldConfig.GENERATOR_VERSION);
        root.set("config", Json.MAPPER.valueToTree(c));
        ArrayNode categories = root.putArray("categories");
        for (WorldCategory wc : world.categories()) {
            ObjectNode n = categories.addObject().put("id", wc.cocoId()).put("name", wc.name())
                    .put("scene", Catalogue.sceneOf(wc.name()).name());
            wc.synonyms().forEach(n.putArray("synonyms")::add);
        }
        ArrayNode scenes = root.putArray("scenes");
        for (String name : c.scenes()) {
            ObjectNode n = scenes.addObject().put("name", name);
            ArrayNode units = n.putArray("units");
            for (SceneType.Unit u : Catalogue.scene(name).units()) {
                ObjectNode un = units.addObject().put("first", u.first());
                if (u.isPair()) {
                    un.put("second", u.second()).put("together", u.together());
                }
                un.put("presence", u.presence());
            }
        }
        root.set("stats", stats);
        return root;
    }

    private static void json(Path file, ObjectNode node) {
        AtomicFiles.write(file, out -> Json.MAPPER.writeValue(out, node));
    }

    private static void jsonl(Path file, StringBuilder text) {
        AtomicFiles.writeString(file, text.toString());
    }
}
