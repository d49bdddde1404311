package org.efuf4j.tensor.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;

/**
 * The parsed and validated header of one safetensors file: the tensors in file order and the
 * optional {@code __metadata__} string map.
 *
 * <p>Layout: bytes 0..7 hold the header length {@code N} as an unsigned little-endian u64, then
 * {@code N} bytes of UTF-8 JSON (an object, possibly right-padded with spaces), then the data
 * buffer. Validation follows the reference implementation: no duplicate names, every entry has a
 * known dtype, a shape of non-negative integers and {@code data_offsets [begin, end)} whose length
 * is exactly {@code numel x dtype size}, and the entries tile the data buffer with no hole and no
 * overlap. Rank-0 tensors (one element) and empty tensors are legal.
 */
public record SafetensorsHeader(Path file, long headerLength, List<TensorInfo> tensors, Map<String, String> metadata) {
    /** Bytes of the little-endian u64 length prefix. */
    public static final int LENGTH_PREFIX_BYTES = 8;
    /** The reference implementation refuses larger headers; so do we, before allocating anything. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Writers pad the header with spaces so the data buffer starts at a multiple of this. */
    public static final int DATA_ALIGNMENT = 8;
    public static final String METADATA_KEY = "__metadata__";

    private static final JsonFactory JSON = new JsonFactory();

    public SafetensorsHeader {
        tensors = List.copyOf(tensors);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Byte position of the data buffer inside the file. */
    public long dataStart() { return LENGTH_PREFIX_BYTES + headerLength; }

    /** Total bytes of tensor data: the end of the last tensor. */
    public long dataLength() {
        long end = 0;
        for (TensorInfo t : tensors) end = Math.max(end, t.end());
        return end;
    }

    /** Tensor names in the order the header lists them. */
    public List<String> names() {
        List<String> names = new ArrayList<>(tensors.size());
        for (TensorInfo t : tensors) names.add(t.name());
        return Collections.unmodifiableList(names);
    }

    /** Reads and validates only the header of {@code file}; tensor data is never read. */
    public static SafetensorsHeader read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < LENGTH_PREFIX_BYTES) throw tooShort(file, fileSize);
            ByteBuffer prefix = ByteBuffer.allocate(LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, prefix, 0);
            long n = prefix.getLong(0);
            checkHeaderLength(file, fileSize, n);
            ByteBuffer json = ByteBuffer.allocate((int) n);
            readFully(ch, json, LENGTH_PREFIX_BYTES);
            return parse(file, fileSize, json.array());
        } catch (IOException e) {
            throw new SafetensorsException(file, null, "cannot read header: " + e, e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, position + buf.position());
            if (r < 0) throw new IOException("unexpected end of file at byte " + (position + buf.position()));
        }
    }

    static SafetensorsException tooShort(Path file, long fileSize) {
        return new SafetensorsException(file, null, "file is " + fileSize + " bytes, shorter than the "
                + LENGTH_PREFIX_BYTES + "-byte header length prefix (not a safetensors file, or truncated)");
    }

    /**
     * Checks the u64 header length {@code n} (read as a signed long: values past 2^63 show up
     * negative) against the limit and the file size.
     */
    static void checkHeaderLength(Path file, long fileSize, long n) {
        if (n < 0 || n > MAX_HEADER_BYTES || LENGTH_PREFIX_BYTES + n > fileSize) {
            String foreign = ForeignFormat.describe(prefixBytes(n));
            if (foreign != null) throw new SafetensorsException(file, null, "not a safetensors file: " + foreign);
        }
        if (n < 0 || n > MAX_HEADER_BYTES)
            throw new SafetensorsException(file, null, "header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        if (LENGTH_PREFIX_BYTES + n > fileSize)
            throw new SafetensorsException(file, null, "header length " + n + " runs past the end of the file: need "
                    + (LENGTH_PREFIX_BYTES + n) + " bytes for prefix and header, file has " + fileSize);
    }

    /** The file's first eight bytes, which the little-endian length prefix {@code n} was read from. */
    private static byte[] prefixBytes(long n) {
        return ByteBuffer.allocate(LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n).array();
    }

    /**
     * Parses and validates the header JSON of a file of {@code fileSize} bytes whose length prefix
     * already passed {@link #checkHeaderLength}.
     */
    static SafetensorsHeader parse(Path file, long fileSize, byte[] json) {
        long dataLength = fileSize - LENGTH_PREFIX_BYTES - json.length;
        if (json.length == 0 || json[0] != '{')
            throw new SafetensorsException(file, null, "header must be a JSON object starting with '{', found "
                    + (json.length == 0 ? "an empty header" : "byte 0x" + Integer.toHexString(json[0] & 0xff)));
        String text = decodeUtf8(file, json);
        List<TensorInfo> tensors = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        String current = null;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT)
                throw new SafetensorsException(file, null, "header is not a JSON object");
            JsonToken tok;
            while ((tok = p.nextToken()) == JsonToken.FIELD_NAME) {
                current = p.currentName();
                if (seen.put(current, Boolean.TRUE) != null)
                    throw new SafetensorsException(file, current, "duplicate entry in header: each name may appear once");
                p.nextToken();
                if (current.equals(METADATA_KEY)) metadata = parseMetadata(file, p);
                else tensors.add(parseEntry(file, current, p, dataLength));
                current = null;
            }
            if (tok != JsonToken.END_OBJECT)
                throw new SafetensorsException(file, null, "malformed header JSON: expected a name or '}', found " + tok);
            JsonToken trailing = p.nextToken();
            if (trailing != null)
                throw new SafetensorsException(file, null, "unexpected " + trailing + " after the header object (only space padding may follow)");
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(file, current, "invalid header JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new SafetensorsException(file, current, "cannot parse header: " + e, e);
        }
        checkCoverage(file, tensors, dataLength);
        return new SafetensorsHeader(file, json.length, tensors, metadata);
    }

    private static String decodeUtf8(Path file, byte[] json) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file, null, "header is not valid UTF-8: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> parseMetadata(Path file, JsonParser p) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (p.currentToken() == JsonToken.VALUE_NULL) return metadata;
        if (p.currentToken() != JsonToken.START_OBJECT)
            throw new SafetensorsException(file, null, METADATA_KEY + " must be an object of strings, found " + p.currentToken());
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_STRING)
                throw new SafetensorsException(file, null, METADATA_KEY + " entry '" + key + "' must be a string, found " + v);
            if (metadata.put(key, p.getText()) != null)
                throw new SafetensorsException(file, null, METADATA_KEY + " has the key '" + key + "' twice");
        }
        return metadata;
    }

    private static TensorInfo parseEntry(Path file, String name, JsonParser p, long dataLength) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT)
            throw new SafetensorsException(file, name, "entry must be an object with dtype, shape and data_offsets, found " + p.currentToken());
        String dtypeName = null;
        long[] shape = null, offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            boolean duplicate = switch (field) {
                case "dtype" -> {
                    if (v != JsonToken.VALUE_STRING)
                        throw new SafetensorsException(file, name, "dtype must be a string, found " + v);
                    boolean dup = dtypeName != null;
                    dtypeName = p.getText();
                    yield dup;
                }
                case "shape" -> {
                    boolean dup = shape != null;
                    shape = integers(file, name, "shape", p);
                    yield dup;
                }
                case "data_offsets" -> {
                    boolean dup = offsets != null;
                    offsets = integers(file, name, "data_offsets", p);
                    yield dup;
                }
                default -> {
                    p.skipChildren(); // unknown fields are ignored, as by the reference implementation
                    yield false;
                }
            };
            if (duplicate) throw new SafetensorsException(file, name, "field '" + field + "' appears twice");
        }
        if (dtypeName == null) throw missing(file, name, "dtype");
        if (shape == null) throw missing(file, name, "shape");
        if (offsets == null) throw missing(file, name, "data_offsets");

        DType dtype = DType.fromSafetensorsName(dtypeName);
        if (dtype == null)
            throw new SafetensorsException(file, name, "unsupported dtype '" + dtypeName + "' (supported: "
                    + supportedDtypes() + ")");
        int[] dims = new int[shape.length];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > Integer.MAX_VALUE)
                throw new SafetensorsException(file, name, "shape " + Arrays.toString(shape) + ": dimension " + i
                        + " is " + shape[i] + ", more than the largest supported " + Integer.MAX_VALUE);
            dims[i] = (int) shape[i];
            numel = multiply(file, name, numel, dims[i], shape);
        }
        if (offsets.length != 2)
            throw new SafetensorsException(file, name, "data_offsets must be [begin, end], found " + offsets.length
                    + " values " + Arrays.toString(offsets));
        long begin = offsets[0], end = offsets[1];
        if (begin > end)
            throw new SafetensorsException(file, name, "data_offsets [" + begin + ", " + end + "]: begin is after end");
        long expected = multiply(file, name, numel, dtype.byteSize(), shape);
        if (end - begin != expected)
            throw new SafetensorsException(file, name, "byte size mismatch: shape " + Shapes.str(dims) + " x " + dtype
                    + " needs " + expected + " bytes, data_offsets [" + begin + ", " + end + ") hold " + (end - begin));
        if (end > dataLength)
            throw new SafetensorsException(file, name, "data_offsets [" + begin + ", " + end + ") lie outside the data buffer of "
                    + dataLength + " bytes (file truncated?)");
        return new TensorInfo(name, dtype, dims, begin, end);
    }

    private static long multiply(Path file, String name, long a, long b, long[] shape) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new SafetensorsException(file, name, "shape " + Arrays.toString(shape) + " is too large: its byte size overflows 64 bits");
        }
    }

    /** An array of non-negative integers; the parser stands on its START_ARRAY. */
    private static long[] integers(Path file, String name, String field, JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY)
            throw new SafetensorsException(file, name, field + " must be an array of non-negative integers, found " + p.currentToken());
        long[] values = new long[4];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT)
                throw new SafetensorsException(file, name, field + " must hold non-negative integers, found " + t
                        + (t != null && t.isScalarValue() ? " " + p.getText() : ""));
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0)
                throw new SafetensorsException(file, name, field + " must hold integers in [0, 2^63), found " + p.getText());
            if (n == values.length) values = Arrays.copyOf(values, n * 2);
            values[n++] = p.getLongValue();
        }
        return Arrays.copyOf(values, n);
    }

    private static SafetensorsException missing(Path file, String name, String field) {
        return new SafetensorsException(file, name, "entry has no '" + field + "' field");
    }

    private static String supportedDtypes() {
        StringBuilder sb = new StringBuilder();
        for (DType t : DType.values()) sb.append(sb.isEmpty() ? "" : ", ").append(t.safetensorsName());
        return sb.toString();
    }

    /** The tensors, sorted by position, must tile {@code [0, dataLength)} exactly. */
    private static void checkCoverage(Path file, List<TensorInfo> tensors, long dataLength) {
        List<TensorInfo> byPosition = new ArrayList<>(tensors);
        byPosition.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long cursor = 0;
        TensorInfo previous = null;
        for (TensorInfo t : byPosition) {
            if (t.begin() < cursor)
                throw new SafetensorsException(file, t.name(), "data_offsets [" + t.begin() + ", " + t.end() + ") overlap tensor '"
                        + previous.name() + "' [" + previous.begin() + ", " + previous.end() + "): expected begin " + cursor);
            if (t.begin() > cursor)
                throw new SafetensorsException(file, t.name(), "data_offsets [" + t.begin() + ", " + t.end() + ") leave a hole of "
                        + (t.begin() - cursor) + " bytes after " + (previous == null ? "the start of the data buffer"
                        : "tensor '" + previous.name() + "'") + ": expected begin " + cursor);
            cursor = t.end();
            previous = t;
        }
        if (cursor != dataLength)
            throw new SafetensorsException(file, previous == null ? null : previous.name(), "tensors cover " + cursor
                    + " bytes but the data buffer holds " + dataLength + ": " + (dataLength - cursor)
                    + " trailing bytes belong to no tensor");
    }
}
