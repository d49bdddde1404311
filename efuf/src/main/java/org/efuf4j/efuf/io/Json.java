package org.efuf4j.efuf.io;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

/** The one JSON mapper configuration shared by the EFUF files (records map to objects by field name). */
public final class Json {
    /** Compact, one value per line: the JSONL form. Unknown fields are tolerated so files can grow. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /**
     * For reading records users may have written: the schema's types hold. Jackson would otherwise read
     * {@code "target": 17} as the text "17" and {@code "score": "high"} as an error only sometimes.
     */
    public static final ObjectMapper STRICT = strict();

    private Json() {}

    private static ObjectMapper strict() {
        JsonMapper m = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean})
            m.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Enum).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return m;
    }

    /** A type mismatch in our words: the field, what it must hold, what it holds; no Java class names. */
    public static String describeMismatch(MismatchedInputException e) {
        String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        Class<?> t = e.getTargetType();
        String expected = t == null ? "another type"
                : t == String.class ? "text (a JSON string)"
                : t == double.class || t == Double.class || t == float.class || t == Float.class ? "a number"
                : t == int.class || t == Integer.class || t == long.class || t == Long.class ? "an integer"
                : t == boolean.class || t == Boolean.class ? "true or false"
                : t.isEnum() ? "one of " + Arrays.stream(t.getEnumConstants()).map(c -> c.toString().toLowerCase()).collect(Collectors.joining(", "))
                : java.util.List.class.isAssignableFrom(t) ? "a list" : "an object";
        String found = e instanceof InvalidFormatException f ? " " + f.getValue()
                : e.getOriginalMessage() != null && e.getOriginalMessage().contains("null") ? " null" : "";
        String got = found.isEmpty() ? describeFound(e.getOriginalMessage()) : "got" + (found.equals(" null") ? " null" : " \"" + found.strip() + "\"");
        return (field.isEmpty() ? "the record" : "field '" + field + "'") + " must be " + expected + ", " + got;
    }

    private static String describeFound(String jacksonText) {
        if (jacksonText == null) return "got something else";
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(Integer|Float|Boolean|String) value \\(([^)]*)\\)").matcher(jacksonText);
        if (m.find()) return "got " + m.group(2);
        if (jacksonText.contains("START_ARRAY")) return "got a list";
        if (jacksonText.contains("START_OBJECT")) return "got an object";
        return "got a value of another type";
    }
}
