package org.efuf4j.tensor.safetensors;

import java.nio.charset.StandardCharsets;

/**
 * Recognises the files people most often hand over in place of a safetensors file, from their first bytes, so the
 * error says what the file is instead of reporting an absurd header length (a PyTorch zip reads as 5.8e17 bytes).
 */
final class ForeignFormat {
    private ForeignFormat() {}

    /** What {@code head} (the first bytes of a file) looks like, with what to do about it, or null if unrecognised. */
    static String describe(byte[] head) {
        if (startsWith(head, 'P', 'K', 3, 4))
            return "it is a zip archive and looks like a PyTorch checkpoint (torch.save, .bin/.pt); convert it with "
                    + "safetensors.torch.save_file(torch.load(path), \"model.safetensors\") or use the model's .safetensors file";
        if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5)
            return "it is a Python pickle and looks like a PyTorch checkpoint (legacy torch.save, .bin/.pt/.pth); convert it with "
                    + "safetensors.torch.save_file(torch.load(path), \"model.safetensors\") or use the model's .safetensors file";
        if (startsWith(head, 'G', 'G', 'U', 'F'))
            return "it is a GGUF file (llama.cpp); use the model's Hugging Face safetensors weights instead";
        if (startsWith(head, 0x89, 'H', 'D', 'F'))
            return "it is an HDF5 file (Keras/TensorFlow .h5); use the model's safetensors weights instead";
        if (startsWith(head, 0x93, 'N', 'U', 'M', 'P', 'Y'))
            return "it is a NumPy .npy array";
        if (new String(head, StandardCharsets.ISO_8859_1).startsWith("version "))
            return "it is a text file and looks like a Git LFS pointer; fetch the real weights with 'git lfs pull'";
        return null;
    }

    private static boolean startsWith(byte[] head, int... magic) {
        if (head.length < magic.length) return false;
        for (int i = 0; i < magic.length; i++) if ((head[i] & 0xff) != magic[i]) return false;
        return true;
    }
}
