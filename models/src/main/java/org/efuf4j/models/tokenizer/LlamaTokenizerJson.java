package org.efuf4j.models.tokenizer;

import org.efuf4j.tensor.io.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.models.tokenizer.SentencePieceModel.Piece;
import org.efuf4j.models.tokenizer.SentencePieceModel.PieceType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes LLaMA-style {@code tokenizer.json} files: from a SentencePiece BPE model (the merges are
 * recovered the way Hugging Face's converter does it) or from a vocabulary and merges learned by
 * {@link BpeTrainer}.
 */
public final class LlamaTokenizerJson {

    /** How spaces become "▁": the legacy normaliser or the newer Metaspace pre-tokenizer (prepend first). */
    public enum Style { LEGACY, METASPACE }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LlamaTokenizerJson() {
    }

    /**
     * The tokenizer.json equivalent of a SentencePiece BPE model. Every piece that splits into two
     * vocabulary pieces yields a merge; merges are ordered by the score of the piece they form (highest
     * first), then by the ids of their halves, as Hugging Face's {@code SentencePieceExtractor} does.
     */
    public static ObjectNode fromSentencePiece(SentencePieceModel model, Style style) {
        List<String> tokens = new ArrayList<>();
        Map<String, Integer> vocab = new HashMap<>();
        List<Integer> special = new ArrayList<>();
        List<Integer> userDefined = new ArrayList<>();
        for (int i = 0; i < model.pieces().size(); i++) {
            Piece p = model.pieces().get(i);
            tokens.add(p.piece());
            vocab.put(p.piece(), i);
            if (p.type() == PieceType.CONTROL || p.type() == PieceType.UNKNOWN) {
                special.add(i);
            }
            if (p.type() == PieceType.USER_DEFINED) {
                userDefined.add(i);
            }
        }
        record Merge(String left, String right, float score, int leftId, int rightId) {
        }
        List<Merge> merges = new ArrayList<>();
        for (int id = 0; id < model.pieces().size(); id++) {
            Piece p = model.pieces().get(id);
            String piece = p.piece();
            List<Merge> local = new ArrayList<>();
            for (int cut = 1; cut < piece.length(); cut++) {
                if (Character.isLowSurrogate(piece.charAt(cut))) {
                    continue;
                }
                Integer l = vocab.get(piece.substring(0, cut));
                Integer r = vocab.get(piece.substring(cut));
                if (l != null && r != null) {
                    local.add(new Merge(piece.substring(0, cut), piece.substring(cut), p.score(), l, r));
                }
            }
            local.sort(Comparator.comparingInt(Merge::leftId).thenComparingInt(Merge::rightId));
            merges.addAll(local);
        }
        merges.sort((a, b) -> Float.compare(b.score(), a.score()));
        List<BpeVocab.Pair> pairs = new ArrayList<>();
        for (Merge m : merges) {
            pairs.add(new BpeVocab.Pair(m.left(), m.right()));
        }
        int unk = model.trainer().unkId();
        int bos = model.trainer().bosId();
        return build(tokens, pairs, special, userDefined, unk >= 0 ? tokens.get(unk) : null, bos >= 0 ? tokens.get(bos) : null,
                model.trainer().byteFallback(), style);
    }

    /**
     * A LLaMA-style BPE tokenizer.json.
     *
     * @param tokens  the vocabulary in id order
     * @param special     ids written as special added tokens (unk, bos, eos, ...)
     * @param userDefined ids written as ordinary added tokens (matched literally, kept in decoded text)
     * @param bos         the token the post-processor puts first, or null for none
     */
    static ObjectNode build(List<String> tokens, List<BpeVocab.Pair> merges, List<Integer> special,
                            List<Integer> userDefined, String unk, String bos, boolean byteFallback, Style style) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (List<Integer> ids : List.of(special, userDefined)) {
            for (int id : ids) {
                ObjectNode t = added.addObject();
                t.put("id", id);
                t.put("content", tokens.get(id));
                t.put("single_word", false);
                t.put("lstrip", false);
                t.put("rstrip", false);
                t.put("normalized", false);
                t.put("special", ids == special);
            }
        }
        String space = SentencePieceTokenizer.SPACE;
        if (style == Style.LEGACY) {
            ObjectNode n = root.putObject("normalizer");
            n.put("type", "Sequence");
            ArrayNode list = n.putArray("normalizers");
            list.addObject().put("type", "Prepend").put("prepend", space);
            ObjectNode replace = list.addObject().put("type", "Replace");
            replace.putObject("pattern").put("String", " ");
            replace.put("content", space);
            root.putNull("pre_tokenizer");
        } else {
            root.putNull("normalizer");
            root.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", space)
                    .put("prepend_scheme", "first").put("split", false);
        }
        if (bos != null) {
            ObjectNode pp = root.putObject("post_processor").put("type", "TemplateProcessing");
            ArrayNode single = pp.putArray("single");
            single.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
            single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
            ArrayNode pair = pp.putArray("pair");
            pair.add(single.get(0).deepCopy()).add(single.get(1).deepCopy());
            pair.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 1);
            pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
            ObjectNode st = pp.putObject("special_tokens").putObject(bos);
            st.put("id", bos);
            st.putArray("ids").add(tokens.indexOf(bos));
            st.putArray("tokens").add(bos);
        } else {
            root.putNull("post_processor");
        }
        ObjectNode decoder = root.putObject("decoder").put("type", "Sequence");
        ArrayNode decoders = decoder.putArray("decoders");
        ObjectNode replace = decoders.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", space);
        replace.put("content", " ");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        if (unk != null) {
            model.put("unk_token", unk);
        } else {
            model.putNull("unk_token");
        }
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true);
        model.put("byte_fallback", byteFallback);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < tokens.size(); i++) {
            vocab.put(tokens.get(i), i);
        }
        ArrayNode mergeArray = model.putArray("merges");
        for (BpeVocab.Pair p : merges) {
            mergeArray.addArray().add(p.left()).add(p.right());
        }
        return root;
    }

    public static void write(ObjectNode tokenizerJson, Path file) throws IOException {
        AtomicFiles.write(file, out -> JSON.writeValue(out, tokenizerJson));
    }
}
