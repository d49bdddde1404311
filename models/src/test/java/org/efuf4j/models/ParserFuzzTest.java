package org.efuf4j.models;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import org.efuf4j.models.config.ConfigException;
import org.efuf4j.models.config.ModelConfigs;
import org.efuf4j.models.image.ImageDecoder;
import org.efuf4j.models.image.ImageException;
import org.efuf4j.models.tokenizer.BpeTrainer;
import org.efuf4j.models.tokenizer.SentencePieceTokenizer;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.models.tokenizer.Tokenizers;

/**
 * A short fuzz run of the readers of files users hand over: configs, tokenizer.json, SentencePiece models and images,
 * each a valid file with random bytes changed or cut short. Each reads, and then works, or fails with the project's
 * error naming the file; no index, cast, arithmetic or allocation failure may escape.
 */
class ParserFuzzTest {
    static final Path SHARED = Path.of(System.getProperty("efuf4j.shared", "../../shared"));
    static final byte[] CONFIG = read(SHARED.resolve("fixtures/hf-reference/llava/config.json"));
    static final byte[] SENTENCEPIECE = read(SHARED.resolve("data/llama2/tokenizer.model"));
    static final byte[] TOKENIZER_JSON = tokenizerJson();
    static final byte[] PNG = image("png"), JPEG = image("jpg");
    static final Path DIR = temp();

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path temp() {
        try {
            return Files.createTempDirectory("parser-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] tokenizerJson() {
        try {
            var bpe = BpeTrainer.train(List.of("a dog on a mat", "a cat on a bed"), BpeTrainer.Options.of(290));
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(bpe.toTokenizerJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] image(String format) {
        BufferedImage img = new BufferedImage(24, 20, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(3);
        for (int y = 0; y < 20; y++) for (int x = 0; x < 24; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Up to 8 random byte edits (in the first {@code focus} bytes half the time) and maybe a cut. */
    static Arbitrary<byte[]> mutations(byte[] valid, int focus) {
        Arbitrary<Tuple.Tuple2<Integer, Byte>> edit = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.integers().between(0, Math.min(focus, valid.length) - 1), Arbitraries.integers().between(0, valid.length - 1)),
                Arbitraries.oneOf(Arbitraries.bytes(), Arbitraries.of((byte) '"', (byte) '{', (byte) '}', (byte) ',', (byte) '9', (byte) '-', (byte) 0)))
                .as(Tuple::of);
        return Combinators.combine(edit.list().ofMaxSize(8), Arbitraries.integers().between(0, valid.length * 2)).as((edits, cut) -> {
            byte[] b = valid.clone();
            for (var e : edits) b[e.get1()] = e.get2();
            return cut < valid.length ? java.util.Arrays.copyOf(b, cut) : b;
        });
    }

    @Provide Arbitrary<byte[]> configs() { return mutations(CONFIG, CONFIG.length); }

    @Provide Arbitrary<byte[]> tokenizers() { return mutations(TOKENIZER_JSON, TOKENIZER_JSON.length); }

    @Provide Arbitrary<byte[]> sentencePieces() { return mutations(SENTENCEPIECE, 4096); }

    @Provide Arbitrary<byte[]> images() { return Arbitraries.oneOf(mutations(PNG, 64), mutations(JPEG, 700)); }

    private static void named(RuntimeException e, String source) {
        if (e.getMessage() == null || !e.getMessage().contains(source)) throw new AssertionError("message does not name " + source + ": " + e.getMessage(), e);
    }

    @Property(tries = 300)
    void configs(@ForAll("configs") byte[] bytes) {
        try {
            ModelConfigs.parse(new String(bytes, StandardCharsets.UTF_8), "fuzz/config.json");
        } catch (ConfigException | IllegalArgumentException e) {
            named(e, "fuzz/config.json");
        }
    }

    @Property(tries = 300)
    void tokenizerJsons(@ForAll("tokenizers") byte[] bytes) throws IOException {
        Path dir = Files.createDirectories(DIR.resolve("tok"));
        Path file = Files.write(dir.resolve("tokenizer.json"), bytes);
        Tokenizer t;
        try {
            t = Tokenizers.load(dir);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            named(e, file.toString());
            return;
        }
        // a file that loads must also work: encode and decode without failing
        int[] ids = t.encode("a dog on a bed, 3 cats!");
        t.decode(ids);
    }

    @Property(tries = 200)
    void sentencePieceModels(@ForAll("sentencePieces") byte[] bytes) throws IOException {
        Path file = Files.write(DIR.resolve("tokenizer.model"), bytes);
        SentencePieceTokenizer t;
        try {
            t = SentencePieceTokenizer.load(file);
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof IllegalArgumentException iae) named(iae, file.toString());
            else if (!e.getMessage().contains(file.toString())) throw new AssertionError("message does not name the file: " + e.getMessage(), e);
            return;
        }
        t.decode(t.encode("a dog on a bed"));
    }

    @Property(tries = 300)
    void images(@ForAll("images") byte[] bytes) {
        try {
            ImageDecoder.decode(bytes, "fuzz.img");
        } catch (ImageException e) {
            named(e, "fuzz.img");
        }
    }

}
