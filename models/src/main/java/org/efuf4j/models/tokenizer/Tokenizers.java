package org.efuf4j.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.efuf4j.tensor.io.JsonFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Picks and loads the tokenizer of a model directory from the files it holds. */
public final class Tokenizers {

    static final String TOKENIZER_JSON = "tokenizer.json";
    static final String SENTENCEPIECE = "tokenizer.model";
    static final String VOCAB_JSON = "vocab.json";
    static final String MERGES_TXT = "merges.txt";
    static final String CLIP_MERGES_GZ = "bpe_simple_vocab_16e6.txt.gz";
    static final String CONFIG = "tokenizer_config.json";

    private Tokenizers() {
    }

    /**
     * Loads, in this order of preference: {@code tokenizer.json} (LLaMA-style, byte-level or CLIP BPE),
     * {@code tokenizer.model} (SentencePiece BPE), {@code vocab.json} + {@code merges.txt} (CLIP when the
     * vocabulary has "&lt;/w&gt;" word ends, else byte-level), {@code bpe_simple_vocab_16e6.txt.gz} (CLIP).
     * Special-token names in {@code tokenizer_config.json} override the defaults.
     */
    public static Tokenizer load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a directory");
        }
        SpecialTokenNames names = specialNames(dir.resolve(CONFIG));
        Path json = dir.resolve(TOKENIZER_JSON);
        if (Files.isRegularFile(json)) {
            return fromTokenizerJson(JsonFiles.read(json), names, json.toString());
        }
        Path model = dir.resolve(SENTENCEPIECE);
        if (Files.isRegularFile(model)) {
            return SentencePieceTokenizer.load(model);
        }
        Path vocab = dir.resolve(VOCAB_JSON);
        Path merges = dir.resolve(MERGES_TXT);
        if (Files.isRegularFile(vocab) && Files.isRegularFile(merges)) {
            if (ClipTokenizer.looksLikeClipVocab(vocab)) {
                return ClipTokenizer.load(vocab, merges);
            }
            return ByteLevelBpeTokenizer.load(vocab, merges, names);
        }
        Path clip = dir.resolve(CLIP_MERGES_GZ);
        if (Files.isRegularFile(clip)) {
            return ClipTokenizer.fromOpenAiMerges(clip);
        }
        List<String> present = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> present.add(p.getFileName().toString()));
        }
        present.sort(null);
        throw new IOException(dir + ": no tokenizer found; expected one of " + TOKENIZER_JSON + ", " + SENTENCEPIECE
                + ", " + VOCAB_JSON + " + " + MERGES_TXT + ", " + CLIP_MERGES_GZ + "; the directory holds " + present);
    }

    /** Chooses the implementation from the model, pre-tokenizer and decoder of a tokenizer.json. */
    public static Tokenizer fromTokenizerJson(JsonNode root, SpecialTokenNames names, String source) {
        JsonNode model = root.path("model");
        if (!model.path("type").asText("BPE").equals("BPE")) {
            throw new IllegalArgumentException(source + ": model.type '" + model.path("type").asText()
                    + "' is not supported (only BPE)");
        }
        if ("</w>".equals(model.path("end_of_word_suffix").asText(null))) {
            return ClipTokenizer.fromTokenizerJson(root, source);
        }
        if (mentions(root.get("pre_tokenizer"), "ByteLevel") || mentions(root.get("decoder"), "ByteLevel")) {
            return new ByteLevelBpeTokenizer(root, names, source);
        }
        return new LlamaBpeTokenizer(root, names, source);
    }

    public static Tokenizer fromTokenizerJson(JsonNode root, String source) {
        return fromTokenizerJson(root, SpecialTokenNames.DEFAULT, source);
    }

    private static boolean mentions(JsonNode node, String type) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (type.equals(node.path("type").asText())) {
            return true;
        }
        for (JsonNode child : node) {
            if (child.isContainerNode() && mentions(child, type)) {
                return true;
            }
        }
        return false;
    }

    /** bos_token / eos_token / pad_token / unk_token of tokenizer_config.json: strings or {"content": ...}. */
    static SpecialTokenNames specialNames(Path config) throws IOException {
        if (!Files.isRegularFile(config)) {
            return SpecialTokenNames.DEFAULT;
        }
        JsonNode c = JsonFiles.read(config);
        return new SpecialTokenNames(name(c, "bos_token"), name(c, "eos_token"), name(c, "pad_token"),
                name(c, "unk_token"));
    }

    private static String name(JsonNode config, String field) {
        JsonNode v = config.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isTextual() ? v.asText() : v.path("content").asText(null);
    }
}
