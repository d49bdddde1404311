package org.efuf4j.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.efuf4j.efuf.io.Digests;
import org.efuf4j.efuf.pipeline.ImageFolder;

/**
 * The images of a formation job, listed on the driver through Hadoop's file systems (local, HDFS, S3-style): a folder's
 * image files, or the lines of a manifest file (one path per line, relative to the manifest's folder unless absolute;
 * blank lines and lines starting with # ignored). Records name images by file name, as the single-process command
 * does, so file names must be unique.
 */
record ImageListing(List<Entry> entries) {
    /** One image: its file name (the records' key), where it lies, and its size (-1 when unknown). */
    record Entry(String name, String path, long size) implements Serializable {}

    static ImageListing of(String location, Configuration conf) {
        Path where = new Path(location);
        try {
            FileSystem fs = where.getFileSystem(conf);
            if (!fs.exists(where)) throw new IllegalArgumentException("--images " + location + ": no such folder or manifest file");
            List<Entry> entries = fs.getFileStatus(where).isDirectory() ? folder(fs, where) : manifest(fs, where, conf);
            if (entries.isEmpty()) throw new IllegalArgumentException("--images " + location + " lists no images");
            entries.sort(Comparator.comparing(Entry::name));
            Map<String, String> seen = new HashMap<>();
            for (Entry e : entries) {
                String other = seen.put(e.name(), e.path());
                if (other != null) throw new IllegalArgumentException("--images " + location + ": two images are named " + e.name() + " ("
                        + other + " and " + e.path() + "); records key images by file name, so names must be unique");
            }
            return new ImageListing(List.copyOf(entries));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list --images " + location + ": " + e.getMessage(), e);
        }
    }

    private static List<Entry> folder(FileSystem fs, Path dir) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (s.isFile() && ImageFolder.isImageName(name)) out.add(new Entry(name, new Path(dir, name).toString(), s.getLen()));
        }
        return out;
    }

    private static List<Entry> manifest(FileSystem fs, Path file, Configuration conf) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                Path p = new Path(l);
                if (!p.isAbsolute() && !URI.create(l.replace(" ", "%20")).isAbsolute()) p = new Path(file.getParent(), l);
                long size;
                try {
                    size = p.getFileSystem(conf).getFileStatus(p).getLen();
                } catch (java.io.FileNotFoundException e) {
                    size = -1; // listed but missing: the job records it as skipped, as an unreadable image
                }
                if (p.getName().isEmpty()) throw new IllegalArgumentException(file + " line " + n + ": '" + l + "' names no file");
                out.add(new Entry(p.getName(), p.toString(), size));
            }
        }
        return out;
    }

    List<String> names() { return entries.stream().map(Entry::name).toList(); }

    /** The same digest {@code efuf form-dataset} keeps for a local folder, so the provenance of both engines agrees. */
    String digest() {
        long[] sizes = new long[entries.size()];
        for (int i = 0; i < sizes.length; i++) sizes[i] = entries.get(i).size();
        return Digests.ofListing(names(), sizes);
    }
}
