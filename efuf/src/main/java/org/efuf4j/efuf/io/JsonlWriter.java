package org.efuf4j.efuf.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Append-only JSON-lines writer for long runs: each record is one line ending in '\n', so a crash
 * can at worst leave one partial last line, which {@link JsonlReader} detects and drops. Opening
 * an existing file first cuts such a partial line off, so resumed runs never glue a new record
 * onto a fragment.
 */
public final class JsonlWriter implements Closeable, Flushable {
    private static final System.Logger LOG = System.getLogger(JsonlWriter.class.getName());

    private final Path path;
    private final FileChannel channel;
    private final Writer out;
    private final boolean flushEachRecord;
    private long written;

    private JsonlWriter(Path path, FileChannel channel, boolean flushEachRecord) {
        this.path = path;
        this.channel = channel;
        this.out = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8));
        this.flushEachRecord = flushEachRecord;
    }

    /** Opens for appending, flushing after every record (the safe default for checkpointed runs). */
    public static JsonlWriter append(Path path) {
        return append(path, true);
    }

    public static JsonlWriter append(Path path, boolean flushEachRecord) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            long size = channel.size();
            long keep = completeLinesLength(channel);
            if (keep < size) {
                String tail = readTail(channel, keep, size);
                if (JsonlReader.isCompleteRecord(tail.strip())) {
                    // a whole record without its newline (written by another tool): keep it, end its line
                    channel.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
                    keep = size + 1;
                } else {
                    LOG.log(System.Logger.Level.WARNING,
                            "{0}: dropping a partial last line of {1} bytes (interrupted write) before appending",
                            path, size - keep);
                    channel.truncate(keep);
                }
            }
            channel.position(keep);
            return new JsonlWriter(path, channel, flushEachRecord);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path + " for appending: " + e.getMessage(), e);
        }
    }

    /** Length of the file up to and including its last '\n' (0 if it has none). */
    private static long completeLinesLength(FileChannel channel) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        long end = channel.size();
        while (end > 0) {
            long start = Math.max(0, end - chunk.capacity());
            chunk.clear().limit((int) (end - start));
            while (chunk.hasRemaining()) {
                if (channel.read(chunk, start + chunk.position()) < 0) {
                    throw new IOException("file shrank while reading its tail");
                }
            }
            for (int i = (int) (end - start) - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    private static String readTail(FileChannel channel, long from, long to) throws IOException {
        if (to - from > Integer.MAX_VALUE - 8) {
            return ""; // a "line" of gigabytes is no record
        }
        ByteBuffer tail = ByteBuffer.allocate((int) (to - from));
        while (tail.hasRemaining()) {
            if (channel.read(tail, from + tail.position()) < 0) {
                break;
            }
        }
        return new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8);
    }

    public void write(Object record) {
        final String line;
        try {
            line = Json.MAPPER.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + record + " for " + path + ": " + e.getMessage(), e);
        }
        try {
            out.write(line);
            out.write('\n');
            written++;
            if (flushEachRecord) {
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + path + ": " + e.getMessage(), e);
        }
    }

    /** Records written through this writer (not counting those already in the file). */
    public long written() {
        return written;
    }

    public Path path() {
        return path;
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot flush " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + path + ": " + e.getMessage(), e);
        }
        if (channel.isOpen()) {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + path + ": " + e.getMessage(), e);
            }
        }
    }
}
