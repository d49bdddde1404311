package org.efuf4j.efuf.objects;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into lowercase word tokens with their character offsets. A word is a run of letters
 * and digits; hyphenated compounds ("t-shirt", "dog-shaped") stay one token, as NLTK's word
 * tokenizer keeps them, so a compound never fires for the object inside it. Apostrophes split
 * ("dog's" gives "dog" and "s"), punctuation is dropped.
 */
public final class WordTokenizer {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:-[\\p{L}\\p{N}]+)*");

    private WordTokenizer() {}

    public static List<Token> tokenize(String text) {
        List<Token> tokens = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            tokens.add(new Token(m.group().toLowerCase(Locale.ROOT), m.start(), m.end()));
        }
        return tokens;
    }

    /** Just the lowercase words. */
    public static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (Token t : tokenize(text)) {
            words.add(t.text());
        }
        return words;
    }
}
