package org.efuf4j.models.tokenizer;

import org.efuf4j.tensor.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import it.unimi.dsi.fastutil.ints.IntArrayList;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * OpenAI CLIP's BPE tokenizer: clean (HTML unescape, collapse whitespace, lowercase), split with
 * CLIP's regex, byte-to-unicode, "&lt;/w&gt;" on each word's last symbol, merges by rank; wrapped in
 * {@code <|startoftext|>} ... {@code <|endoftext|>} and fitted to the 77-token context on request.
 */
public final class ClipTokenizer implements Tokenizer {

    public static final String START_OF_TEXT = "<|startoftext|>";
    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final int CONTEXT_LENGTH = 77;
    /** Merges CLIP uses from its merges file: 49152 - 256 - 2. */
    public static final int CLIP_MERGES = 48894;
    static final String WORD_END = "</w>";

    private static final Pattern SPLIT = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);?");
    private static final Map<String, String> ENTITIES = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"",
            "apos", "'", "nbsp", "\u00a0");

    private final BpeVocab bpe;
    private final String[] tokens;
    private final int sot;
    private final int eot;

    ClipTokenizer(BpeVocab bpe, String source) {
        this.bpe = bpe;
        int size = 0;
        for (int id : bpe.vocab.values()) {
            size = Math.max(size, id + 1);
        }
        tokens = new String[size];
        bpe.vocab.forEach((t, id) -> tokens[id] = t);
        sot = bpe.id(START_OF_TEXT);
        eot = bpe.id(END_OF_TEXT);
        if (sot < 0 || eot < 0) {
            throw new IllegalArgumentException(source + ": CLIP vocabulary lacks " + START_OF_TEXT + " or " + END_OF_TEXT);
        }
    }

    /** Builds the vocabulary from OpenAI's merges file ({@code bpe_simple_vocab_16e6.txt.gz}) as CLIP does. */
    public static ClipTokenizer fromOpenAiMerges(Path gz) throws IOException {
        List<BpeVocab.Pair> merges = new ArrayList<>(CLIP_MERGES);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null) {
                throw new IOException(gz + ": empty merges file");
            }
            String line;
            while (merges.size() < CLIP_MERGES && (line = r.readLine()) != null) {
                merges.add(BpeVocab.parseMergeLine(line, gz + ": line " + (merges.size() + 2)));
            }
        }
        if (merges.size() != CLIP_MERGES) {
            throw new IOException(gz + ": expected " + CLIP_MERGES + " merges after the header, found " + merges.size());
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        List<String> byteSymbols = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            byteSymbols.add(String.valueOf(ByteUnicode.charOf(b)));
        }
        // CLIP lists the printable bytes first, then the remapped ones: that is the order of the characters.
        byteSymbols.sort(null);
        for (String s : byteSymbols) {
            vocab.put(s, vocab.size());
        }
        for (String s : byteSymbols) {
            vocab.put(s + WORD_END, vocab.size());
        }
        for (BpeVocab.Pair p : merges) {
            vocab.putIfAbsent(p.left() + p.right(), vocab.size());
        }
        vocab.put(START_OF_TEXT, vocab.size());
        vocab.put(END_OF_TEXT, vocab.size());
        return new ClipTokenizer(new BpeVocab(vocab, merges, null, false, false, false, WORD_END, gz.toString()),
                gz.toString());
    }

    /** Hugging Face files: {@code vocab.json} and {@code merges.txt} (first line {@code #version} skipped). */
    public static ClipTokenizer load(Path vocabJson, Path mergesTxt) throws IOException {
        JsonNode v = JsonFiles.read(vocabJson);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        v.fields().forEachRemaining(e -> vocab.put(e.getKey(), BpeVocab.tokenId(e.getValue(), vocabJson + ": entry \"" + e.getKey() + "\"")));
        List<BpeVocab.Pair> merges = new ArrayList<>();
        List<String> lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank() && !(i == 0 && line.startsWith("#version"))) {
                merges.add(BpeVocab.parseMergeLine(line, mergesTxt + ": line " + (i + 1)));
            }
        }
        String source = vocabJson + " + " + mergesTxt;
        return new ClipTokenizer(new BpeVocab(vocab, merges, null, false, false, false, WORD_END, source), source);
    }

    static ClipTokenizer fromTokenizerJson(JsonNode root, String source) {
        return new ClipTokenizer(BpeVocab.fromJson(root.path("model"), source), source);
    }

    static boolean looksLikeClipVocab(Path vocabJson) throws IOException {
        JsonNode v = JsonFiles.read(vocabJson);
        if (v.has(START_OF_TEXT)) {
            return true;
        }
        for (var it = v.fieldNames(); it.hasNext(); ) {
            if (it.next().endsWith(WORD_END)) {
                return true;
            }
        }
        return false;
    }

    /** CLIP's text cleaning: HTML unescape (twice, as CLIP does), whitespace runs to one space, strip, lowercase. */
    static String clean(String text) {
        String s = unescapeHtml(unescapeHtml(text));
        s = WHITESPACE.matcher(s).replaceAll(" ").strip();
        return s.toLowerCase(Locale.ROOT);
    }

    private static String unescapeHtml(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = null;
            if (name.startsWith("#")) {
                try {
                    int cp = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X')
                            ? Integer.parseInt(name.substring(2), 16) : Integer.parseInt(name.substring(1));
                    if (Character.isValidCodePoint(cp) && cp != 0) {
                        replacement = new String(Character.toChars(cp));
                    }
                } catch (NumberFormatException ignored) {
                    // too long to be a code point: leave as written
                }
            } else if (m.group().endsWith(";")) {
                replacement = ENTITIES.get(name);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement != null ? replacement : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        IntArrayList ids = new IntArrayList();
        if (addSpecialTokens) {
            ids.add(sot);
        }
        Matcher m = SPLIT.matcher(clean(text));
        while (m.find()) {
            String piece = m.group();
            if (piece.equals(START_OF_TEXT) || piece.equals(END_OF_TEXT)) {
                ids.add(bpe.id(piece));
                continue;
            }
            String mapped = ByteUnicode.encode(piece);
            List<String> symbols = new ArrayList<>(mapped.length());
            for (int i = 0; i < mapped.length(); i++) {
                String c = String.valueOf(mapped.charAt(i));
                symbols.add(i == mapped.length() - 1 ? c + WORD_END : c);
            }
            for (String s : bpe.merge(symbols, null)) {
                ids.add(bpe.id(s));
            }
        }
        if (addSpecialTokens) {
            ids.add(eot);
        }
        return ids.toIntArray();
    }

    /** {@link #encodeFixed(String, int, boolean, int)} with 77 positions, padding with end-of-text (as Hugging Face). */
    public int[] encodeFixed(String text, boolean truncate) {
        return encodeFixed(text, CONTEXT_LENGTH, truncate, eot);
    }

    /**
     * Start/end-of-text wrapped ids padded to {@code contextLength} with {@code padId}. Too long input is
     * truncated keeping end-of-text last, or rejected when {@code truncate} is false.
     */
    public int[] encodeFixed(String text, int contextLength, boolean truncate, int padId) {
        int[] ids = encode(text, true);
        if (ids.length > contextLength) {
            if (!truncate) {
                throw new IllegalArgumentException("text needs " + ids.length + " tokens, more than the context length "
                        + contextLength + ": \"" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "\"");
            }
            ids = Arrays.copyOf(ids, contextLength);
            ids[contextLength - 1] = eot;
        }
        int[] out = Arrays.copyOf(ids, contextLength);
        Arrays.fill(out, ids.length, contextLength, padId);
        return out;
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder joined = new StringBuilder();
        for (int id : ids) {
            if (skipSpecialTokens && isSpecial(id)) {
                continue;
            }
            joined.append(idToToken(id));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteUnicode.decodeInto(joined.toString().replace(WORD_END, " "), bytes);
        return bytes.toString(StandardCharsets.UTF_8).strip();
    }

    @Override
    public int tokenToId(String token) {
        return bpe.id(token);
    }

    @Override
    public String idToToken(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            throw new IllegalArgumentException("CLIP token id " + id + " outside the vocabulary [0, " + tokens.length + ")");
        }
        return tokens[id];
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public int bosId() {
        return sot;
    }

    @Override
    public int eosId() {
        return eot;
    }

    /** Hugging Face pads CLIP text with end-of-text. */
    @Override
    public int padId() {
        return eot;
    }

    @Override
    public int unkId() {
        return eot;
    }

    @Override
    public boolean isSpecial(int id) {
        return id == sot || id == eot;
    }
}
