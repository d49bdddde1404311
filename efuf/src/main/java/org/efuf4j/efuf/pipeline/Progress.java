package org.efuf4j.efuf.pipeline;

import java.io.PrintStream;
import java.util.Locale;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long stage on standard error. On a terminal: a bar redrawn in place (step count, rate, ETA). Elsewhere
 * (a log file, CI): a plain line every 10% or 60 s and one at the end, because a bar redrawn with carriage returns
 * fills a log file with thousands of copies. {@code EFUF_PROGRESS=bar|lines|off} overrides the choice.
 */
public final class Progress implements AutoCloseable {
    /** The bar being drawn on the terminal, if any: log lines clear it first so they do not land inside it. */
    private static volatile boolean barLive;

    private final ProgressBar bar;
    private final String task;
    private final long total, start, startNanos;
    private long done, lastPrintedNanos, lastPrintedTenth;
    private String extra = "";
    private final PrintStream lines;

    public Progress(String task, long total, long alreadyDone) {
        this.task = task;
        this.total = total;
        this.start = alreadyDone;
        this.done = alreadyDone;
        this.startNanos = lastPrintedNanos = System.nanoTime();
        this.lastPrintedTenth = total <= 0 ? 0 : alreadyDone * 10 / total;
        String mode = mode();
        if (mode.equals("bar")) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .showSpeed().setUpdateIntervalMillis(500).continuousUpdate().startsFrom(alreadyDone, java.time.Duration.ZERO).build();
            barLive = true;
            lines = null;
        } else {
            bar = null;
            lines = mode.equals("lines") ? System.err : null;
        }
    }

    /** "bar" when standard error is (as far as Java can tell) a terminal, else "lines"; EFUF_PROGRESS overrides. */
    static String mode() {
        String chosen = System.getenv("EFUF_PROGRESS");
        if (chosen != null && (chosen.equals("bar") || chosen.equals("lines") || chosen.equals("off"))) return chosen;
        java.io.Console console = System.console();
        return console != null && console.isTerminal() ? "bar" : "lines";
    }

    public void step() {
        done++;
        if (bar != null) {
            bar.step();
            return;
        }
        long now = System.nanoTime();
        long tenth = total <= 0 ? 0 : done * 10 / total;
        if (lines != null && done < total && (tenth > lastPrintedTenth || now - lastPrintedNanos > 60_000_000_000L)) {
            lastPrintedTenth = tenth;
            lastPrintedNanos = now;
            lines.println(line(now));
        }
    }

    public void extra(String message) {
        if (bar != null) bar.setExtraMessage(message);
        else extra = message;
    }

    String line(long now) {
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? (done - start) / seconds : 0;
        String eta = rate > 0 && done < total ? ", about " + clock((total - done) / rate) + " left" : "";
        return String.format(Locale.ROOT, "%s: %d/%d (%d%%), %.2f/s%s%s", task, done, total, total <= 0 ? 100 : done * 100 / total, rate, eta,
                extra.isEmpty() ? "" : ", " + extra);
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60) : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    /** Before a log or error line on standard error: clears a bar drawn on the terminal's current line. */
    public static void clearLine() {
        if (barLive) System.err.print("\r" + " ".repeat(120) + "\r");
    }

    @Override public void close() {
        if (bar != null) {
            bar.close();
            barLive = false;
        } else if (lines != null && done > start) {
            lines.println(line(System.nanoTime()));
        }
    }
}
