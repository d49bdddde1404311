package org.efuf4j.models.tokenizer;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of SentencePiece's {@code ModelProto} ({@code sentencepiece_model.proto}) that encoding
 * and decoding depend on, read field by field with protobuf's wire format so no generated code is needed.
 */
public record SentencePieceModel(List<Piece> pieces, Trainer trainer, Normalizer normalizer) {

    /** {@code ModelProto.SentencePiece.Type}. */
    public enum PieceType {
        NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

        final int wire;

        PieceType(int wire) {
            this.wire = wire;
        }

        static PieceType of(int wire, int pieceIndex) throws IOException {
            for (PieceType t : values()) {
                if (t.wire == wire) {
                    return t;
                }
            }
            throw new IOException("piece " + pieceIndex + ": unknown SentencePiece type " + wire + " (expected 1..6)");
        }
    }

    /** {@code TrainerSpec.ModelType}. */
    public enum ModelType { UNIGRAM, BPE, WORD, CHAR }

    public record Piece(String piece, float score, PieceType type) {
    }

    /** Fields of {@code TrainerSpec} that matter after training; defaults as in the proto. */
    public record Trainer(ModelType modelType, int vocabSize, boolean byteFallback, boolean treatWhitespaceAsSuffix,
                          int unkId, int bosId, int eosId, int padId, String unkSurface) {
    }

    /** Fields of {@code NormalizerSpec}; defaults as in the proto. */
    public record Normalizer(String name, byte[] precompiledCharsmap, boolean addDummyPrefix,
                             boolean removeExtraWhitespaces, boolean escapeWhitespaces) {
    }

    public static SentencePieceModel read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(CodedInputStream.newInstance(in), file.toString());
        } catch (IOException e) {
            throw new IOException(file + ": not a readable SentencePiece model: " + e.getMessage(), e);
        }
    }

    public static SentencePieceModel parse(byte[] bytes, String source) throws IOException {
        return parse(CodedInputStream.newInstance(bytes), source);
    }

    private static SentencePieceModel parse(CodedInputStream in, String source) throws IOException {
        in.setSizeLimit(Integer.MAX_VALUE);
        List<Piece> pieces = new ArrayList<>();
        Trainer trainer = readTrainer(null);
        Normalizer normalizer = readNormalizer(null);
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> pieces.add(nested(in, sub -> readPiece(sub, pieces.size())));
                case 2 -> trainer = nested(in, SentencePieceModel::readTrainer);
                case 3 -> normalizer = nested(in, SentencePieceModel::readNormalizer);
                default -> in.skipField(tag);
            }
        }
        if (pieces.isEmpty()) {
            throw new IOException(source + ": ModelProto has no pieces (field 1)");
        }
        return new SentencePieceModel(List.copyOf(pieces), trainer, normalizer);
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(CodedInputStream in) throws IOException;
    }

    private static <T> T nested(CodedInputStream in, Reader<T> reader) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        T value = reader.read(in);
        in.checkLastTagWas(0);
        in.popLimit(limit);
        return value;
    }

    private static Piece readPiece(CodedInputStream in, int index) throws IOException {
        String piece = null;
        float score = 0f;
        PieceType type = PieceType.NORMAL;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> piece = in.readString();
                case 2 -> score = in.readFloat();
                case 3 -> type = PieceType.of(in.readEnum(), index);
                default -> in.skipField(tag);
            }
        }
        if (piece == null || piece.isEmpty()) {
            throw new IOException("piece " + index + ": empty piece string (SentencePiece requires one)");
        }
        return new Piece(piece, score, type);
    }

    /** Reads a TrainerSpec, or returns the proto defaults when {@code in} is null. */
    private static Trainer readTrainer(CodedInputStream in) throws IOException {
        ModelType modelType = ModelType.UNIGRAM;
        int vocabSize = 8000;
        boolean byteFallback = false;
        boolean suffix = false;
        int unk = 0, bos = 1, eos = 2, pad = -1;
        String unkSurface = " \u2047 ";
        int tag;
        while (in != null && (tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 3 -> {
                    int t = in.readEnum();
                    if (t < 1 || t > 4) {
                        throw new IOException("trainer_spec.model_type: expected 1..4, got " + t);
                    }
                    modelType = ModelType.values()[t - 1];
                }
                case 4 -> vocabSize = in.readInt32();
                case 24 -> suffix = in.readBool();
                case 35 -> byteFallback = in.readBool();
                case 40 -> unk = in.readInt32();
                case 41 -> bos = in.readInt32();
                case 42 -> eos = in.readInt32();
                case 43 -> pad = in.readInt32();
                case 44 -> unkSurface = in.readString();
                default -> in.skipField(tag);
            }
        }
        return new Trainer(modelType, vocabSize, byteFallback, suffix, unk, bos, eos, pad, unkSurface);
    }

    /** Reads a NormalizerSpec, or returns the proto defaults when {@code in} is null. */
    private static Normalizer readNormalizer(CodedInputStream in) throws IOException {
        String name = "";
        byte[] charsmap = new byte[0];
        boolean dummyPrefix = true, removeExtra = true, escape = true;
        int tag;
        while (in != null && (tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = in.readString();
                case 2 -> charsmap = in.readByteArray();
                case 3 -> dummyPrefix = in.readBool();
                case 4 -> removeExtra = in.readBool();
                case 5 -> escape = in.readBool();
                default -> in.skipField(tag);
            }
        }
        return new Normalizer(name, charsmap, dummyPrefix, removeExtra, escape);
    }
}
