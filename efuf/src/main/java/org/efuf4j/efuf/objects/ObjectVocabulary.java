package org.efuf4j.efuf.objects;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The object categories and the terms that name them. A term is one or more lowercase words
 * separated by single spaces, in singular form. Two sources: the project's own COCO vocabulary
 * ({@link #coco()}) and a CHAIR-format synonym list ({@link #fromChairSynonyms(Path)}).
 */
public final class ObjectVocabulary {
    private static final String COCO_RESOURCE = "coco-vocabulary.txt";
    private static volatile ObjectVocabulary coco;

    private final String source;
    private final List<ObjectCategory> categories;
    private final Map<String, ObjectCategory> byTerm;
    private final Map<String, ObjectCategory> byName;
    private final int longestTermWords;

    private ObjectVocabulary(String source, List<ObjectCategory> categories) {
        this.source = source;
        this.categories = List.copyOf(categories);
        Map<String, ObjectCategory> terms = new HashMap<>();
        Map<String, ObjectCategory> names = new LinkedHashMap<>();
        int longest = 1;
        for (ObjectCategory category : categories) {
            ObjectCategory previous = names.putIfAbsent(category.name(), category);
            if (previous != null) {
                throw new IllegalArgumentException(source + ": category '" + category.name() + "' is defined twice");
            }
            for (String term : category.terms()) {
                ObjectCategory other = terms.putIfAbsent(term, category);
                if (other != null && other != category) {
                    throw new IllegalArgumentException(source + ": term '" + term + "' names two categories, '"
                            + other.name() + "' and '" + category.name() + "'");
                }
                longest = Math.max(longest, term.split(" ").length);
            }
        }
        this.byTerm = Collections.unmodifiableMap(terms);
        this.byName = Collections.unmodifiableMap(names);
        this.longestTermWords = longest;
    }

    /** The project's own vocabulary of the 80 COCO categories (resource {@code coco-vocabulary.txt}). */
    public static ObjectVocabulary coco() {
        ObjectVocabulary v = coco;
        if (v == null) {
            synchronized (ObjectVocabulary.class) {
                v = coco;
                if (v == null) {
                    coco = v = loadCocoResource();
                }
            }
        }
        return v;
    }

    private static ObjectVocabulary loadCocoResource() {
        try (InputStream in = ObjectVocabulary.class.getResourceAsStream(COCO_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + COCO_RESOURCE + " is missing from the classpath");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return parseOwnFormat("resource " + COCO_RESOURCE, text.lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + COCO_RESOURCE, e);
        }
    }

    /** Own format: {@code cocoId | name | term, term, ...}; '#' starts a comment line. */
    static ObjectVocabulary parseOwnFormat(String source, List<String> lines) {
        List<ObjectCategory> categories = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\|", -1);
            if (fields.length != 3) {
                throw new IllegalArgumentException(source + " line " + (i + 1)
                        + ": expected 'id | name | terms' (3 fields), got " + fields.length + ": " + line);
            }
            int id;
            try {
                id = Integer.parseInt(fields[0].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": COCO id '" + fields[0].strip()
                        + "' is not an integer");
            }
            String name = normalizeTerm(fields[1]);
            if (name.isEmpty()) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": empty category name");
            }
            categories.add(new ObjectCategory(id, name, termsOf(name, fields[2].split(","))));
        }
        return new ObjectVocabulary(source, categories);
    }

    /**
     * Reads a CHAIR synonym list: one category a line, terms separated by commas, the first term
     * the category's name. Stray spaces around terms (the reference list has " motor bike") are
     * trimmed and terms lowercased ("iPhone"), so such entries match where the reference
     * implementation silently never matches them.
     */
    public static ObjectVocabulary fromChairSynonyms(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read synonym list " + file + ": " + e.getMessage(), e);
        }
        return parseChairSynonyms(file.toString(), lines);
    }

    public static ObjectVocabulary parseChairSynonyms(String source, List<String> lines) {
        List<ObjectCategory> categories = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] entries = line.split(",");
            String name = normalizeTerm(entries[0]);
            if (name.isEmpty()) {
                throw new IllegalArgumentException(source + " line " + (i + 1)
                        + ": the first entry (the category name) is empty: '" + line + "'");
            }
            categories.add(new ObjectCategory(0, name, termsOf(name, entries)));
        }
        if (categories.isEmpty()) {
            throw new IllegalArgumentException(source + ": synonym list has no categories");
        }
        return new ObjectVocabulary(source, categories);
    }

    private static List<String> termsOf(String name, String[] entries) {
        Set<String> terms = new LinkedHashSet<>();
        terms.add(name);
        for (String entry : entries) {
            String term = normalizeTerm(entry);
            if (!term.isEmpty()) {
                terms.add(term); // lists repeat terms within a line ("person, ..., person"): harmless
            }
        }
        return List.copyOf(terms);
    }

    static String normalizeTerm(String raw) {
        return raw.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    }

    public String source() {
        return source;
    }

    public List<ObjectCategory> categories() {
        return categories;
    }

    public int size() {
        return categories.size();
    }

    /** The category a term (singular, lowercase, words joined by one space) names. */
    public Optional<ObjectCategory> lookup(String term) {
        return Optional.ofNullable(byTerm.get(term));
    }

    ObjectCategory lookupOrNull(String term) {
        return byTerm.get(term);
    }

    /** The category with this canonical name, if any. */
    public Optional<ObjectCategory> byName(String name) {
        return Optional.ofNullable(byName.get(normalizeTerm(name)));
    }

    /**
     * The category an annotation's object name denotes: the canonical name, else any term of the
     * vocabulary (also in plural), else an error naming where the name came from.
     */
    public ObjectCategory resolve(String objectName, String where) {
        String term = normalizeTerm(objectName);
        ObjectCategory c = byName.get(term);
        if (c == null) {
            c = byTerm.get(term);
        }
        if (c == null) {
            c = byTerm.get(singularizeTerm(term));
        }
        if (c == null) {
            throw new IllegalArgumentException(where + ": object '" + objectName + "' is not in the vocabulary ("
                    + source + ", " + categories.size() + " categories)");
        }
        return c;
    }

    /** The canonical category names, in vocabulary order. */
    public Set<String> names() {
        return byName.keySet();
    }

    int longestTermWords() {
        return longestTermWords;
    }

    private static String singularizeTerm(String term) {
        int space = term.lastIndexOf(' ');
        return term.substring(0, space + 1) + Singularizer.singularize(term.substring(space + 1));
    }
}
