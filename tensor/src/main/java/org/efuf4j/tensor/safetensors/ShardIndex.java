package org.efuf4j.tensor.safetensors;

import org.efuf4j.tensor.io.JsonFiles;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The index of a sharded checkpoint, {@code model.safetensors.index.json}:
 * {@code {"metadata": {"total_size": n}, "weight_map": {tensor name: shard file name}}}. Shard
 * file names are relative to the index's directory. Metadata values are kept as text.
 */
public record ShardIndex(Path file, Map<String, String> metadata, Map<String, String> weightMap) {
    public static final String FILE_NAME = "model.safetensors.index.json";

    /** Jackson keeps the last of two equal keys unless told otherwise; a repeated tensor name is an error. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    public ShardIndex {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        weightMap = Collections.unmodifiableMap(new LinkedHashMap<>(weightMap));
    }

    /** The distinct shard file names, in order of first mention. */
    public Set<String> shardNames() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(weightMap.values()));
    }

    /** Where shard {@code shardName} lives; names must stay inside the index's directory. */
    public Path shardPath(String shardName) {
        Path dir = file.toAbsolutePath().getParent().normalize();
        Path p = dir.resolve(shardName).normalize();
        if (Path.of(shardName).isAbsolute() || !p.startsWith(dir) || p.equals(dir))
            throw new SafetensorsException(file, null, "shard file '" + shardName + "' must be a file name inside " + dir);
        return p;
    }

    public static ShardIndex read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(file, null, "invalid index JSON" + JsonFiles.describe(e), e);
        } catch (IOException e) {
            throw new SafetensorsException(file, null, "cannot read index: " + e, e);
        }
        if (root == null || !root.isObject())
            throw new SafetensorsException(file, null, "index must be a JSON object, found " + (root == null ? "nothing" : root.getNodeType()));
        JsonNode wm = root.get("weight_map");
        if (wm == null || !wm.isObject())
            throw new SafetensorsException(file, null, "index needs a \"weight_map\" object of tensor name -> shard file, found "
                    + (wm == null ? "none" : wm.getNodeType()));
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : wm.properties()) {
            if (!e.getValue().isTextual())
                throw new SafetensorsException(file, e.getKey(), "weight_map value must be a shard file name, found " + e.getValue());
            weightMap.put(e.getKey(), e.getValue().asText());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode md = root.get("metadata");
        if (md != null && !md.isNull()) {
            if (!md.isObject()) throw new SafetensorsException(file, null, "index \"metadata\" must be an object, found " + md.getNodeType());
            for (Map.Entry<String, JsonNode> e : md.properties())
                metadata.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
        }
        return new ShardIndex(file, metadata, weightMap);
    }

    /** The index as Hugging Face writes it: pretty-printed, {@code total_size} as a number. */
    byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode md = root.putObject("metadata");
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey().equals("total_size")) md.put("total_size", Long.parseLong(e.getValue()));
            else md.put(e.getKey(), e.getValue());
        }
        ObjectNode wm = root.putObject("weight_map");
        weightMap.forEach(wm::put);
        try {
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise index " + file, e);
        }
    }
}
