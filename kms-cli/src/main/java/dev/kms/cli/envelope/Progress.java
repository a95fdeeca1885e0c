package dev.kms.cli.envelope;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jline.nativ.CLibrary;

import java.util.function.LongConsumer;

/**
 * The progress bar of encrypt-file and decrypt-file on stderr: only when stderr is a terminal, and only once a run
 * has gone past {@link #THRESHOLD} bytes, so short runs and scripts stay quiet. Drawn by me.tongfei:progressbar.
 */
final class Progress implements LongConsumer, AutoCloseable {
    /** About a tenth of a second of work: below it a bar would only flicker. */
    static final long THRESHOLD = 64L << 20;
    private static final int STDERR = 2;

    private final String task;
    private final long total;
    private final boolean enabled;
    private long done;
    private ProgressBar bar;

    /** {@code total} bytes to go, or -1 when unknown (standard input). */
    private Progress(String task, long total, boolean enabled) {
        this.task = task;
        this.total = total;
        this.enabled = enabled;
    }

    static Progress onTerminal(String task, long total) {
        return new Progress(task, total, stderrIsTerminal());
    }

    @Override
    public void accept(long bytes) {
        done += bytes;
        if (!enabled) {
            return;
        }
        if (bar == null && done >= THRESHOLD) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" MiB", 1 << 20).showSpeed().continuousUpdate().build();
        }
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /**
     * isatty(2) through jline's native library (the one the bar itself uses); where that library has no build for
     * the platform, the JDK's weaker test, which needs stdin and stdout to be terminals too.
     */
    private static boolean stderrIsTerminal() {
        try {
            return CLibrary.isatty(STDERR) == 1;
        } catch (LinkageError e) {
            return System.console() != null;
        }
    }
}
