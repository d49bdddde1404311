package org.efuf4j.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BPE vocabulary with ranked merges, as in the {@code model} object of a Hugging Face
 * {@code tokenizer.json} ({@code "type": "BPE"}) or a {@code vocab.json} + {@code merges.txt} pair.
 */
final class BpeVocab {

    record Pair(String left, String right) {
    }

    final Map<String, Integer> vocab;
    final Map<Pair, Integer> ranks;
    final String unkToken;
    final boolean byteFallback;
    final boolean fuseUnk;
    final boolean ignoreMerges;
    final String endOfWordSuffix;

    BpeVocab(Map<String, Integer> vocab, List<Pair> merges, String unkToken, boolean byteFallback, boolean fuseUnk,
             boolean ignoreMerges, String endOfWordSuffix, String source) {
        this.vocab = vocab;
        this.ranks = new HashMap<>(merges.size() * 2);
        for (int rank = 0; rank < merges.size(); rank++) {
            Pair p = merges.get(rank);
            if (!vocab.containsKey(p.left + p.right)) {
                throw new IllegalArgumentException(source + ": merge " + rank + " '" + p.left + " " + p.right
                        + "' forms '" + p.left + p.right + "', which is not in the vocabulary");
            }
            ranks.putIfAbsent(p, rank);
        }
        this.unkToken = unkToken;
        if (unkToken != null && !vocab.containsKey(unkToken)) {
            throw new IllegalArgumentException(source + ": unk_token '" + unkToken + "' is not in the vocabulary");
        }
        this.byteFallback = byteFallback;
        this.fuseUnk = fuseUnk;
        this.ignoreMerges = ignoreMerges;
        this.endOfWordSuffix = endOfWordSuffix;
    }

    /** Reads the {@code model} object of a tokenizer.json. */
    static BpeVocab fromJson(JsonNode model, String source) {
        String type = model.path("type").asText("BPE");
        if (!type.equals("BPE")) {
            throw new IllegalArgumentException(source + ": model.type is '" + type + "', only BPE is supported");
        }
        JsonNode vocabNode = model.get("vocab");
        if (vocabNode == null || !vocabNode.isObject()) {
            throw new IllegalArgumentException(source + ": model.vocab is missing or not an object");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            vocab.put(e.getKey(), tokenId(e.getValue(), source + ": model.vocab entry \"" + e.getKey() + "\""));
        }
        List<Pair> merges = new ArrayList<>();
        JsonNode mergesNode = model.path("merges");
        for (int i = 0; i < mergesNode.size(); i++) {
            merges.add(parseMerge(mergesNode.get(i), source + ": model.merges[" + i + "]"));
        }
        return new BpeVocab(vocab, merges, text(model, "unk_token"), model.path("byte_fallback").asBoolean(false),
                model.path("fuse_unk").asBoolean(false), model.path("ignore_merges").asBoolean(false),
                text(model, "end_of_word_suffix"), source);
    }

    /** A vocabulary id: a non-negative integer (Jackson's asInt would read "zero" as 0). */
    static int tokenId(JsonNode id, String where) {
        if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0)
            throw new IllegalArgumentException(where + " must map to a non-negative integer id, got " + id);
        return id.intValue();
    }

    /** A merge as {@code "a b"} or as {@code ["a", "b"]}. */
    static Pair parseMerge(JsonNode merge, String where) {
        if (merge.isArray() && merge.size() == 2) {
            return new Pair(merge.get(0).asText(), merge.get(1).asText());
        }
        if (merge.isTextual()) {
            return parseMergeLine(merge.asText(), where);
        }
        throw new IllegalArgumentException(where + ": expected \"a b\" or [a, b], got " + merge);
    }

    static Pair parseMergeLine(String line, String where) {
        int space = line.indexOf(' ');
        if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
            throw new IllegalArgumentException(where + ": expected two symbols separated by one space, got '" + line + "'");
        }
        return new Pair(line.substring(0, space), line.substring(space + 1));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    int id(String token) {
        return vocab.getOrDefault(token, -1);
    }

    /** Merges the symbols by rank; frozen symbols (byte-fallback pieces, unknowns) stay as they are. */
    List<String> merge(List<String> symbols, boolean[] frozen) {
        return SymbolMerger.merge(symbols, frozen, (l, r) -> {
            Integer rank = ranks.get(new Pair(l, r));
            return rank == null ? Double.NaN : rank;
        });
    }
}
