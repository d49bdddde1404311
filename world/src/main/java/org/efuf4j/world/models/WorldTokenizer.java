package org.efuf4j.world.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.efuf4j.models.tokenizer.BpeTrainer;
import org.efuf4j.models.tokenizer.LlamaTokenizerJson;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.models.tokenizer.Tokenizers;
import org.efuf4j.world.QaPair;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldCaption;
import org.efuf4j.world.WorldImage;

/**
 * A LLaMA-style BPE vocabulary learned from the world's training text (captions, questions, answers and the chat
 * template), saved as {@code tokenizer.json}. The captioner's copy adds {@code <image>} (LLaVA's placeholder); the
 * scorer's copy adds {@code <|endoftext|>}, appended to every text, because CLIP pools its text tower there and
 * transformers reads {@code eos_token_id} 2 (LLaMA's {@code </s>}) as the legacy "largest id" rule.
 */
final class WorldTokenizer {
    static final String IMAGE = "<image>";
    static final String END_OF_TEXT = "<|endoftext|>";
    /** The llava-hf chat template the {@code efuf caption} command also uses. */
    static final String TEMPLATE = "USER: <image>\n{prompt} ASSISTANT:";

    private final ObjectNode json;

    private WorldTokenizer(ObjectNode json) { this.json = json; }

    /** Learns {@code vocabSize} pieces (special and byte pieces included) from the training split's text. */
    static BpeTrainer.Result learn(World world, int vocabSize) {
        List<String> lines = new ArrayList<>();
        lines.add(TEMPLATE.replace(IMAGE, "").replace("{prompt}", World.CAPTION_PROMPT));
        lines.add(TEMPLATE.replace(IMAGE, "").replace("{prompt}", World.DESCRIPTION_PROMPT));
        for (WorldImage image : world.images(Split.TRAIN)) {
            for (WorldCaption c : image.trainingCaptions()) lines.add(c.text());
            for (WorldCaption c : image.references()) lines.add(c.text());
            for (WorldCaption c : image.descriptions()) lines.add(c.text());
            for (QaPair q : image.questions()) lines.add(q.question() + " " + q.answer());
        }
        // Every category name and synonym, also those no training caption happens to use, stays one known word.
        world.categories().forEach(c -> {
            lines.add(c.name());
            lines.addAll(c.synonyms());
        });
        return BpeTrainer.train(lines, new BpeTrainer.Options(vocabSize, 2, true, LlamaTokenizerJson.Style.LEGACY));
    }

    /** The captioner's tokenizer: {@code <image>} takes the id after the learned pieces. */
    static WorldTokenizer forCaptioner(BpeTrainer.Result bpe) {
        ObjectNode json = bpe.toTokenizerJson();
        addSpecial(json, bpe.tokens().size(), IMAGE);
        return new WorldTokenizer(json);
    }

    /** The scorer's tokenizer: {@code <s> text <|endoftext|>}, the end-of-text id after the learned pieces. */
    static WorldTokenizer forClip(BpeTrainer.Result bpe) {
        ObjectNode json = bpe.toTokenizerJson();
        int eot = bpe.tokens().size();
        addSpecial(json, eot, END_OF_TEXT);
        ObjectNode pp = json.putObject("post_processor").put("type", "TemplateProcessing");
        ArrayNode single = pp.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", END_OF_TEXT).put("type_id", 0);
        ArrayNode pair = pp.putArray("pair");
        for (var item : single) pair.add(item.deepCopy());
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        pair.addObject().putObject("SpecialToken").put("id", END_OF_TEXT).put("type_id", 1);
        ObjectNode special = pp.putObject("special_tokens");
        specialToken(special, "<s>", bpe.tokens().indexOf("<s>"));
        specialToken(special, END_OF_TEXT, eot);
        return new WorldTokenizer(json);
    }

    private static void specialToken(ObjectNode specialTokens, String name, int id) {
        ObjectNode t = specialTokens.putObject(name).put("id", name);
        t.putArray("ids").add(id);
        t.putArray("tokens").add(name);
    }

    private static void addSpecial(ObjectNode json, int id, String content) {
        ObjectNode t = ((ArrayNode) json.get("added_tokens")).addObject();
        t.put("id", id).put("content", content).put("single_word", false).put("lstrip", false).put("rstrip", false)
                .put("normalized", false).put("special", true);
    }

    Tokenizer tokenizer() { return Tokenizers.fromTokenizerJson(json, "world tokenizer"); }

    void save(Path dir) {
        try {
            Files.createDirectories(dir);
            LlamaTokenizerJson.write(json, dir.resolve("tokenizer.json"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("tokenizer.json"), e);
        }
    }
}
