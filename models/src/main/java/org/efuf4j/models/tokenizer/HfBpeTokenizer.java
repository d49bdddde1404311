package org.efuf4j.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import it.unimi.dsi.fastutil.ints.IntArrayList;

import java.util.ArrayList;
import java.util.List;

/**
 * What every Hugging Face {@code tokenizer.json} BPE tokenizer shares: the vocabulary, added tokens
 * split off first, the post-processor's special tokens around the sequence, and the choice of the
 * BOS/EOS/PAD/UNK ids. Subclasses turn a stretch of plain text into tokens and tokens back into text.
 */
abstract sealed class HfBpeTokenizer implements Tokenizer permits LlamaBpeTokenizer, ByteLevelBpeTokenizer {

    protected final BpeVocab bpe;
    protected final AddedTokens added;
    protected final String source;
    private final String[] tokens;
    private final int[] prefix;
    private final int[] suffix;
    private final int bos, eos, pad, unk;

    HfBpeTokenizer(BpeVocab bpe, AddedTokens added, JsonNode postProcessor, SpecialTokenNames names, String source) {
        this.bpe = bpe;
        this.added = added;
        this.source = source;
        int size = added.maxId() + 1;
        for (int id : bpe.vocab.values()) {
            size = Math.max(size, id + 1);
        }
        tokens = new String[size];
        bpe.vocab.forEach((t, id) -> {
            if (id < 0) {
                throw new IllegalArgumentException(source + ": token '" + t + "' has negative id " + id);
            }
            tokens[id] = t;
        });
        for (AddedTokens.Token t : added.all()) {
            tokens[t.id()] = t.content();
        }
        IntArrayList pre = new IntArrayList();
        IntArrayList post = new IntArrayList();
        readPostProcessor(postProcessor, pre, post);
        prefix = pre.toIntArray();
        suffix = post.toIntArray();
        bos = special(names.bos(), prefix.length > 0 ? tokens[prefix[0]] : null, "<s>", "<|startoftext|>");
        eos = special(names.eos(), suffix.length > 0 ? tokens[suffix[suffix.length - 1]] : null, "</s>", "<|endoftext|>");
        pad = special(names.pad(), null, "<pad>", "<|pad|>");
        unk = special(names.unk(), bpe.unkToken, "<unk>", null);
    }

    private int special(String configured, String fromTemplate, String usual, String alternative) {
        if (configured != null) {
            int id = tokenToId(configured);
            if (id < 0) {
                throw new IllegalArgumentException(source + ": special token '" + configured + "' is not in the vocabulary");
            }
            return id;
        }
        for (String candidate : new String[]{fromTemplate, usual, alternative}) {
            if (candidate != null && tokenToId(candidate) >= 0) {
                return tokenToId(candidate);
            }
        }
        return -1;
    }

    /** TemplateProcessing ({@code single}), RobertaProcessing/BertProcessing (cls, sep), or a Sequence of them. */
    private void readPostProcessor(JsonNode pp, IntArrayList pre, IntArrayList post) {
        if (pp == null || pp.isNull()) {
            return;
        }
        switch (pp.path("type").asText()) {
            case "Sequence" -> {
                for (JsonNode p : pp.path("processors")) {
                    readPostProcessor(p, pre, post);
                }
            }
            case "TemplateProcessing" -> {
                boolean afterSequence = false;
                for (JsonNode item : pp.path("single")) {
                    if (item.has("Sequence")) {
                        afterSequence = true;
                    } else if (item.has("SpecialToken")) {
                        String name = item.get("SpecialToken").path("id").asText();
                        JsonNode ids = pp.path("special_tokens").path(name).path("ids");
                        if (ids.isMissingNode() || ids.isEmpty()) {
                            throw new IllegalArgumentException(source + ": post_processor template names '" + name
                                    + "' but special_tokens has no ids for it");
                        }
                        for (JsonNode id : ids) {
                            (afterSequence ? post : pre).add(id.asInt());
                        }
                    }
                }
            }
            case "RobertaProcessing", "BertProcessing" -> {
                pre.add(pp.path("cls").path(1).asInt());
                post.add(pp.path("sep").path(1).asInt());
            }
            default -> {
                // ByteLevel post-processing only adjusts offsets; ids are unchanged.
            }
        }
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        IntArrayList ids = new IntArrayList();
        if (addSpecialTokens) {
            ids.addElements(0, prefix);
        }
        for (AddedTokens.Segment s : added.split(text)) {
            if (s.token() != null) {
                ids.add(s.token().id());
            } else {
                encodeText(s.text(), s.offset() == 0, ids);
            }
        }
        if (addSpecialTokens) {
            ids.addElements(ids.size(), suffix);
        }
        return ids.toIntArray();
    }

    /** Tokenizes text that holds no added token; {@code atStart} when it begins the original input. */
    abstract void encodeText(String text, boolean atStart, IntArrayList out);

    /** Ids of the symbols after merging, with the model's unknown/byte-fallback rules applied beforehand. */
    void appendIds(List<String> merged, IntArrayList out) {
        for (String symbol : merged) {
            int id = bpe.id(symbol);
            if (id < 0) {
                throw new IllegalStateException(source + ": symbol '" + symbol + "' has no id");
            }
            out.add(id);
        }
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> kept = new ArrayList<>(ids.length);
        List<Boolean> isAdded = new ArrayList<>(ids.length);
        for (int id : ids) {
            String token = idToToken(id);
            if (skipSpecialTokens && isSpecial(id)) {
                continue;
            }
            kept.add(token);
            isAdded.add(added.byId(id) != null);
        }
        return decodeTokens(kept, isAdded);
    }

    abstract String decodeTokens(List<String> tokens, List<Boolean> isAdded);

    @Override
    public int tokenToId(String token) {
        AddedTokens.Token t = added.byContent(token);
        return t != null ? t.id() : bpe.id(token);
    }

    @Override
    public String idToToken(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            throw new IllegalArgumentException(source + ": token id " + id + " is not in the vocabulary (size "
                    + tokens.length + ")");
        }
        return tokens[id];
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public int bosId() {
        return bos;
    }

    @Override
    public int eosId() {
        return eos;
    }

    @Override
    public int padId() {
        return pad;
    }

    @Override
    public int unkId() {
        return unk;
    }

    @Override
    public boolean isSpecial(int id) {
        AddedTokens.Token t = added.byId(id);
        return t != null ? t.special() : id == bos || id == eos || id == pad;
    }
}
