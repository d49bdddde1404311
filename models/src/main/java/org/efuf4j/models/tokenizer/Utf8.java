package org.efuf4j.models.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 helpers with SentencePiece's rules for malformed bytes. */
final class Utf8 {

    static final char REPLACEMENT = '\uFFFD';

    private Utf8() {
    }

    /**
     * Decodes like SentencePiece's {@code DecodeUTF8}: each well-formed character (no overlong forms,
     * no surrogates, at most U+10FFFF) is kept; every other byte becomes one U+FFFD.
     */
    static String decodeLenient(byte[] b, int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            int c0 = b[i] & 0xFF;
            int cp = -1;
            int len = 1;
            if (c0 < 0x80) {
                cp = c0;
            } else if ((c0 & 0xE0) == 0xC0 && to - i >= 2 && trail(b[i + 1])) {
                int v = ((c0 & 0x1F) << 6) | (b[i + 1] & 0x3F);
                if (v >= 0x80) {
                    cp = v;
                    len = 2;
                }
            } else if ((c0 & 0xF0) == 0xE0 && to - i >= 3 && trail(b[i + 1]) && trail(b[i + 2])) {
                int v = ((c0 & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F);
                if (v >= 0x800 && valid(v)) {
                    cp = v;
                    len = 3;
                }
            } else if ((c0 & 0xF8) == 0xF0 && to - i >= 4 && trail(b[i + 1]) && trail(b[i + 2]) && trail(b[i + 3])) {
                int v = ((c0 & 0x07) << 18) | ((b[i + 1] & 0x3F) << 12) | ((b[i + 2] & 0x3F) << 6) | (b[i + 3] & 0x3F);
                if (v >= 0x10000 && valid(v)) {
                    cp = v;
                    len = 4;
                }
            }
            if (cp < 0) {
                out.append(REPLACEMENT);
            } else {
                out.appendCodePoint(cp);
            }
            i += len;
        }
        return out.toString();
    }

    /** Decodes strictly; returns null when the bytes are not well-formed UTF-8. */
    static String decodeStrict(byte[] b, int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean trail(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static boolean valid(int cp) {
        return cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF);
    }

    /** A growable byte buffer for runs of byte tokens. */
    static final class Bytes extends ByteArrayOutputStream {
        byte[] array() {
            return buf;
        }

        int length() {
            return count;
        }
    }
}
