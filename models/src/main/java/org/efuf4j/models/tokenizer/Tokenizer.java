package org.efuf4j.models.tokenizer;

/**
 * Text to token ids and back, as the model that owns the vocabulary expects.
 *
 * <p>Special ids are {@code -1} when the vocabulary has no such token. Implementations are immutable
 * once built and safe to share between threads. Load one with {@link Tokenizers#load}.
 */
public interface Tokenizer {

    /** Encodes with the special tokens the model expects (BOS for LLaMA, start/end of text for CLIP). */
    default int[] encode(String text) {
        return encode(text, true);
    }

    int[] encode(String text, boolean addSpecialTokens);

    /** Decodes, leaving out control tokens such as BOS, EOS and padding. */
    default String decode(int[] ids) {
        return decode(ids, true);
    }

    String decode(int[] ids, boolean skipSpecialTokens);

    /** The id of a token string, or -1 when the vocabulary lacks it. */
    int tokenToId(String token);

    /** The token string of an id; throws {@link IllegalArgumentException} outside {@code [0, vocabSize)}. */
    String idToToken(int id);

    int vocabSize();

    int bosId();

    int eosId();

    int padId();

    int unkId();

    /** Whether the id is a control/special token (BOS, EOS, padding, added special tokens). */
    boolean isSpecial(int id);
}
