package org.efuf4j.efuf.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * The object categories present in each image. An image can be known with no objects (an empty
 * set) or not known at all; evaluations refuse the latter instead of counting every mention in its
 * caption as a hallucination. An annotation may carry the object's size (any positive measure the annotator chose,
 * e.g. its area as a share of the image; for a category present several times the largest instance's), which splits
 * recall into small and large objects.
 */
public final class GroundTruth {
    private final Map<String, Set<String>> objectsByImage;
    private final Map<String, Map<String, Double>> sizes;

    private GroundTruth(Map<String, Set<String>> objectsByImage, Map<String, Map<String, Double>> sizes) {
        this.objectsByImage = objectsByImage;
        this.sizes = sizes;
    }

    /** The size annotated for a category in an image, if any. */
    public OptionalDouble size(String imageId, String category) {
        Double s = sizes.getOrDefault(imageId, Map.of()).get(category);
        return s == null ? OptionalDouble.empty() : OptionalDouble.of(s);
    }

    /** Whether any annotation carries a size. */
    public boolean hasSizes() {
        return !sizes.isEmpty();
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
        private final Map<String, Map<String, Double>> sizes = new LinkedHashMap<>();

        /** Declares an image, possibly without objects. */
        public Builder image(String imageId) {
            objects.computeIfAbsent(imageId, k -> new TreeSet<>());
            return this;
        }

        public Builder add(String imageId, String category) {
            objects.computeIfAbsent(imageId, k -> new TreeSet<>()).add(category);
            return this;
        }

        /** A present category with its size; the largest size given for a category in an image is kept. */
        public Builder add(String imageId, String category, double size) {
            if (!(size > 0) || !Double.isFinite(size))
                throw new IllegalArgumentException("image " + imageId + ", category " + category + ": size must be a positive number, got " + size);
            add(imageId, category);
            sizes.computeIfAbsent(imageId, k -> new LinkedHashMap<>()).merge(category, size, Math::max);
            return this;
        }

        public GroundTruth build() {
            Map<String, Set<String>> copy = new LinkedHashMap<>();
            objects.forEach((id, set) -> copy.put(id, Collections.unmodifiableSet(new TreeSet<>(set))));
            Map<String, Map<String, Double>> sizeCopy = new LinkedHashMap<>();
            sizes.forEach((id, m) -> sizeCopy.put(id, Map.copyOf(m)));
            return new GroundTruth(Collections.unmodifiableMap(copy), Collections.unmodifiableMap(sizeCopy));
        }
    }
}
