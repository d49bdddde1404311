package org.efuf4j.models.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's reversible byte-to-unicode table (also CLIP's): bytes {@code !..~}, {@code ¡..¬},
 * {@code ®..ÿ} map to themselves, the other 68 bytes map in increasing order to U+0100, U+0101, ...
 */
final class ByteUnicode {

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteUnicode() {
    }

    /** The characters standing for the bytes, in the order {@code 0..255}. */
    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a character stands for, or -1 when it is not in the table. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /** Appends the bytes a mapped string stands for; characters outside the table go in as their UTF-8. */
    static void decodeInto(String mapped, ByteArrayOutputStream out) {
        for (int i = 0; i < mapped.length(); i++) {
            int b = byteOf(mapped.charAt(i));
            if (b >= 0) {
                out.write(b);
            } else {
                out.writeBytes(String.valueOf(mapped.charAt(i)).getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}
