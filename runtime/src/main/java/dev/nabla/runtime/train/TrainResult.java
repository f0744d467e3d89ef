package dev.nabla.runtime.train;

import java.util.List;

/**
 * How a run ended.
 *
 * @param history   one entry per epoch trained (the last may be partial with {@code --steps})
 * @param steps     optimizer steps taken
 * @param bestEpoch with early stopping, the epoch whose weights the model now holds; otherwise the last epoch
 * @param stopReason why training ended early, or {@code null} when it ran as planned
 */
public record TrainResult(List<EpochStats> history, long steps, int bestEpoch, String stopReason) {

    public TrainResult {
        history = List.copyOf(history);
    }
}
