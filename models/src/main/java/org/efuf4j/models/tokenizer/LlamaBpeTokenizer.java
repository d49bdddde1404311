package org.efuf4j.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import it.unimi.dsi.fastutil.ints.IntArrayList;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face {@code tokenizer.json} BPE in the LLaMA (SentencePiece) style: spaces become "▁",
 * either through the legacy normaliser ({@code Prepend "▁"} + {@code Replace " " -> "▁"}, applied to
 * every text segment) or through the {@code Metaspace} pre-tokenizer (prepend scheme always / first /
 * never, optional split before each "▁"); characters outside the vocabulary fall back to
 * {@code <0xXX>} byte tokens; decoding turns "▁" back into spaces, byte runs into UTF-8 and drops
 * one leading space.
 */
public final class LlamaBpeTokenizer extends HfBpeTokenizer {

    enum PrependScheme { ALWAYS, FIRST, NEVER }

    private final String legacyPrepend;
    private final boolean legacyReplaceSpace;
    private final String metaspace;
    private final PrependScheme prependScheme;
    private final boolean metaspaceSplit;
    private final boolean stripLeadingSpace;
    private final int[] byteIds;

    LlamaBpeTokenizer(JsonNode root, SpecialTokenNames names, String source) {
        super(BpeVocab.fromJson(root.path("model"), source), AddedTokens.fromJson(root.path("added_tokens"), source),
                root.get("post_processor"), names, source);
        String prepend = null;
        boolean replace = false;
        for (JsonNode n : flatten(root.get("normalizer"), "normalizers")) {
            switch (n.path("type").asText()) {
                case "Prepend" -> prepend = n.path("prepend").asText();
                case "Replace" -> {
                    String pattern = n.path("pattern").path("String").asText(null);
                    if (!" ".equals(pattern) || !SentencePieceTokenizer.SPACE.equals(n.path("content").asText())) {
                        throw unsupported("normalizer Replace " + n);
                    }
                    replace = true;
                }
                default -> throw unsupported("normalizer type '" + n.path("type").asText() + "'");
            }
        }
        legacyPrepend = prepend;
        legacyReplaceSpace = replace;
        String meta = null;
        PrependScheme scheme = PrependScheme.NEVER;
        boolean split = false;
        for (JsonNode n : flatten(root.get("pre_tokenizer"), "pretokenizers")) {
            if (!n.path("type").asText().equals("Metaspace")) {
                throw unsupported("pre_tokenizer type '" + n.path("type").asText() + "'");
            }
            meta = n.path("replacement").asText(SentencePieceTokenizer.SPACE);
            if (n.has("prepend_scheme")) {
                scheme = PrependScheme.valueOf(n.get("prepend_scheme").asText().toUpperCase(java.util.Locale.ROOT));
            } else {
                scheme = n.path("add_prefix_space").asBoolean(true) ? PrependScheme.ALWAYS : PrependScheme.NEVER;
            }
            split = n.path("split").asBoolean(true);
        }
        metaspace = meta;
        prependScheme = scheme;
        metaspaceSplit = split;
        stripLeadingSpace = stripsLeadingSpace(root.get("decoder"));
        byteIds = BytePieces.ids(bpe.vocab);
    }

    private IllegalArgumentException unsupported(String what) {
        return new IllegalArgumentException(source + ": unsupported " + what
                + " for a LLaMA-style BPE (expected Prepend/Replace normaliser or Metaspace pre-tokenizer)");
    }

    private static List<JsonNode> flatten(JsonNode node, String listField) {
        List<JsonNode> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.path("type").asText().equals("Sequence")) {
            for (JsonNode n : node.path(listField)) {
                out.addAll(flatten(n, listField));
            }
        } else {
            out.add(node);
        }
        return out;
    }

    /** A {@code Strip} decoder removing a leading space, or a {@code Metaspace} decoder that prepends. */
    private static boolean stripsLeadingSpace(JsonNode decoder) {
        for (JsonNode d : flatten(decoder, "decoders")) {
            String type = d.path("type").asText();
            if (type.equals("Strip") && d.path("start").asInt(0) > 0) {
                return true;
            }
            if (type.equals("Metaspace")) {
                return d.has("prepend_scheme") ? !d.get("prepend_scheme").asText().equals("never")
                        : d.path("add_prefix_space").asBoolean(true);
            }
        }
        return false;
    }

    @Override
    void encodeText(String text, boolean atStart, IntArrayList out) {
        String s = text;
        if (legacyPrepend != null && !s.isEmpty()) {
            s = legacyPrepend + s;
        }
        if (legacyReplaceSpace) {
            s = s.replace(" ", SentencePieceTokenizer.SPACE);
        }
        if (metaspace == null) {
            encodeWord(s, out);
            return;
        }
        s = s.replace(" ", metaspace);
        boolean prepend = prependScheme == PrependScheme.ALWAYS || (prependScheme == PrependScheme.FIRST && atStart);
        if (prepend && !s.startsWith(metaspace)) {
            s = metaspace + s;
        }
        if (!metaspaceSplit) {
            encodeWord(s, out);
            return;
        }
        int start = 0;
        for (int i = s.indexOf(metaspace, 1); i > 0; i = s.indexOf(metaspace, i + 1)) {
            encodeWord(s.substring(start, i), out);
            start = i;
        }
        encodeWord(s.substring(start), out);
    }

    private void encodeWord(String word, IntArrayList out) {
        if (word.isEmpty()) {
            return;
        }
        if (bpe.ignoreMerges && bpe.vocab.containsKey(word)) {
            out.add(bpe.vocab.get(word));
            return;
        }
        List<String> symbols = new ArrayList<>();
        List<Boolean> frozen = new ArrayList<>();
        boolean prevUnk = false;
        for (int i = 0; i < word.length(); ) {
            int len = Character.charCount(word.codePointAt(i));
            String c = word.substring(i, i + len);
            i += len;
            if (bpe.vocab.containsKey(c)) {
                symbols.add(c);
                frozen.add(false);
                prevUnk = false;
                continue;
            }
            byte[] utf8 = c.getBytes(StandardCharsets.UTF_8);
            if (bpe.byteFallback && allBytesKnown(utf8)) {
                for (byte b : utf8) {
                    symbols.add(BytePieces.name(b));
                    frozen.add(true);
                }
                prevUnk = false;
                continue;
            }
            if (bpe.unkToken == null) {
                throw new IllegalArgumentException(source + ": character '" + c + "' (U+"
                        + Integer.toHexString(word.codePointAt(i - len)).toUpperCase(java.util.Locale.ROOT)
                        + ") is not in the vocabulary and the model has neither byte fallback nor unk_token");
            }
            if (!(bpe.fuseUnk && prevUnk)) {
                symbols.add(bpe.unkToken);
                frozen.add(true);
            }
            prevUnk = true;
        }
        boolean[] frozenArray = new boolean[frozen.size()];
        for (int k = 0; k < frozenArray.length; k++) {
            frozenArray[k] = frozen.get(k);
        }
        appendIds(bpe.merge(symbols, frozenArray), out);
    }

    private boolean allBytesKnown(byte[] utf8) {
        for (byte b : utf8) {
            if (byteIds[b & 0xFF] < 0) {
                return false;
            }
        }
        return true;
    }

    /** Replace "▁" with " ", byte runs as UTF-8 (every byte of an invalid run as U+FFFD), strip one leading space. */
    @Override
    String decodeTokens(List<String> tokens, List<Boolean> isAdded) {
        StringBuilder out = new StringBuilder();
        Utf8.Bytes run = new Utf8.Bytes();
        int runTokens = 0;
        String space = metaspace != null ? metaspace : SentencePieceTokenizer.SPACE;
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            int b = isAdded.get(i) ? -1 : BytePieces.parse(t);
            if (b >= 0) {
                run.write(b);
                runTokens++;
                continue;
            }
            runTokens = flushBytes(run, runTokens, out);
            out.append(t.replace(space, " "));
        }
        flushBytes(run, runTokens, out);
        if (stripLeadingSpace && !out.isEmpty() && out.charAt(0) == ' ') {
            out.deleteCharAt(0);
        }
        return out.toString();
    }

    private static int flushBytes(Utf8.Bytes run, int runTokens, StringBuilder out) {
        if (runTokens > 0) {
            String s = Utf8.decodeStrict(run.array(), 0, run.length());
            out.append(s != null ? s : String.valueOf(Utf8.REPLACEMENT).repeat(runTokens));
            run.reset();
        }
        return 0;
    }
}
