package org.efuf4j.world;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.efuf4j.efuf.eval.PopeSampler;
import org.efuf4j.efuf.io.Json;

/**
 * Where a written world's files lie:
 * <pre>
 * root/world.json             configuration, its hash, categories, scenes, statistics (written last:
 *                             its presence means the folder is complete)
 * root/world-sample.png       contact sheet: images with their object lists
 * root/{train,val,eval}/
 *     images/{id}.png         the images, named by image id
 *     instances.json          COCO instances: images, annotations (bbox, area, iscrowd, occluded), categories
 *     captions.json           COCO captions: the reference captions
 *     objects.jsonl           {"image_id", "file_name", "scene", "objects": [names], "instances": [...]}
 *     pope_random.jsonl, pope_popular.jsonl, pope_adversarial.jsonl   POPE questions, 3 yes + 3 no an image
 *     captioner.jsonl         {"image_id", "image", "prompt", "caption", "objects", "absent", "omitted"}: the short
 *                             training captions, then the detailed descriptions (prompt World.DESCRIPTION_PROMPT)
 *     qa.jsonl                {"image_id", "image", "prompt", "answer": "Yes"|"No", "object", "present"}
 * </pre>
 * Paths inside the JSONL records ({@code "image"}) are relative to the split's folder.
 */
public record WorldFiles(Path root) {
    public Path worldJson() {
        return root.resolve("world.json");
    }

    public Path sample() {
        return root.resolve("world-sample.png");
    }

    /**
     * Whether the folder holds a completely written world of this configuration: world.json is
     * written last, so its presence with the configuration's hash means every other file is there.
     */
    public boolean isCompleteFor(WorldConfig config) {
        if (!Files.isRegularFile(worldJson())) {
            return false;
        }
        try {
            return config.hash().equals(Json.MAPPER.readTree(worldJson().toFile()).path("hash").asText());
        } catch (IOException e) {
            return false; // unreadable: regenerate
        }
    }

    public SplitFiles split(Split split) {
        return new SplitFiles(root.resolve(split.folder()));
    }

    /** The files of one split. */
    public record SplitFiles(Path dir) {
        public Path images() {
            return dir.resolve("images");
        }

        public Path image(WorldImage image) {
            return images().resolve(image.fileName());
        }

        public Path instances() {
            return dir.resolve("instances.json");
        }

        public Path captions() {
            return dir.resolve("captions.json");
        }

        public Path objects() {
            return dir.resolve("objects.jsonl");
        }

        public Path pope(PopeSampler.Strategy strategy) {
            return dir.resolve("pope_" + strategy.name().toLowerCase(Locale.ROOT) + ".jsonl");
        }

        public Path captioner() {
            return dir.resolve("captioner.jsonl");
        }

        public Path qa() {
            return dir.resolve("qa.jsonl");
        }
    }
}
