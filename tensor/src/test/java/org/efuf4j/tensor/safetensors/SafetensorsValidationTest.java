package org.efuf4j.tensor.safetensors;

import static org.efuf4j.tensor.safetensors.TestTensors.craft;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.efuf4j.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed files, crafted byte by byte; each must fail with a message naming file, tensor, expected and actual. */
class SafetensorsValidationTest {
    @TempDir Path dir;
    private int counter;

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    /**
     * Crafts the file, opens it both ways (mapped, header only) and checks that both reject it
     * with the same message, which names the file, the tensor (null: none) and every fragment.
     */
    private SafetensorsException rejects(String header, int dataBytes, String tensor, String... fragments) throws IOException {
        Path file = craft(dir.resolve("bad" + (counter++) + ".safetensors"), header, dataBytes);
        return rejects(file, tensor, fragments);
    }

    private static SafetensorsException rejects(Path file, String tensor, String... fragments) {
        SafetensorsException mapped = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file));
        SafetensorsException headerOnly = assertThrows(SafetensorsException.class, () -> SafetensorsHeader.read(file));
        assertEquals(mapped.getMessage(), headerOnly.getMessage());
        String msg = mapped.getMessage();
        assertTrue(msg.startsWith(file.toString()), "message names the file: " + msg);
        assertEquals(file, mapped.file());
        if (tensor == null) {
            assertNull(mapped.tensor(), msg);
        } else {
            assertEquals(tensor, mapped.tensor(), msg);
            assertTrue(msg.contains("tensor '" + tensor + "'"), "message names the tensor: " + msg);
        }
        for (String f : fragments) assertTrue(msg.contains(f), "message should contain '" + f + "': " + msg);
        return mapped;
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        Files.write(file, new byte[] {1, 2, 3, 4, 5});
        rejects(file, null, "5 bytes", "shorter than the 8-byte");
        Path empty = dir.resolve("empty.safetensors");
        Files.write(empty, new byte[0]);
        rejects(empty, null, "0 bytes");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        byte[] json = "{}      ".getBytes(StandardCharsets.US_ASCII);
        Path file = craft(dir.resolve("long.safetensors"), 1000, json, 4);
        rejects(file, null, "header length 1000", "need 1008", "file has 20");
    }

    @Test
    void headerLargerThanTheLimit() throws IOException {
        byte[] json = "{}      ".getBytes(StandardCharsets.US_ASCII);
        rejects(craft(dir.resolve("limit.safetensors"), 100_000_001L, json, 0), null, "100000001", "limit of 100000000");
        // A u64 above 2^63 reads as a negative long; it must be reported as the unsigned value.
        rejects(craft(dir.resolve("u64.safetensors"), -1L, json, 0), null, "18446744073709551615", "limit");
    }

    /** A PyTorch checkpoint renamed to .safetensors: the zip's "PK\3\4" read as a length is 578712552184433488. */
    @Test
    void pytorchCheckpointsAreNamedAsSuch() throws IOException {
        Path zip = dir.resolve("zip.safetensors");
        byte[] bytes = new byte[600];
        byte[] head = {'P', 'K', 3, 4, 0, 0, 8, 8, 0, 0};
        System.arraycopy(head, 0, bytes, 0, head.length);
        Files.write(zip, bytes);
        SafetensorsException e = rejects(zip, null, "not a safetensors file", "zip archive", "PyTorch checkpoint", "safetensors.torch.save_file");
        assertTrue(!e.getMessage().contains("578712552184433488"), e.getMessage());
        Path pickle = dir.resolve("pickle.safetensors");
        bytes[0] = (byte) 0x80;
        bytes[1] = 2;
        bytes[2] = (byte) 0x8a;
        Files.write(pickle, bytes);
        rejects(pickle, null, "not a safetensors file", "Python pickle", "PyTorch checkpoint");
        Path lfs = dir.resolve("lfs.safetensors");
        Files.writeString(lfs, "version https://git-lfs.github.com/spec/v1\noid sha256:0123\nsize 1234\n");
        rejects(lfs, null, "Git LFS pointer", "git lfs pull");
    }

    @Test
    void truncatedDataIsReportedForTheTensorThatRunsPastTheEnd() throws IOException {
        String h = "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[4]", 8, 24) + "}";
        rejects(h, 20, "b", "[8, 24)", "data buffer of 20 bytes", "truncated");
    }

    @Test
    void offsetsOutsideTheDataBuffer() throws IOException {
        rejects("{" + entry("w", "U8", "[4]", 100, 104) + "}", 8, "w", "[100, 104)", "outside the data buffer of 8 bytes");
    }

    @Test
    void invalidJsonAndNonObjectHeaders() throws IOException {
        // The parser was inside entry 'a' when the input ended: the message says so.
        rejects("{\"a\":{\"dtype\":\"F32\",", 0, "a", "invalid header JSON", "end-of-input");
        rejects("[1, 2, 3]", 0, null, "JSON object starting with '{'", "0x5b");
        rejects("\"just a string\"", 0, null, "JSON object");
        rejects("", 0, null, "empty header");
        rejects("{} {}", 0, null, "after the header object");
        rejects("{}garbage", 0, null, "invalid header JSON");
        rejects("{\"a\":" + "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],}" + "}", 4, "a", "invalid header JSON");
    }

    @Test
    void invalidUtf8() throws IOException {
        byte[] json = {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'};
        rejects(craft(dir.resolve("utf.safetensors"), json.length, json, 0), null, "not valid UTF-8");
    }

    @Test
    void unknownDtype() throws IOException {
        rejects("{" + entry("q", "F8_E4M3", "[2]", 0, 2) + "}", 2, "q", "unsupported dtype 'F8_E4M3'", "F32, F16, BF16");
        rejects("{\"q\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "q", "dtype must be a string");
    }

    @Test
    void badShapeFields() throws IOException {
        rejects("{" + entry("s", "F32", "\"2x2\"", 0, 16) + "}", 16, "s", "shape must be an array");
        rejects("{" + entry("s", "F32", "[2,-2]", 0, 16) + "}", 16, "s", "shape", "-2");
        rejects("{" + entry("s", "F32", "[2.5]", 0, 8) + "}", 8, "s", "shape must hold non-negative integers", "2.5");
        rejects("{" + entry("s", "F32", "[[2]]", 0, 8) + "}", 8, "s", "shape must hold non-negative integers");
        rejects("{" + entry("s", "U8", "[4294967296]", 0, 8) + "}", 8, "s", "4294967296", "largest supported");
        rejects("{" + entry("s", "U8", "[99999999999999999999]", 0, 8) + "}", 8, "s", "99999999999999999999");
        rejects("{" + entry("s", "F64", "[2147483647,2147483647,2147483647]", 0, 8) + "}", 8, "s", "overflows");
        rejects("{\"s\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "s", "no 'shape' field");
        rejects("{\"s\":[1,2]}", 0, "s", "entry must be an object");
    }

    @Test
    void badDataOffsetsFields() throws IOException {
        rejects("{\"o\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}", 4, "o", "data_offsets must be [begin, end]", "[4]");
        rejects("{\"o\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8, "o", "3 values");
        rejects("{\"o\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8, "o", "begin is after end");
        rejects("{\"o\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\"0-4\"}}", 4, "o", "data_offsets must be an array");
        rejects("{\"o\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4, "o", "data_offsets", "-4");
        rejects("{\"o\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "o", "no 'data_offsets' field");
        rejects("{\"o\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "o", "no 'dtype' field");
    }

    @Test
    void byteSizeMustEqualShapeTimesDtype() throws IOException {
        rejects("{" + entry("m", "F32", "[3]", 0, 8) + "}", 8, "m", "[3] x F32 needs 12 bytes", "[0, 8) hold 8");
        rejects("{" + entry("m", "BF16", "[2,2]", 0, 16) + "}", 16, "m", "needs 8 bytes", "hold 16");
        rejects("{" + entry("m", "I64", "[]", 0, 0) + "}", 0, "m", "[] x I64 needs 8 bytes", "hold 0");
    }

    @Test
    void overlapsHolesAndTrailingBytes() throws IOException {
        rejects("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12,
                "b", "[4, 12) overlap tensor 'a' [0, 8)", "expected begin 8");
        rejects("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 12, 20) + "}", 20,
                "b", "hole of 4 bytes after tensor 'a'", "expected begin 8");
        rejects("{" + entry("a", "F32", "[2]", 4, 12) + "}", 12, "a", "hole of 4 bytes after the start of the data buffer");
        rejects("{" + entry("a", "F32", "[2]", 0, 8) + "}", 12, "a", "cover 8 bytes", "holds 12", "4 trailing bytes");
        rejects("{}", 3, null, "cover 0 bytes", "holds 3");
        // Same bytes claimed twice, listed in reverse file order: still an overlap.
        rejects("{" + entry("y", "U8", "[4]", 0, 4) + "," + entry("x", "U8", "[4]", 0, 4) + "}", 4, "x", "overlap tensor 'y' [0, 4)");
        // An empty tensor inside another tensor's bytes overlaps it.
        rejects("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("e", "F32", "[0]", 4, 4) + "}", 8, "e", "overlap tensor 'a'");
    }

    @Test
    void duplicateNamesAreDetectedNotSilentlyMerged() throws IOException {
        rejects("{" + entry("w", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 4, 8) + "}", 8, "w", "duplicate");
        rejects("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "w", "'dtype' appears twice");
        rejects("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0, null, "key 'k' twice");
        rejects("{\"__metadata__\":{},\"__metadata__\":{}}", 0, "__metadata__", "duplicate");
    }

    @Test
    void metadataMustBeAStringMap() throws IOException {
        rejects("{\"__metadata__\":{\"total\":5}}", 0, null, "__metadata__ entry 'total' must be a string");
        rejects("{\"__metadata__\":[\"pt\"]}", 0, null, "__metadata__ must be an object");
    }

    @Test
    void rankZeroEmptyTensorsPaddingAndUnknownFieldsAreLegal() throws IOException {
        String h = "{\"__metadata__\":{\"format\":\"pt\"}," + entry("e0", "F16", "[0,3]", 0, 0) + "," + entry("s", "F64", "[]", 0, 8) + ","
                + entry("e1", "BOOL", "[5,0]", 8, 8) + ",\"v\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12],\"extra\":{\"x\":[1]}}}     ";
        Path file = craft(dir.resolve("ok.safetensors"), h, 12);
        SafetensorsFile f = SafetensorsFile.open(file);
        assertEquals(List.of("e0", "s", "e1", "v"), f.names());
        assertEquals(Map.of("format", "pt"), f.metadata());
        assertEquals(0, f.tensor("s").rank());
        assertEquals(DType.F64, f.info("s").dtype());
        assertEquals(0, f.tensor("e0").numel());
        assertArrayEquals(new int[] {5, 0}, f.tensor("e1").shape());
        assertEquals(12, f.header().dataLength());
        // An empty file body: no tensors at all.
        SafetensorsFile none = SafetensorsFile.open(craft(dir.resolve("none.safetensors"), "{}      ", 0));
        assertEquals(List.of(), none.names());
        SafetensorsException missing = assertThrows(SafetensorsException.class, () -> f.tensor("nope"));
        assertTrue(missing.getMessage().contains("tensor 'nope'") && missing.getMessage().contains(file.toString()), missing.getMessage());
    }
}
