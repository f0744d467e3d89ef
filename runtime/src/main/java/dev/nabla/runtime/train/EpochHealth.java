package dev.nabla.runtime.train;

import java.util.List;

/**
 * Gradient health of one epoch ({@link GradientHealth}): per parameter tensor, the gradient norm, weight norm and
 * update-to-weight ratio, each the mean over the epoch's steps; per ReLU-family activation, how many of its units
 * were never active on any training example of the epoch; how many steps clipping scaled the gradients down; and
 * the warnings these numbers raised.
 *
 * @param steps        optimizer steps measured
 * @param clippedSteps steps on which global-norm clipping scaled the gradients down
 */
public record EpochHealth(List<Param> params, List<Activity> activations, int steps, int clippedSteps,
                          List<String> warnings) {

    public EpochHealth {
        params = List.copyOf(params);
        activations = List.copyOf(activations);
        warnings = List.copyOf(warnings);
    }

    /**
     * One parameter tensor.
     *
     * @param name        e.g. {@code hidden.W}
     * @param line        the model source line that declares it (0 when unknown)
     * @param rank        its rank: the layers' weights (matrices, convolution kernels) have rank 2 or more
     * @param gradNorm    mean over the steps of ||g||, the gradient as the training step computed it (before
     *                    clipping)
     * @param weightNorm  mean over the steps of ||w|| before the step
     * @param updateRatio mean over the steps of ||w_after - w|| / ||w|| (steps with w = 0 left out; NaN if all were)
     */
    public record Param(String name, int line, int rank, double gradNorm, double weightNorm, double updateRatio) {

        /** The layer the tensor belongs to: its name without the last {@code .part} ({@code hidden} of hidden.W). */
        public String layer() {
            int dot = name.lastIndexOf('.');
            return dot > 0 ? name.substring(0, dot) : name;
        }

        /** A layer's weights, as opposed to its bias or normalization scale. */
        public boolean weights() {
            return rank >= 2;
        }
    }

    /**
     * One ReLU-family activation (relu, leaky_relu, elu, or any {@code where(x > 0, x, ...)}).
     *
     * @param name  the activation's value, e.g. {@code hidden}
     * @param line  the model source line that computes it
     * @param units its units (features of a dense layer, channels of a convolution)
     * @param dead  units positive on no training example of the epoch
     */
    public record Activity(String name, int line, int units, int dead) {

        public double deadFraction() {
            return units == 0 ? 0 : dead / (double) units;
        }
    }

    public double clippedFraction() {
        return steps == 0 ? 0 : clippedSteps / (double) steps;
    }

    /** The layers' weight tensors (rank 2 or more), or every tensor when the model has none. */
    public List<Param> weightTensors() {
        List<Param> w = params.stream().filter(Param::weights).toList();
        return w.isEmpty() ? params : w;
    }
}
