package org.efuf4j.models.tokenizer;

import org.efuf4j.tensor.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.unimi.dsi.fastutil.ints.IntArrayList;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte-level BPE as in GPT-2 and Qwen2: the text is split by a regex, each piece's UTF-8 bytes are
 * written with {@link ByteUnicode} characters and merged by rank; no BOS. Decoding maps the
 * characters back to bytes.
 */
public final class ByteLevelBpeTokenizer extends HfBpeTokenizer {

    /** GPT-2's pre-tokenization regex (the ByteLevel pre-tokenizer's {@code use_regex}). */
    public static final String GPT2_PATTERN =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    /** Qwen2's pre-tokenization regex (a Split pre-tokenizer before ByteLevel). */
    public static final String QWEN2_PATTERN =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private final Pattern split;
    private final boolean addPrefixSpace;
    private final boolean nfc;

    ByteLevelBpeTokenizer(JsonNode root, SpecialTokenNames names, String source) {
        super(BpeVocab.fromJson(root.path("model"), source), AddedTokens.fromJson(root.path("added_tokens"), source),
                root.get("post_processor"), names, source);
        String pattern = null;
        boolean prefixSpace = false;
        for (JsonNode p : list(root.get("pre_tokenizer"), "pretokenizers")) {
            switch (p.path("type").asText()) {
                case "Split" -> {
                    JsonNode regex = p.path("pattern").path("Regex");
                    String literal = p.path("pattern").path("String").asText(null);
                    pattern = regex.isTextual() ? regex.asText() : Pattern.quote(literal);
                    if (!p.path("behavior").asText("Isolated").equals("Isolated") || p.path("invert").asBoolean(false)) {
                        throw new IllegalArgumentException(source + ": only Split with behavior Isolated is supported, got " + p);
                    }
                }
                case "ByteLevel" -> {
                    prefixSpace = p.path("add_prefix_space").asBoolean(false);
                    if (p.path("use_regex").asBoolean(true)) {
                        pattern = GPT2_PATTERN;
                    }
                }
                default -> throw new IllegalArgumentException(source + ": unsupported pre_tokenizer '"
                        + p.path("type").asText() + "' for byte-level BPE");
            }
        }
        boolean useNfc = false;
        for (JsonNode n : list(root.get("normalizer"), "normalizers")) {
            if (!n.path("type").asText().equals("NFC")) {
                throw new IllegalArgumentException(source + ": unsupported normalizer '" + n.path("type").asText()
                        + "' for byte-level BPE (only NFC)");
            }
            useNfc = true;
        }
        this.split = pattern == null ? null : Pattern.compile(pattern, Pattern.UNICODE_CHARACTER_CLASS);
        this.addPrefixSpace = prefixSpace;
        this.nfc = useNfc;
    }

    private static List<JsonNode> list(JsonNode node, String field) {
        List<JsonNode> out = new ArrayList<>();
        if (node != null && !node.isNull()) {
            if (node.path("type").asText().equals("Sequence")) {
                node.path(field).forEach(out::add);
            } else {
                out.add(node);
            }
        }
        return out;
    }

    /**
     * GPT-2 style files: {@code vocab.json} and {@code merges.txt} (first line {@code #version} skipped),
     * split with {@link #GPT2_PATTERN}; "&lt;|endoftext|&gt;" is a special token when the vocabulary has it.
     */
    public static ByteLevelBpeTokenizer load(Path vocabJson, Path mergesTxt, SpecialTokenNames names) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        JsonNode vocab = JsonFiles.read(vocabJson);
        model.set("vocab", vocab);
        ArrayNode merges = model.putArray("merges");
        for (String line : Files.readAllLines(mergesTxt, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#version")) {
                merges.add(line);
            }
        }
        ArrayNode added = root.putArray("added_tokens");
        if (vocab.has("<|endoftext|>")) {
            added.addObject().put("id", vocab.get("<|endoftext|>").asInt()).put("content", "<|endoftext|>")
                    .put("special", true);
        }
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("use_regex", true);
        root.putObject("decoder").put("type", "ByteLevel");
        return new ByteLevelBpeTokenizer(root, names, vocabJson + " + " + mergesTxt);
    }

    @Override
    void encodeText(String text, boolean atStart, IntArrayList out) {
        String s = nfc ? Normalizer.normalize(text, Normalizer.Form.NFC) : text;
        if (addPrefixSpace && !s.startsWith(" ")) {
            s = " " + s;
        }
        if (split == null) {
            encodePiece(s, out);
            return;
        }
        Matcher m = split.matcher(s);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                encodePiece(s.substring(last, m.start()), out);
            }
            if (m.end() > m.start()) {
                encodePiece(m.group(), out);
            }
            last = m.end();
        }
        if (last < s.length()) {
            encodePiece(s.substring(last), out);
        }
    }

    private void encodePiece(String piece, IntArrayList out) {
        String mapped = ByteUnicode.encode(piece);
        if (bpe.ignoreMerges && bpe.vocab.containsKey(mapped)) {
            out.add(bpe.vocab.get(mapped));
            return;
        }
        List<String> symbols = new ArrayList<>(mapped.length());
        boolean[] frozen = new boolean[mapped.length()];
        for (int i = 0; i < mapped.length(); i++) {
            String c = String.valueOf(mapped.charAt(i));
            if (!bpe.vocab.containsKey(c)) {
                if (bpe.unkToken == null) {
                    throw new IllegalArgumentException(source + ": byte symbol '" + c + "' is not in the vocabulary");
                }
                c = bpe.unkToken;
                frozen[symbols.size()] = true;
            }
            symbols.add(c);
        }
        appendIds(bpe.merge(symbols, frozen), out);
    }

    @Override
    String decodeTokens(List<String> tokens, List<Boolean> isAdded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < tokens.size(); i++) {
            if (isAdded.get(i)) {
                bytes.writeBytes(tokens.get(i).getBytes(StandardCharsets.UTF_8));
            } else {
                ByteUnicode.decodeInto(tokens.get(i), bytes);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
