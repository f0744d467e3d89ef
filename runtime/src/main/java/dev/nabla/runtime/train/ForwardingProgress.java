package dev.nabla.runtime.train;

/** A listener that passes every event on to another; subclasses override the events they also act on. */
public class ForwardingProgress implements ProgressListener {

    private final ProgressListener inner;

    public ForwardingProgress(ProgressListener inner) {
        this.inner = inner;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int batches, int samples) {
        inner.epochStarted(epoch, epochs, batches, samples);
    }

    @Override
    public void batchDone(int batch, int samplesDone, double runningLoss) {
        inner.batchDone(batch, samplesDone, runningLoss);
    }

    @Override
    public void epochDone(EpochStats stats) {
        inner.epochDone(stats);
    }

    @Override
    public void info(String line) {
        inner.info(line);
    }

    @Override
    public void stopped(String reason) {
        inner.stopped(reason);
    }
}
