package dev.nabla.runtime.train;

import java.io.PrintStream;

/**
 * Progress on a terminal: a live bar redrawn in place (samples/s, running loss, ETA) while an epoch runs, then
 * one summary line per epoch, followed by the gradient-health warnings it raised. Without a terminal (output piped to a
 * file or CI log) only the summary and warning lines.
 */
public final class ConsoleProgress implements ProgressListener {

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR = 24;

    private final PrintStream out;
    private final boolean live;
    private int epoch;
    private int epochs;
    private int batches;
    private int samples;
    private long started;
    private long lastDraw;
    private int drawnWidth;

    public ConsoleProgress(PrintStream out, boolean live) {
        this.out = out;
        this.live = live;
    }

    /** Live when the JVM runs attached to a terminal ({@code System.console() != null}). */
    public static ConsoleProgress forConsole(PrintStream out) {
        return new ConsoleProgress(out, System.console() != null);
    }

    @Override
    public void epochStarted(int epoch, int epochs, int batches, int samples) {
        this.epoch = epoch;
        this.epochs = epochs;
        this.batches = batches;
        this.samples = samples;
        this.started = System.nanoTime();
        this.lastDraw = 0;
    }

    @Override
    public void batchDone(int batch, int samplesDone, double runningLoss) {
        long now = System.nanoTime();
        if (!live || (now - lastDraw < REDRAW_NANOS && batch < batches)) {
            return;
        }
        lastDraw = now;
        draw(bar(batch, samplesDone, runningLoss, (now - started) / 1e9));
    }

    /** "epoch 3/30 [==========>-------------]  45%  12345 samples/s  loss 0.4321  ETA 3s". */
    String bar(int batch, int samplesDone, double runningLoss, double seconds) {
        double fraction = batches == 0 ? 1 : batch / (double) batches;
        int filled = (int) Math.round(fraction * BAR);
        double rate = seconds > 0 ? samplesDone / seconds : 0;
        double eta = rate > 0 ? (samples - samplesDone) / rate : 0;
        return String.format("epoch %d/%d [%s%s]  %3.0f%%  %.0f samples/s  loss %.4f  ETA %s", epoch, epochs,
                "=".repeat(filled), "-".repeat(BAR - filled), 100 * fraction, rate, runningLoss, duration(eta));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + "s" : s < 3600 ? (s / 60) + "m" + String.format("%02d", s % 60) + "s"
                : (s / 3600) + "h" + String.format("%02d", s % 3600 / 60) + "m";
    }

    private void draw(String line) {
        out.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
        out.flush();
        drawnWidth = line.length();
    }

    @Override
    public void epochDone(EpochStats stats) {
        if (live) {
            draw(stats.summary());
            out.println();
            drawnWidth = 0;
        } else {
            out.println(stats.summary());
        }
        if (stats.health() != null) {
            stats.health().warnings().forEach(w -> out.println("  warning: " + w));
        }
    }

    @Override
    public void info(String line) {
        out.println(line);
    }

    @Override
    public void stopped(String reason) {
        out.println(reason);
    }
}
