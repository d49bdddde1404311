package org.efuf4j.tensor.safetensors;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.efuf4j.tensor.Tensor;

/**
 * The weights of a checkpoint as one name -> tensor view, whether they live in a single
 * safetensors file or in shards listed by {@code model.safetensors.index.json}. Every file is
 * memory-mapped (see {@link SafetensorsFile} for the lifetime rules); nothing is copied.
 *
 * <p>{@link #open(Path)} accepts a {@code .safetensors} file, an index file, or a directory. In a
 * directory {@code model.safetensors} wins over the index, as in Hugging Face
 * {@code from_pretrained}. For a sharded checkpoint the index is authoritative: its
 * {@code weight_map} decides the names and their order; every shard it names must exist and
 * hold the tensors it is said to hold.
 */
public final class SafetensorsCheckpoint {
    public static final String SINGLE_FILE_NAME = "model.safetensors";

    private final Path source;
    private final List<SafetensorsFile> files;
    private final Map<String, Tensor> tensors;
    private final Map<String, TensorInfo> infos;
    private final Map<String, SafetensorsFile> fileOf;
    private final Map<String, String> metadata;

    private SafetensorsCheckpoint(Path source, List<SafetensorsFile> files, Map<String, SafetensorsFile> fileOf, Map<String, String> metadata) {
        this.source = source;
        this.files = List.copyOf(files);
        this.fileOf = Collections.unmodifiableMap(fileOf);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        Map<String, Tensor> t = new LinkedHashMap<>();
        Map<String, TensorInfo> i = new LinkedHashMap<>();
        fileOf.forEach((name, file) -> {
            t.put(name, file.tensor(name));
            i.put(name, file.info(name));
        });
        this.tensors = Collections.unmodifiableMap(t);
        this.infos = Collections.unmodifiableMap(i);
    }

    public static SafetensorsCheckpoint open(Path path) {
        return open(path, Arena.ofAuto());
    }

    /** Opens a file, an index or a directory, mapping every file into {@code arena}. */
    public static SafetensorsCheckpoint open(Path path, Arena arena) {
        if (Files.isDirectory(path)) {
            Path single = path.resolve(SINGLE_FILE_NAME);
            Path index = path.resolve(ShardIndex.FILE_NAME);
            if (Files.isRegularFile(single)) return single(single, arena);
            if (Files.isRegularFile(index)) return sharded(index, arena);
            throw new SafetensorsException(path, null, "checkpoint directory holds neither " + SINGLE_FILE_NAME + " nor " + ShardIndex.FILE_NAME);
        }
        if (!Files.isRegularFile(path)) throw new SafetensorsException(path, null, "no such checkpoint file or directory");
        return path.getFileName().toString().endsWith(".json") ? sharded(path, arena) : single(path, arena);
    }

    private static SafetensorsCheckpoint single(Path file, Arena arena) {
        SafetensorsFile f = SafetensorsFile.open(file, arena);
        Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
        for (String name : f.names()) fileOf.put(name, f);
        return new SafetensorsCheckpoint(file, List.of(f), fileOf, f.metadata());
    }

    private static SafetensorsCheckpoint sharded(Path indexFile, Arena arena) {
        ShardIndex index = ShardIndex.read(indexFile);
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        for (String shardName : index.shardNames()) {
            Path shardPath = index.shardPath(shardName);
            if (!Files.isRegularFile(shardPath)) {
                String example = null;
                for (Map.Entry<String, String> e : index.weightMap().entrySet())
                    if (e.getValue().equals(shardName)) { example = e.getKey(); break; }
                throw new SafetensorsException(indexFile, example, "index names shard '" + shardName
                        + "', but " + shardPath + " does not exist");
            }
            shards.put(shardName, SafetensorsFile.open(shardPath, arena));
        }
        Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : index.weightMap().entrySet()) {
            SafetensorsFile shard = shards.get(e.getValue());
            if (!shard.contains(e.getKey()))
                throw new SafetensorsException(indexFile, e.getKey(), "index places the tensor in shard '" + e.getValue()
                        + "', but " + shard.path() + " does not hold it (" + shard.names().size() + " tensors there)");
            fileOf.put(e.getKey(), shard);
        }
        return new SafetensorsCheckpoint(indexFile, new ArrayList<>(shards.values()), fileOf, index.metadata());
    }

    /** The file or index this checkpoint was opened from. */
    public Path source() { return source; }

    /** The mapped files: one, or every shard in order of first mention in the index. */
    public List<SafetensorsFile> files() { return files; }

    /** The single file's {@code __metadata__}, or the index's {@code metadata} (values as text). */
    public Map<String, String> metadata() { return metadata; }

    /** Tensor names: file order for a single file, weight_map order for an index. */
    public List<String> names() { return List.copyOf(tensors.keySet()); }

    public boolean contains(String name) { return tensors.containsKey(name); }

    /** Every tensor as a zero-copy, read-only view, in {@link #names()} order. */
    public Map<String, Tensor> tensors() { return tensors; }

    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new SafetensorsException(source, name, "no such tensor in the checkpoint (" + tensors.size() + " tensors)");
        return t;
    }

    /** Dtype and shape of {@code name}, without touching its data. */
    public TensorInfo info(String name) {
        TensorInfo i = infos.get(name);
        if (i == null) throw new SafetensorsException(source, name, "no such tensor in the checkpoint (" + infos.size() + " tensors)");
        return i;
    }

    /** The file that holds {@code name}. */
    public Path fileOf(String name) {
        SafetensorsFile f = fileOf.get(name);
        if (f == null) throw new SafetensorsException(source, name, "no such tensor in the checkpoint (" + fileOf.size() + " tensors)");
        return f.path();
    }

    @Override public String toString() {
        return "SafetensorsCheckpoint(" + source + ", " + tensors.size() + " tensors in " + files.size() + " file(s))";
    }
}
