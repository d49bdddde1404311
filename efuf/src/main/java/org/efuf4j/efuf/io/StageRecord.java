package org.efuf4j.efuf.io;

import org.efuf4j.tensor.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What produced a stage's results (its arguments, prompt, and the digests of the model weights and of the input list),
 * kept beside them, so a rerun resumes only results made the same way. A rerun with other inputs stops with what
 * differs and how to start over, instead of quietly reusing the old results; with {@code restart} it discards the
 * stage's outputs and starts again.
 */
public final class StageRecord {
    /** How the user asks to discard mismatched results, named in the error. */
    public static final String RESTART_OPTION = "--restart";

    private final String stage;
    private final Map<String, String> inputs = new LinkedHashMap<>();
    private String elsewhere = "give another --out";

    private StageRecord(String stage) { this.stage = stage; }

    /** A record for {@code stage} ("caption and score", "unlearning", "evaluation"). */
    public static StageRecord of(String stage) { return new StageRecord(stage); }

    /** One input: its name as the user knows it (an option, "model weights") and its value or digest. */
    public StageRecord with(String name, Object value) {
        inputs.put(name, String.valueOf(value));
        return this;
    }

    /** What else the user can do than restart, e.g. "give this model another --label". */
    public StageRecord orElse(String alternative) {
        this.elsewhere = alternative;
        return this;
    }

    public Map<String, String> inputs() { return java.util.Collections.unmodifiableMap(inputs); }

    /**
     * Before the stage reads or extends its results in {@code dir}: records the inputs when there is nothing to resume;
     * resumes when the recorded inputs equal these; otherwise stops with the differences, or with {@code restart}
     * deletes {@code outputs} (files or folders inside {@code dir}) and records the new inputs.
     *
     * @param recordFile the record's file inside {@code dir}
     * @param outputs    everything the stage writes there; existing outputs without a record count as made otherwise
     * @return whether earlier results are kept (a resume), false for a fresh start
     */
    public boolean claim(Path dir, Path recordFile, boolean restart, List<Path> outputs) {
        boolean anyOutput = false;
        for (Path o : outputs) anyOutput |= Files.exists(o);
        Map<String, String> recorded = Files.isRegularFile(recordFile) ? read(recordFile) : null;
        if (anyOutput && !inputs.equals(recorded)) {
            if (!restart) throw new StaleResultsException(message(dir, recorded));
            for (Path o : outputs) deleteTree(o);
        }
        write(recordFile);
        return anyOutput && inputs.equals(recorded);
    }

    private String message(Path dir, Map<String, String> recorded) {
        StringBuilder sb = new StringBuilder(dir + " holds " + stage + " results made with other inputs, so they cannot be resumed: ");
        if (recorded == null) {
            sb.append("there is no record of what made them (an interrupted first run, or an older efuf)");
        } else {
            List<String> differences = new ArrayList<>();
            for (Map.Entry<String, String> e : inputs.entrySet()) {
                String before = recorded.get(e.getKey());
                if (before == null) differences.add(e.getKey() + " (not recorded before, now " + shorten(e.getValue()) + ")");
                else if (!before.equals(e.getValue())) differences.add(e.getKey() + " (was " + shorten(before) + ", now " + shorten(e.getValue()) + ")");
            }
            for (String k : recorded.keySet()) if (!inputs.containsKey(k)) differences.add(k + " (recorded " + shorten(recorded.get(k)) + ", now absent)");
            sb.append(String.join("; ", differences));
        }
        return sb.append(". Run the same command with ").append(RESTART_OPTION).append(" to discard them and start this stage over, or ").append(elsewhere)
                .toString();
    }

    /** Digests are long; eight hex digits tell two apart. Quoted text stays readable. */
    private static String shorten(String v) {
        if (v.matches("[0-9a-f]{64}")) return "sha256 " + v.substring(0, 12);
        return v.length() > 80 ? "\"" + v.substring(0, 77) + "...\"" : "\"" + v + "\"";
    }

    private Map<String, String> read(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            return Map.of("record", "unreadable: " + e.getMessage());
        }
        Map<String, String> m = new LinkedHashMap<>();
        JsonNode in = root.path("inputs");
        for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
            var e = it.next();
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }

    private void write(Path file) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("stage", stage);
        ObjectNode in = root.putObject("inputs");
        inputs.forEach(in::put);
        AtomicFiles.write(file, out -> Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, root));
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p + " to start over: " + e.getMessage(), e);
        }
    }

    /** Results in an output folder that were made with other inputs than this run's. */
    public static final class StaleResultsException extends IllegalArgumentException {
        public StaleResultsException(String message) { super(message); }
    }
}
