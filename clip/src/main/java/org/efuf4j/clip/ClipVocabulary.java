package org.efuf4j.clip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.efuf4j.models.tokenizer.ClipTokenizer;

/**
 * A small CLIP BPE vocabulary in Hugging Face's {@code vocab.json} + {@code merges.txt} form, for models trained from
 * scratch on a closed set of words (the synthetic world). Like CLIP's it holds the 256 byte symbols with and without
 * the word-end mark, so any text encodes; each given word is built up left to right by merges and ends as one token.
 * {@code <|startoftext|>} and {@code <|endoftext|>} come last; {@link org.efuf4j.models.tokenizer.Tokenizers#load}
 * reads the files back as a {@link ClipTokenizer}.
 */
public final class ClipVocabulary {
    private static final String WORD_END = "</w>";
    private static final char[] BYTE_TO_CHAR = byteToUnicode();

    private final Map<String, Integer> vocab;
    private final List<String> merges;

    private ClipVocabulary(Map<String, Integer> vocab, List<String> merges) {
        this.vocab = vocab;
        this.merges = merges;
    }

    /** Every run of letters in {@code texts} (lower-cased, as CLIP cleans text) becomes one token. */
    public static ClipVocabulary ofTexts(Collection<String> texts) {
        List<String> words = new ArrayList<>();
        for (String t : texts) for (String w : t.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) if (!w.isEmpty()) words.add(w);
        return ofWords(words);
    }

    public static ClipVocabulary ofWords(Collection<String> words) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(BYTE_TO_CHAR[b]), vocab.size());
        for (int b = 0; b < 256; b++) vocab.put(BYTE_TO_CHAR[b] + WORD_END, vocab.size());
        List<String> merges = new ArrayList<>();
        for (String word : words) {
            List<String> symbols = symbols(word.toLowerCase(Locale.ROOT));
            String left = symbols.getFirst();
            for (int i = 1; i < symbols.size(); i++) {
                String right = symbols.get(i), joined = left + right;
                if (!vocab.containsKey(joined)) {
                    vocab.put(joined, vocab.size());
                    merges.add(left + " " + right);
                }
                left = joined;
            }
        }
        vocab.put(ClipTokenizer.START_OF_TEXT, vocab.size());
        vocab.put(ClipTokenizer.END_OF_TEXT, vocab.size());
        return new ClipVocabulary(vocab, merges);
    }

    /** The word's bytes as byte-unicode symbols, the last one marked as the word's end. */
    private static List<String> symbols(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>(bytes.length);
        for (int i = 0; i < bytes.length; i++) out.add(BYTE_TO_CHAR[bytes[i] & 0xFF] + (i == bytes.length - 1 ? WORD_END : ""));
        return out;
    }

    public int size() { return vocab.size(); }

    public int startOfText() { return vocab.get(ClipTokenizer.START_OF_TEXT); }

    public int endOfText() { return vocab.get(ClipTokenizer.END_OF_TEXT); }

    /** Writes {@code vocab.json} and {@code merges.txt} into {@code dir}. */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            ObjectMapper json = new ObjectMapper();
            ObjectNode v = json.createObjectNode();
            vocab.forEach(v::put);
            Files.writeString(dir.resolve("vocab.json"), json.writeValueAsString(v), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", merges) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write CLIP vocabulary to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The tokenizer over this vocabulary (written to {@code dir}, then read back as any checkpoint's would be). */
    public ClipTokenizer tokenizer(Path dir) {
        write(dir);
        try {
            return ClipTokenizer.load(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** GPT-2's table: printable Latin-1 bytes stand for themselves, the rest map in order to U+0100 onwards. */
    private static char[] byteToUnicode() {
        char[] table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char) b : (char) next++;
        }
        return table;
    }
}
