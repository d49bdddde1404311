package org.efuf4j.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code added_tokens} of a tokenizer.json: matched literally in the raw text (leftmost, longest)
 * before any normalisation; the text between them is tokenized by the model.
 */
final class AddedTokens {

    record Token(int id, String content, boolean special, boolean lstrip, boolean rstrip) {
    }

    /** A piece of the input: either an added token ({@code token != null}) or text starting at {@code offset}. */
    record Segment(String text, int offset, Token token) {
    }

    private final Map<String, Token> byContent = new HashMap<>();
    private final Map<Integer, Token> byId = new HashMap<>();
    private final PrefixMatcher matcher;

    AddedTokens(List<Token> tokens) {
        for (Token t : tokens) {
            byContent.put(t.content(), t);
            byId.put(t.id(), t);
        }
        matcher = new PrefixMatcher(byContent.keySet());
    }

    static AddedTokens fromJson(JsonNode addedTokens, String source) {
        List<Token> tokens = new ArrayList<>();
        for (int i = 0; i < addedTokens.size(); i++) {
            JsonNode t = addedTokens.get(i);
            if (!t.has("id") || !t.has("content")) {
                throw new IllegalArgumentException(source + ": added_tokens[" + i + "] needs 'id' and 'content', got " + t);
            }
            tokens.add(new Token(t.get("id").asInt(), t.get("content").asText(), t.path("special").asBoolean(false),
                    t.path("lstrip").asBoolean(false), t.path("rstrip").asBoolean(false)));
        }
        return new AddedTokens(tokens);
    }

    Token byId(int id) {
        return byId.get(id);
    }

    Token byContent(String content) {
        return byContent.get(content);
    }

    Iterable<Token> all() {
        return byId.values();
    }

    int maxId() {
        int max = -1;
        for (int id : byId.keySet()) {
            max = Math.max(max, id);
        }
        return max;
    }

    /** Splits the raw text around added tokens; empty text segments are dropped. */
    List<Segment> split(String text) {
        List<Segment> out = new ArrayList<>();
        if (matcher.isEmpty()) {
            if (!text.isEmpty()) {
                out.add(new Segment(text, 0, null));
            }
            return out;
        }
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            int len = matcher.match(text, i);
            if (len == 0) {
                i++;
                continue;
            }
            Token token = byContent.get(text.substring(i, i + len));
            int end = i;
            if (token.lstrip()) {
                while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
                    end--;
                }
            }
            if (end > start) {
                out.add(new Segment(text.substring(start, end), start, null));
            }
            out.add(new Segment(token.content(), i, token));
            i += len;
            if (token.rstrip()) {
                while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
            }
            start = i;
        }
        if (start < text.length()) {
            out.add(new Segment(text.substring(start), start, null));
        }
        return out;
    }
}
