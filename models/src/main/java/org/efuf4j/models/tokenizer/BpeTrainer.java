package org.efuf4j.models.tokenizer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Learns a LLaMA-style BPE vocabulary from text: spaces become "▁", each word starts at a "▁" (merges
 * never cross words), and the most frequent adjacent pair is merged until the vocabulary is full.
 * The result is a {@code tokenizer.json} that {@link LlamaBpeTokenizer} (and Hugging Face) loads:
 * {@code <unk>} 0, {@code <s>} 1, {@code </s>} 2, byte-fallback pieces {@code <0x00>..<0xFF>}, the
 * characters of the corpus by frequency, then the merged pieces in merge order.
 */
public final class BpeTrainer {

    /**
     * @param vocabSize    the target size, special and byte pieces included
     * @param minFrequency pairs seen fewer times are never merged
     * @param byteFallback whether unseen characters are written as byte pieces (else {@code <unk>})
     */
    public record Options(int vocabSize, int minFrequency, boolean byteFallback, LlamaTokenizerJson.Style style) {
        public Options {
            if (minFrequency < 1) {
                throw new IllegalArgumentException("minFrequency must be at least 1, got " + minFrequency);
            }
        }

        public static Options of(int vocabSize) {
            return new Options(vocabSize, 2, true, LlamaTokenizerJson.Style.LEGACY);
        }
    }

    /** The learned vocabulary (in id order) and merges (in rank order). */
    public record Result(List<String> tokens, List<BpeVocab.Pair> merges, Options options) {

        public ObjectNode toTokenizerJson() {
            return LlamaTokenizerJson.build(tokens, merges, List.of(0, 1, 2), List.of(), UNK, BOS, options.byteFallback(),
                    options.style());
        }

        /** Writes {@code tokenizer.json} into the directory, which {@link Tokenizers#load} then reads. */
        public void save(Path dir) throws IOException {
            Files.createDirectories(dir);
            LlamaTokenizerJson.write(toTokenizerJson(), dir.resolve(Tokenizers.TOKENIZER_JSON));
        }

        public Tokenizer tokenizer() {
            return Tokenizers.fromTokenizerJson(toTokenizerJson(), "trained BPE");
        }
    }

    static final String UNK = "<unk>";
    static final String BOS = "<s>";
    static final String EOS = "</s>";

    private final List<String> symbols = new ArrayList<>();
    private final Map<String, Integer> symbolIds = new HashMap<>();

    private BpeTrainer() {
    }

    public static Result train(Iterable<String> lines, Options options) {
        return new BpeTrainer().run(lines, options);
    }

    private int symbol(String s) {
        Integer id = symbolIds.get(s);
        if (id == null) {
            id = symbols.size();
            symbols.add(s);
            symbolIds.put(s, id);
        }
        return id;
    }

    private Result run(Iterable<String> lines, Options options) {
        String space = SentencePieceTokenizer.SPACE;
        Map<String, Integer> wordFreq = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            String s = space + line.replace(" ", space);
            int start = 0;
            for (int i = s.indexOf(space, 1); i > 0; i = s.indexOf(space, i + 1)) {
                wordFreq.merge(s.substring(start, i), 1, Integer::sum);
                start = i;
            }
            wordFreq.merge(s.substring(start), 1, Integer::sum);
        }
        symbol(UNK);
        symbol(BOS);
        symbol(EOS);
        if (options.byteFallback()) {
            for (int b = 0; b < 256; b++) {
                symbol(BytePieces.name(b));
            }
        }
        Map<String, Integer> charFreq = new HashMap<>();
        charFreq.put(space, 0);
        wordFreq.forEach((w, f) -> w.codePoints().forEach(cp -> charFreq.merge(Character.toString(cp), f, Integer::sum)));
        List<Map.Entry<String, Integer>> chars = new ArrayList<>(charFreq.entrySet());
        chars.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
                : Integer.compare(b.getValue(), a.getValue()));
        for (Map.Entry<String, Integer> e : chars) {
            symbol(e.getKey());
        }
        if (symbols.size() > options.vocabSize()) {
            throw new IllegalArgumentException("vocabSize " + options.vocabSize() + " is smaller than the "
                    + symbols.size() + " special, byte and character pieces the corpus needs");
        }

        List<int[]> words = new ArrayList<>();
        IntArrayList freqs = new IntArrayList();
        wordFreq.forEach((w, f) -> {
            int[] ids = w.codePoints().map(cp -> symbolIds.get(Character.toString(cp))).toArray();
            words.add(ids);
            freqs.add(f.intValue());
        });

        Long2IntOpenHashMap counts = new Long2IntOpenHashMap();
        Long2ObjectOpenHashMap<IntOpenHashSet> where = new Long2ObjectOpenHashMap<>();
        for (int w = 0; w < words.size(); w++) {
            addPairs(words.get(w), w, freqs.getInt(w), counts, where);
        }
        // Most frequent first; ties go to the pair of older symbols, so training is deterministic.
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(b[0], a[0])
                : Long.compare(a[1], b[1]));
        counts.long2IntEntrySet().fastForEach(e -> queue.add(new long[]{e.getIntValue(), e.getLongKey()}));

        List<BpeVocab.Pair> merges = new ArrayList<>();
        while (symbols.size() < options.vocabSize() && !queue.isEmpty()) {
            long[] top = queue.poll();
            long pair = top[1];
            int count = counts.get(pair);
            if (count != top[0]) {
                continue;
            }
            if (count < options.minFrequency()) {
                break;
            }
            int left = (int) (pair >>> 32);
            int right = (int) pair;
            String merged = symbols.get(left) + symbols.get(right);
            // The same string may already exist, formed from another pair: then only the merge is new.
            int mergedId = symbol(merged);
            merges.add(new BpeVocab.Pair(symbols.get(left), symbols.get(right)));
            Long2IntOpenHashMap touched = new Long2IntOpenHashMap();
            for (int w : where.get(pair).toIntArray()) {
                int[] word = words.get(w);
                int f = freqs.getInt(w);
                removePairs(word, w, f, counts, where, touched);
                int[] replaced = apply(word, left, right, mergedId);
                words.set(w, replaced);
                addPairs(replaced, w, f, counts, where);
                for (int i = 1; i < replaced.length; i++) {
                    touched.putIfAbsent(key(replaced[i - 1], replaced[i]), -1);
                }
            }
            touched.keySet().forEach(p -> {
                int c = counts.get(p);
                if (c > 0) {
                    queue.add(new long[]{c, p});
                }
            });
        }
        return new Result(List.copyOf(symbols), List.copyOf(merges), options);
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static void addPairs(int[] word, int w, int f, Long2IntOpenHashMap counts,
                                 Long2ObjectOpenHashMap<IntOpenHashSet> where) {
        for (int i = 1; i < word.length; i++) {
            long k = key(word[i - 1], word[i]);
            counts.addTo(k, f);
            where.computeIfAbsent(k, x -> new IntOpenHashSet()).add(w);
        }
    }

    private static void removePairs(int[] word, int w, int f, Long2IntOpenHashMap counts,
                                    Long2ObjectOpenHashMap<IntOpenHashSet> where, Long2IntOpenHashMap touched) {
        for (int i = 1; i < word.length; i++) {
            long k = key(word[i - 1], word[i]);
            if (counts.addTo(k, -f) - f <= 0) {
                counts.remove(k);
            }
            IntOpenHashSet set = where.get(k);
            if (set != null) {
                set.remove(w);
            }
            touched.putIfAbsent(k, -1);
        }
    }

    /** Replaces every (left, right) occurrence, left to right and without overlap. */
    private static int[] apply(int[] word, int left, int right, int merged) {
        IntArrayList out = new IntArrayList(word.length);
        for (int i = 0; i < word.length; i++) {
            if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
                out.add(merged);
                i++;
            } else {
                out.add(word[i]);
            }
        }
        return out.toIntArray();
    }
}
