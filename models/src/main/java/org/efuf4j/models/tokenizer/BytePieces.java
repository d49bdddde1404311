package org.efuf4j.models.tokenizer;

import java.util.Map;

/** The byte-fallback pieces {@code <0x00>..<0xFF>} of SentencePiece and LLaMA-style BPE vocabularies. */
final class BytePieces {

    private static final String[] NAMES = new String[256];

    static {
        for (int b = 0; b < 256; b++) {
            NAMES[b] = String.format("<0x%02X>", b);
        }
    }

    private BytePieces() {
    }

    static String name(int b) {
        return NAMES[b & 0xFF];
    }

    /** The byte a piece stands for, or -1 when it is not a byte piece. */
    static int parse(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(piece.charAt(3), 16);
        int lo = Character.digit(piece.charAt(4), 16);
        return hi < 0 || lo < 0 || Character.isLowerCase(piece.charAt(3)) || Character.isLowerCase(piece.charAt(4))
                ? -1 : hi * 16 + lo;
    }

    /** Id of every byte piece in a vocabulary, -1 where absent. */
    static int[] ids(Map<String, Integer> vocab) {
        int[] ids = new int[256];
        for (int b = 0; b < 256; b++) {
            ids[b] = vocab.getOrDefault(NAMES[b], -1);
        }
        return ids;
    }
}
