package dev.nabla.runtime.optim;

import dev.nabla.runtime.TrainConfig.Schedule;

/**
 * The learning rate at each optimizer step of a run. STEP and EXPONENTIAL decay per epoch (PyTorch's StepLR
 * and ExponentialLR stepped once per epoch); COSINE anneals from the base rate to 0 over all steps of the run
 * (CosineAnnealingLR with {@code T_max} = total steps, stepped per batch). A linear warm-up multiplies any of
 * them by {@code (step + 1) / warmupSteps} during the first {@code warmupSteps} steps, so the first step
 * already learns and the full rate is reached at step {@code warmupSteps - 1}.
 */
public final class LrSchedule {

    private final Schedule schedule;
    private final double baseLr;
    private final int stepsPerEpoch;
    private final long totalSteps;

    /**
     * @param stepsPerEpoch optimizer steps in one epoch (for the per-epoch decays)
     * @param totalSteps    optimizer steps of the whole run (for COSINE)
     */
    public LrSchedule(Schedule schedule, double baseLr, int stepsPerEpoch, long totalSteps) {
        if (stepsPerEpoch < 1 || totalSteps < 1) {
            throw new IllegalArgumentException("steps per epoch and total steps must be positive");
        }
        this.schedule = schedule;
        this.baseLr = baseLr;
        this.stepsPerEpoch = stepsPerEpoch;
        this.totalSteps = totalSteps;
    }

    /** Learning rate of the optimizer step with 0-based index {@code step}. */
    public double lrAt(long step) {
        return baseLr * decayFactor(step) * warmupFactor(step);
    }

    private double decayFactor(long step) {
        long epoch = step / stepsPerEpoch;
        switch (schedule.kind()) {
            case STEP:
                return Math.pow(schedule.gamma(), epoch / Math.max(1, schedule.stepSize()));
            case EXPONENTIAL:
                return Math.pow(schedule.gamma(), epoch);
            case COSINE:
                return (1 + Math.cos(Math.PI * Math.min(step, totalSteps) / totalSteps)) / 2;
            default:
                return 1;
        }
    }

    private double warmupFactor(long step) {
        int warmup = schedule.warmupSteps();
        return step < warmup ? (step + 1) / (double) warmup : 1;
    }
}
