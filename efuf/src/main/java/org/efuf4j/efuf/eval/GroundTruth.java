package org.efuf4j.efuf.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The object categories present in each image. An image can be known with no objects (an empty
 * set) or not known at all; evaluations refuse the latter instead of counting every mention in its
 * caption as a hallucination.
 */
public final class GroundTruth {
    private final Map<String, Set<String>> objectsByImage;

    private GroundTruth(Map<String, Set<String>> objectsByImage) {
        this.objectsByImage = objectsByImage;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<Set<String>> objects(String imageId) {
        return Optional.ofNullable(objectsByImage.get(imageId));
    }

    /** The image's categories, or an error naming the image when it has no ground truth. */
    public Set<String> require(String imageId, String where) {
        Set<String> objects = objectsByImage.get(imageId);
        if (objects == null) {
            throw new IllegalArgumentException(where + ": image " + imageId + " has no ground truth ("
                    + objectsByImage.size() + " images known)");
        }
        return objects;
    }

    public boolean contains(String imageId) {
        return objectsByImage.containsKey(imageId);
    }

    /** Image ids in the order they were first added. */
    public Set<String> imageIds() {
        return objectsByImage.keySet();
    }

    public int size() {
        return objectsByImage.size();
    }

    public static final class Builder {
        private final Map<String, Set<String>> objects = new LinkedHashMap<>();

        /** Declares an image, possibly without objects. */
        public Builder image(String imageId) {
            objects.computeIfAbsent(imageId, k -> new TreeSet<>());
            return this;
        }

        public Builder add(String imageId, String category) {
            objects.computeIfAbsent(imageId, k -> new TreeSet<>()).add(category);
            return this;
        }

        public GroundTruth build() {
            Map<String, Set<String>> copy = new LinkedHashMap<>();
            objects.forEach((id, set) -> copy.put(id, Collections.unmodifiableSet(new TreeSet<>(set))));
            return new GroundTruth(Collections.unmodifiableMap(copy));
        }
    }
}
