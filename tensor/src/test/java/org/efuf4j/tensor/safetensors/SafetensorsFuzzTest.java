package org.efuf4j.tensor.safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.io.JsonFiles;

/**
 * A short fuzz run of the safetensors reader (the reference implementation is fuzzed too): valid files with random
 * bytes changed, and cut short, and headers of random JSON-ish text. Each either reads, with every tensor readable, or
 * fails with a {@link SafetensorsException} that names the file; nothing else (no index, arithmetic or allocation
 * failure) may escape.
 */
class SafetensorsFuzzTest {
    private static final Path DIR;
    private static final byte[] VALID;

    static {
        try {
            DIR = Files.createTempDirectory("safetensors-fuzz");
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("a.weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
            tensors.put("b", Tensor.of(new float[] {0.5f, -1}, 2).to(DType.BF16));
            tensors.put("ids", Tensor.ofLongs(new long[] {7, 8, 9}, 3));
            Path file = DIR.resolve("valid.safetensors");
            SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
            VALID = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Up to 6 byte edits anywhere (most in the header and its length) and maybe a cut. */
    @Provide
    Arbitrary<byte[]> mutated() {
        Arbitrary<Tuple.Tuple2<Integer, Byte>> edit = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.integers().between(0, 15), Arbitraries.integers().between(0, VALID.length - 1)),
                Arbitraries.bytes()).as(Tuple::of);
        return Combinators.combine(edit.list().ofMaxSize(6), Arbitraries.integers().between(0, VALID.length)).as((edits, cut) -> {
            byte[] b = VALID.clone();
            for (var e : edits) b[e.get1()] = e.get2();
            return cut < VALID.length / 4 ? java.util.Arrays.copyOf(b, VALID.length - cut) : b;
        });
    }

    @Property(tries = 400)
    void mutatedFilesReadOrFailWithTheFileNamed(@ForAll("mutated") byte[] bytes) throws IOException {
        Path file = Files.write(DIR.resolve("fuzz.safetensors"), bytes);
        check(file);
    }

    /** Headers of random text over JSON's punctuation, digits and the format's words. */
    @Provide
    Arbitrary<String> headers() {
        Arbitrary<String> token = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"", "\"a\"", "\"dtype\"", "\"F32\"", "\"BF16\"", "\"shape\"",
                "\"data_offsets\"", "\"__metadata__\"", "0", "4", "8", "-1", "1e400", "18446744073709551616", "null", "true", " ", "\\u0000");
        return token.list().ofMaxSize(40).map(l -> String.join("", l));
    }

    @Property(tries = 400)
    void randomHeadersReadOrFailWithTheFileNamed(@ForAll("headers") String header) throws IOException {
        Path file = TestTensors.craft(DIR.resolve("header.safetensors"), header, 16);
        check(file);
    }

    /** JSON text of any shape: a document or an error naming the source, never a parser exception. */
    @Property(tries = 300)
    void jsonFilesNameTheSourceOfEveryError(@ForAll("headers") String text) {
        try {
            JsonFiles.parse(text, "fuzz.json");
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().startsWith("fuzz.json")) throw new AssertionError("message does not name the source: " + e.getMessage(), e);
        }
    }

    private static void check(Path file) {
        for (int way = 0; way < 2; way++) {
            try {
                if (way == 0) {
                    SafetensorsHeader.read(file);
                } else {
                    SafetensorsFile f = SafetensorsFile.open(file);
                    for (String name : f.names()) {
                        Tensor t = f.tensor(name);
                        if (t.dtype() != DType.BOOL) t.toFloatArray();
                    }
                }
            } catch (SafetensorsException e) {
                if (!e.getMessage().startsWith(file.toString())) throw new AssertionError("message does not name the file: " + e.getMessage(), e);
            }
        }
    }

}
