package org.efuf4j.efuf.pipeline;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A console progress bar (step count, rate, ETA) on standard error for long stages. */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    public Progress(String task, long total, long alreadyDone) {
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .showSpeed().setUpdateIntervalMillis(500).continuousUpdate().startsFrom(alreadyDone, java.time.Duration.ZERO).build();
    }

    public void step() { bar.step(); }

    public void extra(String message) { bar.setExtraMessage(message); }

    @Override public void close() { bar.close(); }
}
