package org.efuf4j.efuf.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** SHA-256 digests of what produced a result: a model directory, a folder's file list, a set of files, a text. */
public final class Digests {
    private Digests() {}

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Every regular file directly in {@code dir} (config, weights, tokenizer, templates), by name and content. */
    public static String ofDirectory(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return ofFiles(s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + " to digest it: " + e.getMessage(), e);
        }
    }

    /** The files' names and contents, in the order given. */
    public static String ofFiles(List<Path> files) {
        MessageDigest md = sha256();
        byte[] buffer = new byte[1 << 20];
        for (Path f : files) {
            md.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            try (InputStream in = Files.newInputStream(f)) {
                for (int n; (n = in.read(buffer)) > 0; ) md.update(buffer, 0, n);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f + " to digest it: " + e.getMessage(), e);
            }
            md.update((byte) 0);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The names and sizes of {@code names} in {@code dir}: a list of inputs, cheap enough for thousands of images. */
    public static String ofListing(Path dir, List<String> names) {
        long[] sizes = new long[names.size()];
        for (int i = 0; i < sizes.length; i++) {
            try {
                sizes[i] = Files.size(dir.resolve(names.get(i)));
            } catch (IOException e) {
                sizes[i] = -1;
            }
        }
        return ofListing(names, sizes);
    }

    /** The same digest from names and sizes read elsewhere (another file system); -1 for a size that could not be read. */
    public static String ofListing(List<String> names, long[] sizes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) sb.append(names.get(i)).append('\t').append(sizes[i]).append('\n');
        return ofText(sb.toString());
    }

    public static String ofText(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
