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
            int len = charLength(b, i, to);
            if (len == 0) {
                out.append(REPLACEMENT);
                i++;
            } else {
                out.append(new String(b, i, len, StandardCharsets.UTF_8));
                i += len;
            }
        }
        return out.toString();
    }

    /** Length of the well-formed character at {@code pos} by SentencePiece's rules, 0 when malformed. */
    static int validCharLength(byte[] b, int pos) {
        return charLength(b, pos, b.length);
    }

    private static int charLength(byte[] b, int i, int to) {
        int c0 = b[i] & 0xFF;
        if (c0 < 0x80) {
            return 1;
        }
        if ((c0 & 0xE0) == 0xC0 && to - i >= 2 && trail(b[i + 1])) {
            int v = ((c0 & 0x1F) << 6) | (b[i + 1] & 0x3F);
            return v >= 0x80 ? 2 : 0;
        }
        if ((c0 & 0xF0) == 0xE0 && to - i >= 3 && trail(b[i + 1]) && trail(b[i + 2])) {
            int v = ((c0 & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F);
            return v >= 0x800 && valid(v) ? 3 : 0;
        }
        if ((c0 & 0xF8) == 0xF0 && to - i >= 4 && trail(b[i + 1]) && trail(b[i + 2]) && trail(b[i + 3])) {
            int v = ((c0 & 0x07) << 18) | ((b[i + 1] & 0x3F) << 12) | ((b[i + 2] & 0x3F) << 6) | (b[i + 3] & 0x3F);
            return v >= 0x10000 && valid(v) ? 4 : 0;
        }
        return 0;
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
