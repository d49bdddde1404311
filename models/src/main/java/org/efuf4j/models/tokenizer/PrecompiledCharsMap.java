package org.efuf4j.models.tokenizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * SentencePiece's {@code precompiled_charsmap} (e.g. the {@code nmt_nfkc} rule): a little-endian
 * {@code uint32} trie size, a darts-clone double-array trie over UTF-8 byte sequences, then the
 * NUL-terminated replacement strings the trie's values point into.
 */
final class PrecompiledCharsMap {

    private final int[] units;
    private final byte[] normalized;

    PrecompiledCharsMap(byte[] blob, String source) {
        if (blob.length < 4) {
            throw new IllegalArgumentException(source + ": precompiled_charsmap has " + blob.length
                    + " bytes, fewer than its 4-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        int trieSize = b.getInt();
        if (trieSize < 4 || trieSize % 4 != 0 || trieSize > blob.length - 4) {
            throw new IllegalArgumentException(source + ": precompiled_charsmap trie size " + trieSize
                    + " does not fit the " + blob.length + "-byte blob");
        }
        units = new int[trieSize / 4];
        for (int i = 0; i < units.length; i++) {
            units[i] = b.getInt();
        }
        normalized = new byte[blob.length - 4 - trieSize];
        b.get(normalized);
    }

    /**
     * The longest rule matching the bytes at {@code pos}: {@code {matchedLength, replacementOffset}},
     * or null when none matches (darts-clone's commonPrefixSearch, keeping the last hit).
     */
    int[] longestMatch(byte[] key, int pos) {
        int node = 0;
        int unit = units[0];
        node ^= offset(unit);
        int[] best = null;
        for (int i = pos; i < key.length; i++) {
            int label = key[i] & 0xFF;
            if (label == 0) {
                break;
            }
            node ^= label;
            if (node < 0 || node >= units.length) {
                break;
            }
            unit = units[node];
            if ((unit & ((1 << 31) | 0xFF)) != label) {
                break;
            }
            node ^= offset(unit);
            if (((unit >>> 8) & 1) == 1 && node >= 0 && node < units.length) {
                best = new int[]{i + 1 - pos, units[node] & 0x7FFFFFFF};
            }
        }
        return best;
    }

    /** The NUL-terminated replacement starting at {@code offset}. */
    byte[] replacement(int offset) {
        int end = offset;
        while (end < normalized.length && normalized[end] != 0) {
            end++;
        }
        return java.util.Arrays.copyOfRange(normalized, offset, end);
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }
}
