package org.efuf4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.efuf4j.efuf.io.Digests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing images through Hadoop's file systems, without a Spark session. */
class ImageListingTest {
    @TempDir Path tmp;

    @Test
    void aFolderAndAManifestListTheSameImagesWithTheSingleProcessDigest() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("images"));
        Files.write(dir.resolve("b.png"), new byte[] {1, 2, 3});
        Files.write(dir.resolve("a.jpg"), new byte[] {1});
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        ImageListing folder = ImageListing.of(dir.toString(), new Configuration());
        assertEquals(List.of("a.jpg", "b.png"), folder.names());
        assertEquals(Digests.ofListing(dir, List.of("a.jpg", "b.png")), folder.digest(), "the provenance digest of a local folder");

        // relative to the manifest's folder, absolute, or a file: URI; comments and blank lines ignored
        Path manifest = tmp.resolve("manifest.txt");
        Files.writeString(manifest, "# training images\nimages/b.png\n\n" + dir.resolve("a.jpg").toUri() + "\n");
        ImageListing listed = ImageListing.of(manifest.toString(), new Configuration());
        assertEquals(folder.names(), listed.names());
        assertEquals(folder.digest(), listed.digest());
    }

    @Test
    void aMissingEntryIsListedForTheJobToSkipAndDuplicateNamesAreRefused() throws Exception {
        Path one = Files.createDirectories(tmp.resolve("one")), two = Files.createDirectories(tmp.resolve("two"));
        Files.write(one.resolve("x.png"), new byte[] {1});
        Files.write(two.resolve("x.png"), new byte[] {2});
        Path manifest = Files.writeString(tmp.resolve("m.txt"), "one/x.png\ngone.png\n");
        ImageListing listed = ImageListing.of(manifest.toString(), new Configuration());
        assertEquals(List.of("gone.png", "x.png"), listed.names());
        assertEquals(-1, listed.entries().get(0).size());

        Path twice = Files.writeString(tmp.resolve("twice.txt"), "one/x.png\ntwo/x.png\n");
        var e = assertThrows(IllegalArgumentException.class, () -> ImageListing.of(twice.toString(), new Configuration()));
        assertTrue(e.getMessage().contains("two images are named x.png") && e.getMessage().contains("names must be unique"), e.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> ImageListing.of(tmp.resolve("nowhere").toString(), new Configuration()));
        assertTrue(empty.getMessage().contains("no such folder or manifest file"), empty.getMessage());
    }
}
