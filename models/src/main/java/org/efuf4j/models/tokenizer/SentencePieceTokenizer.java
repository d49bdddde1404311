package org.efuf4j.models.tokenizer;

import org.efuf4j.models.tokenizer.SentencePieceModel.ModelType;
import org.efuf4j.models.tokenizer.SentencePieceModel.Piece;
import org.efuf4j.models.tokenizer.SentencePieceModel.PieceType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SentencePiece BPE ({@code tokenizer.model}) reproducing the library: normalisation (precompiled
 * charsmap rules when the model has them, dummy prefix, "▁" for spaces, optional whitespace cleanup), user-defined pieces kept whole, merges by piece score (ties to the
 * left), unused pieces re-segmented, unknown characters as UTF-8 byte pieces when byte fallback is on.
 */
public final class SentencePieceTokenizer implements Tokenizer {

    static final String SPACE = "\u2581";
    private static final byte[] SPACE_UTF8 = SPACE.getBytes(StandardCharsets.UTF_8);
    private static final byte[] REPLACEMENT_UTF8 = "\uFFFD".getBytes(StandardCharsets.UTF_8);

    private final SentencePieceModel model;
    /** Pieces that take part in merging: NORMAL, USER_DEFINED and UNUSED ({@code pieces_} in the library). */
    private final Map<String, Integer> mergeable = new HashMap<>();
    /** CONTROL, UNKNOWN and BYTE pieces ({@code reserved_id_map_}). */
    private final Map<String, Integer> reserved = new HashMap<>();
    private final PrefixMatcher userDefined;
    /** User-defined pieces in UTF-8, longest first, for the normaliser that works on bytes. */
    private final List<byte[]> userDefinedUtf8 = new ArrayList<>();
    private final PrecompiledCharsMap charsMap;
    private final int[] byteIds;
    private final int unkId;

    public SentencePieceTokenizer(SentencePieceModel model, String source) {
        this.model = model;
        if (model.trainer().modelType() != ModelType.BPE) {
            throw new IllegalArgumentException(source + ": trainer_spec.model_type is " + model.trainer().modelType()
                    + ", only BPE SentencePiece models are supported");
        }
        charsMap = model.normalizer().precompiledCharsmap().length > 0
                ? new PrecompiledCharsMap(model.normalizer().precompiledCharsmap(), source) : null;
        int unk = -1;
        List<String> userPieces = new ArrayList<>();
        for (int i = 0; i < model.pieces().size(); i++) {
            Piece p = model.pieces().get(i);
            boolean normal = p.type() == PieceType.NORMAL || p.type() == PieceType.USER_DEFINED
                    || p.type() == PieceType.UNUSED;
            if ((normal ? mergeable : reserved).putIfAbsent(p.piece(), i) != null) {
                throw new IllegalArgumentException(source + ": piece '" + p.piece() + "' (id " + i + ") is defined twice");
            }
            if (p.type() == PieceType.USER_DEFINED) {
                userPieces.add(p.piece());
            }
            if (p.type() == PieceType.UNKNOWN) {
                if (unk >= 0) {
                    throw new IllegalArgumentException(source + ": two UNKNOWN pieces, ids " + unk + " and " + i);
                }
                unk = i;
            }
            if (p.type() == PieceType.BYTE) {
                if (!model.trainer().byteFallback()) {
                    throw new IllegalArgumentException(source + ": byte piece '" + p.piece() + "' (id " + i
                            + ") although trainer_spec.byte_fallback is false");
                }
                if (BytePieces.parse(p.piece()) < 0) {
                    throw new IllegalArgumentException(source + ": BYTE piece " + i + " is '" + p.piece()
                            + "', expected <0xXX>");
                }
            }
        }
        if (unk < 0) {
            throw new IllegalArgumentException(source + ": no UNKNOWN piece");
        }
        this.unkId = unk;
        this.userDefined = new PrefixMatcher(userPieces);
        for (String piece : userPieces) {
            userDefinedUtf8.add(piece.getBytes(StandardCharsets.UTF_8));
        }
        userDefinedUtf8.sort((a, b) -> Integer.compare(b.length, a.length));
        this.byteIds = BytePieces.ids(reserved);
    }

    public static SentencePieceTokenizer load(Path file) throws IOException {
        return new SentencePieceTokenizer(SentencePieceModel.read(file), file.toString());
    }

    public SentencePieceModel model() {
        return model;
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        List<Integer> ids = new ArrayList<>();
        if (addSpecialTokens && bosId() >= 0) {
            ids.add(bosId());
        }
        encodePieces(text, ids);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The plain SentencePiece encoding: no BOS/EOS, control piece strings in the text are ordinary text. */
    void encodePieces(String text, List<Integer> out) {
        String normalized = normalize(text);
        if (normalized.isEmpty()) {
            return;
        }
        List<String> symbols = new ArrayList<>();
        List<Boolean> frozenList = new ArrayList<>();
        for (int i = 0; i < normalized.length(); ) {
            int len = userDefined.match(normalized, i);
            boolean frozen = len > 0;
            if (!frozen) {
                len = Character.charCount(normalized.codePointAt(i));
            }
            symbols.add(normalized.substring(i, i + len));
            frozenList.add(frozen);
            i += len;
        }
        boolean[] frozen = new boolean[symbols.size()];
        for (int i = 0; i < frozen.length; i++) {
            frozen[i] = frozenList.get(i);
        }
        // The library remembers how each UNUSED piece was formed so it can be split again afterwards.
        Map<String, String[]> unusedSplits = new HashMap<>();
        List<String> merged = SymbolMerger.merge(symbols, frozen, (l, r) -> {
            String piece = l + r;
            Integer id = mergeable.get(piece);
            if (id == null) {
                return Double.NaN;
            }
            if (model.pieces().get(id).type() == PieceType.UNUSED) {
                unusedSplits.put(piece, new String[]{l, r});
            }
            return -(double) model.pieces().get(id).score();
        });
        for (String piece : merged) {
            resegment(piece, unusedSplits, out);
        }
    }

    private void resegment(String piece, Map<String, String[]> unusedSplits, List<Integer> out) {
        int id = pieceToId(piece);
        if (id != unkId && model.pieces().get(id).type() == PieceType.UNUSED) {
            String[] split = unusedSplits.get(piece);
            if (split != null) {
                resegment(split[0], unusedSplits, out);
                resegment(split[1], unusedSplits, out);
                return;
            }
        }
        if (id == unkId && model.trainer().byteFallback()) {
            for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                out.add(byteIds[b & 0xFF]);
            }
        } else {
            out.add(id);
        }
    }

    /** {@code PieceToId}: reserved pieces first, then the mergeable ones, else unknown. */
    private int pieceToId(String piece) {
        Integer id = reserved.get(piece);
        if (id == null) {
            id = mergeable.get(piece);
        }
        return id == null ? unkId : id;
    }

    /** The library's normaliser (normalizer.cc): charsmap rules, user-defined pieces kept, whitespace options. */
    String normalize(String input) {
        SentencePieceModel.Normalizer spec = model.normalizer();
        boolean suffix = model.trainer().treatWhitespaceAsSuffix();
        byte[] space = spec.escapeWhitespaces() ? SPACE_UTF8 : new byte[]{' '};
        byte[] in = input.getBytes(StandardCharsets.UTF_8);
        int i = 0;
        if (spec.removeExtraWhitespaces()) {
            while (i < in.length) {
                Prefix p = normalizePrefix(in, i);
                if (p.replacement().length != 1 || p.replacement()[0] != ' ') {
                    break;
                }
                i += p.consumed();
            }
        }
        if (i == in.length) {
            return "";
        }
        Utf8.Bytes out = new Utf8.Bytes();
        if (!suffix && spec.addDummyPrefix()) {
            out.writeBytes(space);
        }
        boolean prevSpace = spec.removeExtraWhitespaces();
        while (i < in.length) {
            Prefix p = normalizePrefix(in, i);
            byte[] chunk = p.replacement();
            i += p.consumed();
            int from = 0;
            if (prevSpace) {
                while (from < chunk.length && chunk[from] == ' ') {
                    from++;
                }
            }
            if (from < chunk.length) {
                for (int k = from; k < chunk.length; k++) {
                    if (chunk[k] == ' ' && spec.escapeWhitespaces()) {
                        out.writeBytes(SPACE_UTF8);
                    } else {
                        out.write(chunk[k]);
                    }
                }
                prevSpace = spec.removeExtraWhitespaces() && chunk[chunk.length - 1] == ' ';
            }
        }
        int length = out.length();
        if (spec.removeExtraWhitespaces()) {
            while (length >= space.length
                    && Arrays.equals(out.array(), length - space.length, length, space, 0, space.length)) {
                length -= space.length;
            }
        }
        String normalized = new String(out.array(), 0, length, StandardCharsets.UTF_8);
        return suffix && spec.addDummyPrefix() ? normalized + new String(space, StandardCharsets.UTF_8) : normalized;
    }

    /**
     * {@code NormalizePrefix}: a user-defined piece as it is, else the longest charsmap rule, else one
     * UTF-8 character (a malformed byte becomes U+FFFD).
     */
    private Prefix normalizePrefix(byte[] in, int pos) {
        for (byte[] piece : userDefinedUtf8) {
            if (Arrays.equals(in, pos, Math.min(in.length, pos + piece.length), piece, 0, piece.length)) {
                return new Prefix(piece, piece.length);
            }
        }
        if (charsMap != null) {
            int[] m = charsMap.longestMatch(in, pos);
            if (m != null) {
                return new Prefix(charsMap.replacement(m[1]), m[0]);
            }
        }
        int len = Utf8.validCharLength(in, pos);
        return len == 0 ? new Prefix(REPLACEMENT_UTF8, 1) : new Prefix(Arrays.copyOfRange(in, pos, pos + len), len);
    }

    /** Normalised bytes for a prefix of the input, and how many input bytes they replace. */
    private record Prefix(byte[] replacement, int consumed) {
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder out = new StringBuilder();
        Utf8.Bytes bytes = new Utf8.Bytes();
        boolean atStart = true;
        boolean stripLeadingSpace = model.normalizer().addDummyPrefix() || model.normalizer().removeExtraWhitespaces();
        for (int id : ids) {
            Piece p = piece(id);
            if (p.type() == PieceType.BYTE) {
                bytes.write(BytePieces.parse(p.piece()));
                atStart = false;
                continue;
            }
            flush(bytes, out);
            switch (p.type()) {
                case CONTROL -> {
                    if (!skipSpecialTokens) {
                        out.append(p.piece());
                        atStart = false;
                    }
                }
                case UNKNOWN -> {
                    out.append(model.trainer().unkSurface());
                    atStart = false;
                }
                default -> {
                    String piece = p.piece();
                    boolean consumed = atStart && stripLeadingSpace && !model.trainer().treatWhitespaceAsSuffix()
                            && piece.startsWith(SPACE);
                    if (consumed) {
                        piece = piece.substring(SPACE.length());
                    }
                    out.append(piece.replace(SPACE, " "));
                    // As the library: with remove_extra_whitespaces every leading "▁" piece is dropped, otherwise
                    // only the first; a piece with visible text always ends the start.
                    if (!piece.isEmpty() || (consumed && !model.normalizer().removeExtraWhitespaces())) {
                        atStart = false;
                    }
                }
            }
        }
        flush(bytes, out);
        return out.toString();
    }

    private static void flush(Utf8.Bytes bytes, StringBuilder out) {
        if (bytes.length() > 0) {
            out.append(Utf8.decodeLenient(bytes.array(), 0, bytes.length()));
            bytes.reset();
        }
    }

    private Piece piece(int id) {
        if (id < 0 || id >= model.pieces().size()) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary [0, " + model.pieces().size() + ")");
        }
        return model.pieces().get(id);
    }

    @Override
    public int tokenToId(String token) {
        Integer id = reserved.get(token);
        if (id == null) {
            id = mergeable.get(token);
        }
        return id == null ? -1 : id;
    }

    @Override
    public String idToToken(int id) {
        return piece(id).piece();
    }

    @Override
    public int vocabSize() {
        return model.pieces().size();
    }

    @Override
    public int bosId() {
        return controlId(model.trainer().bosId());
    }

    @Override
    public int eosId() {
        return controlId(model.trainer().eosId());
    }

    @Override
    public int padId() {
        return controlId(model.trainer().padId());
    }

    @Override
    public int unkId() {
        return unkId;
    }

    private int controlId(int id) {
        return id >= 0 && id < model.pieces().size() ? id : -1;
    }

    @Override
    public boolean isSpecial(int id) {
        return id >= 0 && id < model.pieces().size() && model.pieces().get(id).type() == PieceType.CONTROL;
    }
}
