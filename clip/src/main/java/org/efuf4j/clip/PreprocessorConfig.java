package org.efuf4j.clip;

import org.efuf4j.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.efuf4j.models.image.ClipImageProcessor;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.models.image.ImagePreprocessors;

/** Writes {@code preprocessor_config.json} for a {@link ClipImageProcessor}, as transformers' {@code CLIPImageProcessor} saves it. */
public final class PreprocessorConfig {
    private PreprocessorConfig() {}

    public static void write(ImagePreprocessor preprocessor, Path dir) throws IOException {
        if (!(preprocessor instanceof ClipImageProcessor p) || p.padToSquare())
            throw new IllegalArgumentException("only CLIPImageProcessor settings without padding can be saved, got " + preprocessor);
        ObjectMapper json = new ObjectMapper();
        ObjectNode n = json.createObjectNode();
        n.put("image_processor_type", "CLIPImageProcessor");
        n.put("do_resize", true);
        n.putObject("size").put("shortest_edge", p.shortestEdge());
        n.put("resample", 3);
        n.put("do_center_crop", true);
        n.putObject("crop_size").put("height", p.cropSize()).put("width", p.cropSize());
        n.put("do_rescale", true);
        n.put("rescale_factor", 1.0 / 255);
        n.put("do_normalize", true);
        n.put("do_convert_rgb", true);
        var mean = n.putArray("image_mean");
        for (double m : p.normalization().mean()) mean.add(m);
        var std = n.putArray("image_std");
        for (double s : p.normalization().std()) std.add(s);
        AtomicFiles.writeString(dir.resolve(ImagePreprocessors.FILE_NAME), json.writerWithDefaultPrettyPrinter().writeValueAsString(n));
    }
}
