package dev.nabla.spark;

/**
 * Where the time of a run's steps went, summed over steps, as the driver sees it: making the weights' broadcast, the
 * Spark job that computes and combines the partitions' gradients (task launch, fetching the broadcast, the kernels,
 * sending results, merging), within it the slowest task's own computation, and the optimizer update. Bytes are
 * those of one step: down to each partition, and up from each partition that holds rows of the batch.
 */
public record StepTimings(long steps, long broadcastNanos, long jobNanos, long computeNanos, long updateNanos,
                          long bytesDown, long bytesUp) {

    static final StepTimings NONE = new StepTimings(0, 0, 0, 0, 0, 0, 0);

    StepTimings plus(long broadcast, long job, long compute, long update) {
        return new StepTimings(steps + 1, broadcastNanos + broadcast, jobNanos + job, computeNanos + compute,
                updateNanos + update, bytesDown, bytesUp);
    }

    StepTimings withBytes(long down, long up) {
        return new StepTimings(steps, broadcastNanos, jobNanos, computeNanos, updateNanos, down, up);
    }

    private double ms(long nanos) {
        return steps == 0 ? 0 : nanos / 1e6 / steps;
    }

    /**
     * "per step (mean of 90): broadcast 0.31 ms, gradient job 14.20 ms (slowest task computing 9.80 ms, so 4.40 ms of
     * scheduling, transfer and merging), update 0.25 ms; 0.94 MB down and 0.94 MB up per partition".
     */
    public String describe() {
        return String.format("per step (mean of %d): broadcast %.2f ms, gradient job %.2f ms (slowest task computing"
                + " %.2f ms, so %.2f ms of scheduling, transfer and merging), update %.2f ms; %.2f MB down and %.2f MB up"
                + " per partition", steps, ms(broadcastNanos), ms(jobNanos), ms(computeNanos),
                ms(jobNanos - computeNanos), ms(updateNanos), bytesDown / 1e6, bytesUp / 1e6);
    }
}
