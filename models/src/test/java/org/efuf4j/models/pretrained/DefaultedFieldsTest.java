package org.efuf4j.models.pretrained;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config that leaves out a size the weights depend on takes transformers' default (LLaMA-7B's 4096 for
 * {@code hidden_size}), as transformers does; when the weights then do not fit, the error names the config file and the
 * absent field instead of leaving the user to guess why a 64-wide checkpoint "needs" 4096 columns.
 */
class DefaultedFieldsTest {
    @TempDir Path tmp;

    @Test
    void aMissingTextHiddenSizeIsNamedWhenTheWeightsDisagree() throws IOException {
        Path ref = HfReferenceBundlesTest.bundle("llava");
        Path dir = tmp.resolve("llava");
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(ref.resolve("config.json").toFile());
        ((ObjectNode) config.get("text_config")).remove("hidden_size");
        Files.writeString(dir.resolve("config.json"), config.toString());
        Files.createSymbolicLink(dir.resolve("model.safetensors"), ref.resolve("model.safetensors").toAbsolutePath());
        RuntimeException e = assertThrows(RuntimeException.class, () -> PretrainedModels.load(dir));
        String msg = e.getMessage();
        assertTrue(msg.contains(dir.resolve("config.json").toString()), "names the file: " + msg);
        assertTrue(msg.contains("text_config.hidden_size"), "names the field: " + msg);
        assertTrue(msg.contains("4096"), "says which default was taken: " + msg);
    }
}
