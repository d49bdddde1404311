package org.efuf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Arguments are checked before any work, with the option's name and what is wrong. */
class ArgumentChecksTest {
    @TempDir Path tmp;

    private Path folder(String name) throws IOException { return Files.createDirectories(tmp.resolve(name)); }

    @Test
    void infinityAndNanAreRefusedForEveryNumber() throws IOException {
        String[] unlearn = {"unlearn", "--model", folder("m").toString(), "--data", folder("d").toString(), "--images", folder("i").toString(),
                "--out", tmp.resolve("o").toString()};
        for (String[] bad : new String[][] {{"--lr", "Infinity"}, {"--lambda1", "NaN"}, {"--lambda2", "-Infinity"}, {"--weight-decay", "nan"}}) {
            String[] args = java.util.Arrays.copyOf(unlearn, unlearn.length + 2);
            args[unlearn.length] = bad[0];
            args[unlearn.length + 1] = bad[1];
            ChairCommandTest.Run r = ChairCommandTest.efuf(args);
            assertEquals(2, r.rc(), "usage error for " + String.join(" ", bad));
            assertTrue(r.err().contains(bad[0]) && (r.err().contains("not a finite number") || r.err().contains("is not a number")), r.err());
        }
        ChairCommandTest.Run t0 = ChairCommandTest.efuf("form-dataset", "--model", "m", "--clip", "c", "--images", "i", "--out", "o", "--t0", "Infinity");
        assertTrue(t0.rc() == 2 && t0.err().contains("--t0"), t0.err());
        assertFalse(Files.exists(tmp.resolve("o")), "nothing was written");
    }

    @Test
    void aTargetPrecisionOutsideZeroToOneIsNamedBeforeAnyWork() {
        for (String bad : new String[] {"1.0", "0", "1.5"}) {
            ChairCommandTest.Run r = ChairCommandTest.efuf("demo", "--out", tmp.resolve("o").toString(), "--cache", tmp.resolve("c").toString(),
                    "--target-precision", bad);
            assertEquals(1, r.rc(), r.err());
            assertTrue(r.err().contains("--target-precision must be between 0 and 1 (exclusive), got " + Double.parseDouble(bad)), r.err());
        }
        assertFalse(Files.exists(tmp.resolve("o")) || Files.exists(tmp.resolve("c")), "nothing was written");
    }

    @Test
    void anUnknownRepeatsChoiceIsNamedBeforeAnyWork() throws IOException {
        ChairCommandTest.Run r = ChairCommandTest.efuf("form-dataset", "--model", folder("m").toString(), "--clip", folder("c").toString(),
                "--images", folder("i").toString(), "--out", tmp.resolve("o").toString(), "--repeats", "sometimes", "--separator-in-target");
        assertEquals(1, r.rc(), r.err());
        assertTrue(r.err().contains("--repeats must be kept, left-out or unlearned, got sometimes"), r.err());
        assertFalse(Files.exists(tmp.resolve("o")), "nothing was written");
    }

    @Test
    void outputPathsAreCheckedBeforeAnyWork() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        ChairCommandTest.Run r = ChairCommandTest.efuf("unlearn", "--model", folder("m").toString(), "--data", folder("d").toString(),
                "--images", folder("i").toString(), "--out", file.toString());
        assertEquals(1, r.rc());
        assertTrue(r.err().contains("--out " + file + " is a file; give a folder"), r.err());
        Path under = file.resolve("sub");
        ChairCommandTest.Run below = ChairCommandTest.efuf("evaluate", "--model", folder("m").toString(), "--images", folder("i").toString(),
                "--annotations", file.toString(), "--out", under.toString());
        assertTrue(below.rc() == 1 && below.err().contains("is a file, so no folder can be made under it"), below.err());
        assertFalse(below.err().contains("Exception"), below.err());
        ChairCommandTest.Run forward = ChairCommandTest.efuf("forward", "--model", folder("m").toString(), "--inputs", file.toString(),
                "--out", folder("a-folder").toString());
        assertTrue(forward.rc() == 1 && forward.err().contains("is a folder; give the name of the file to write"), forward.err());
        ChairCommandTest.Run missing = ChairCommandTest.efuf("form-dataset", "--model", tmp.resolve("nowhere").toString(), "--clip", "c",
                "--images", "i", "--out", "o");
        assertTrue(missing.rc() == 1 && missing.err().contains("--model " + tmp.resolve("nowhere") + ": not a directory"), missing.err());
    }

    @Test
    void engineOptionsAreCheckedAndAMissingEngineIsNamed() throws IOException {
        String[] base = {"form-dataset", "--model", folder("m").toString(), "--clip", folder("c").toString(), "--images", folder("i").toString(),
                "--out", tmp.resolve("o").toString()};
        ChairCommandTest.Run unknown = ChairCommandTest.efuf(concat(base, "--engine", "flink"));
        assertTrue(unknown.rc() == 1 && unknown.err().contains("--engine must be local or spark, got flink"), unknown.err());
        ChairCommandTest.Run master = ChairCommandTest.efuf(concat(base, "--master", "local[2]"));
        assertTrue(master.rc() == 1 && master.err().contains("--master and --partitions need --engine spark"), master.err());
        // this module does not depend on Spark: the engine is a service of the spark module, absent from this class path
        ChairCommandTest.Run spark = ChairCommandTest.efuf(concat(base, "--engine", "spark", "--master", "local[1]"));
        assertTrue(spark.rc() == 1 && spark.err().contains("no dataset-formation engine 'spark' on the class path (found: none)"), spark.err());
        assertFalse(Files.exists(tmp.resolve("o")), "nothing was written");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void runChecksTheAnnotationsBeforeFormingTheDataset() throws IOException {
        ChairCommandTest.Run r = ChairCommandTest.efuf("run", "--model", folder("m").toString(), "--clip", folder("c").toString(),
                "--train-images", folder("t").toString(), "--eval-images", folder("e").toString(), "--out", tmp.resolve("o").toString());
        assertEquals(1, r.rc());
        assertTrue(r.err().contains("--eval-images needs --annotations"), r.err());
        assertFalse(Files.exists(tmp.resolve("o")), "no stage started");
    }

    /** The schedule's options are checked before anything is read or trained: a wrong word, an interval, a limit, no ground truth. */
    @Test
    void scheduleOptionsAreCheckedBeforeAnyWork() throws IOException {
        String[] unlearn = {"unlearn", "--model", folder("m").toString(), "--data", folder("d").toString(), "--images", folder("i").toString(),
                "--out", tmp.resolve("o").toString()};
        String[][] cases = {
                {"--schedule", "early", "--schedule must be one of paper, validation; got early"},
                {"--schedule", "validation", "--schedule validation measures CHAIR on the dataset's validation images and needs their ground truth: give --annotations"},
                {"--validate-every", "0", "--validate-every must be >= 1 step, got 0"},
                {"--eval-every", "-3", "--validate-every must be >= 1 step, got -3"},
                {"--recall-limit", "1.5", "--recall-limit must be a fraction in [0, 1], got 1.5"},
                {"--validation-max-new-tokens", "0", "--validation-max-new-tokens must be >= 1, got 0"},
                {"--validation-passes", "0", "--validation-passes must be >= 1, got 0"}};
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOf(unlearn, unlearn.length + 2);
            args[unlearn.length] = c[0];
            args[unlearn.length + 1] = c[1];
            ChairCommandTest.Run r = ChairCommandTest.efuf(args);
            assertEquals(1, r.rc(), String.join(" ", c));
            assertTrue(r.err().contains(c[2]), r.err());
        }
        ChairCommandTest.Run run = ChairCommandTest.efuf("run", "--model", folder("m").toString(), "--clip", folder("c").toString(),
                "--train-images", folder("t").toString(), "--out", tmp.resolve("o").toString(), "--schedule", "validation");
        assertTrue(run.rc() == 1 && run.err().contains("needs their ground truth: give --annotations"), run.err());
        ChairCommandTest.Run noneHeldOut = ChairCommandTest.efuf("run", "--model", folder("m").toString(), "--clip", folder("c").toString(),
                "--train-images", folder("t").toString(), "--out", tmp.resolve("o").toString(), "--schedule", "validation",
                "--annotations", Files.writeString(tmp.resolve("a.jsonl"), "").toString(), "--validation-share", "0");
        assertTrue(noneHeldOut.rc() == 1 && noneHeldOut.err().contains("give a --validation-share above 0"), noneHeldOut.err());
        assertFalse(Files.exists(tmp.resolve("o")), "nothing was written");
    }

    @Test
    void anInterruptedResumableCommandSaysHowToResume() {
        assertEquals("efuf unlearn: interrupted; what was finished is kept: run the same command again to resume", EfufCommand.interruptNotice("unlearn"));
        assertFalse(EfufCommand.interruptNotice("bench").contains("resume"));
    }

    /** Every command's summary (the first description line, shown by 'efuf --help') is a whole sentence. */
    @Test
    void helpSummariesEndTheirSentences() {
        CommandLine cli = EfufCommand.commandLine();
        for (var e : cli.getSubcommands().entrySet()) {
            String[] description = e.getValue().getCommandSpec().usageMessage().description();
            if (e.getKey().equals("help")) continue;
            assertTrue(description.length > 0, e.getKey());
            for (String line : description) {
                String l = line.strip();
                assertTrue(l.endsWith(".") || l.endsWith(":"), e.getKey() + ": description line does not end a sentence: " + l);
            }
        }
    }
}
