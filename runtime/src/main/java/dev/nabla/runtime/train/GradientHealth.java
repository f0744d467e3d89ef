package dev.nabla.runtime.train;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient health of a training run, from the HEALTH buffers a model compiled with health has. The compiled kernels
 * do the per-element work: the update kernel of each parameter writes per-block sums of g^2, w^2 and (delta w)^2
 * into {@code health:update:NAME}, and the training step writes, per unit of each ReLU-family activation (and per
 * position of a convolution's channel), the largest value of the batch into {@code health:active:NAME}: positive
 * exactly when some example made the unit positive. This class reads those few floats after each step (a parameter
 * of n elements has 3 n / 1024 sums; an activation one maximum per unit, or per position of a channel), keeps the
 * epoch's running means and every unit's "ever active" bit, and at the end of the epoch gives an {@link EpochHealth}
 * with the {@link HealthWarnings} it raises.
 */
public final class GradientHealth {

    /** Prefix of the buffer holding a parameter's update sums. */
    public static final String UPDATE_PREFIX = "health:update:";
    /**
     * Prefix of the buffer holding an activation's batch maxima: shape {@code [units]}, or {@code [units, positions]}
     * (a convolution's channels, each over its positions), a unit active when any of its values is positive.
     */
    public static final String ACTIVE_PREFIX = "health:active:";

    /** The three sums of one update of one parameter tensor. */
    public record Sums(double gradSq, double weightSq, double updateSq) {

        public double gradNorm() {
            return Math.sqrt(gradSq);
        }

        public double weightNorm() {
            return Math.sqrt(weightSq);
        }

        /** ||delta w|| / ||w||, NaN when w is 0. */
        public double updateRatio() {
            return weightSq > 0 ? Math.sqrt(updateSq / weightSq) : Double.NaN;
        }
    }

    private record Tensor(String name, int line, int rank, int stats) {
    }

    /** {@code maxima}: the buffer's index; {@code positions}: its values per unit. */
    private record Activation(String name, int line, int maxima, int positions, boolean[] everActive) {
    }

    private final List<Tensor> params = new ArrayList<>();
    private final List<Activation> activations = new ArrayList<>();
    private final double[] gradNorm;
    private final double[] weightNorm;
    private final double[] ratio;
    private final int[] ratioSteps;
    private int steps;
    private int clippedSteps;
    private final HealthWarnings warnings;
    /** The run's first step's gradient norms, the reference "exploding" growth is measured against. */
    private double[] firstStep;

    private GradientHealth(ModelSpec spec) {
        String file = spec.sourceFile() == null ? "" : spec.sourceFile();
        warnings = new HealthWarnings(file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1));
        List<BufferSpec> all = spec.buffers();
        for (int i = 0; i < all.size(); i++) {
            BufferSpec b = all.get(i);
            if (b.role() != BufferRole.HEALTH) {
                continue;
            }
            if (b.name().startsWith(UPDATE_PREFIX)) {
                int param = spec.indexOf(b.of());
                params.add(new Tensor(b.of(), b.line(), param < 0 ? 0 : all.get(param).rank(), i));
            } else if (b.name().startsWith(ACTIVE_PREFIX)) {
                int units = b.rank() == 0 ? 1 : b.shape()[0];
                activations.add(new Activation(b.of(), b.line(), i, b.size(1) / units, new boolean[units]));
            }
        }
        gradNorm = new double[params.size()];
        weightNorm = new double[params.size()];
        ratio = new double[params.size()];
        ratioSteps = new int[params.size()];
    }

    /** Health of a run of {@code spec}'s model, or null when it was compiled without health. */
    public static GradientHealth of(ModelSpec spec) {
        return spec.indicesOf(BufferRole.HEALTH).isEmpty() ? null : new GradientHealth(spec);
    }

    public static String updateName(String param) {
        return UPDATE_PREFIX + param;
    }

    public static String activeName(String value) {
        return ACTIVE_PREFIX + value;
    }

    /** The sums of one step from a parameter's stats buffer (the blocks' sums, added in block order). */
    public static Sums sums(float[] stats) {
        return new Sums(blockSum(stats, 0), blockSum(stats, 1), blockSum(stats, 2));
    }

    /** Sum {@code which} (0: g^2, 1: w^2, 2: update^2) of a stats buffer's blocks, added in block order. */
    private static double blockSum(float[] stats, int which) {
        double sum = 0;
        for (int k = 0; k + 2 < stats.length; k += 3) {
            sum += stats[k + which];
        }
        return sum;
    }

    /**
     * The sum of g^2 over every parameter's blocks of the last update: not finite when some gradient was not finite
     * (or a block's float sum overflowed). Read without allocating, as the fused step checks it on every step.
     */
    public double gradSqSum(float[][] buffers) {
        double sum = 0;
        for (int p = 0; p < params.size(); p++) {
            sum += blockSum(buffers[params.get(p).stats()], 0);
        }
        return sum;
    }

    /** After {@code trainStep}: the units active on this batch. */
    public void afterTrainStep(float[][] buffers) {
        for (Activation a : activations) {
            float[] maxima = buffers[a.maxima()];
            boolean[] ever = a.everActive();
            int positions = a.positions();
            for (int u = 0; u < ever.length; u++) {
                for (int p = u * positions; !ever[u] && p < (u + 1) * positions; p++) {
                    ever[u] = maxima[p] > 0;
                }
            }
        }
    }

    /** After {@code update}: the step's norms; {@code clipped} when clipping scaled the gradients down. */
    public void afterUpdate(float[][] buffers, boolean clipped) {
        boolean first = firstStep == null;
        if (first) {
            firstStep = new double[params.size()];
        }
        for (int p = 0; p < params.size(); p++) {
            Sums s = sums(buffers[params.get(p).stats()]);
            if (first) {
                firstStep[p] = s.gradNorm();
            }
            gradNorm[p] += s.gradNorm();
            weightNorm[p] += s.weightNorm();
            double r = s.updateRatio();
            if (!Double.isNaN(r)) {
                ratio[p] += r;
                ratioSteps[p]++;
            }
        }
        steps++;
        if (clipped) {
            clippedSteps++;
        }
    }

    /** The epoch's health (or of the steps so far, when it ended early) with its warnings; starts the next epoch. */
    public EpochHealth endEpoch() {
        List<EpochHealth.Param> ps = new ArrayList<>();
        for (int p = 0; p < params.size(); p++) {
            Tensor t = params.get(p);
            ps.add(new EpochHealth.Param(t.name(), t.line(), t.rank(), mean(gradNorm[p], steps), mean(weightNorm[p], steps),
                    mean(ratio[p], ratioSteps[p])));
        }
        List<EpochHealth.Activity> as = new ArrayList<>();
        for (Activation a : activations) {
            int dead = 0;
            for (boolean on : a.everActive()) {
                dead += on ? 0 : 1;
            }
            as.add(new EpochHealth.Activity(a.name(), a.line(), a.everActive().length, dead));
            java.util.Arrays.fill(a.everActive(), false);
        }
        EpochHealth measured = new EpochHealth(ps, as, steps, clippedSteps, List.of());
        EpochHealth e = new EpochHealth(ps, as, steps, clippedSteps, steps == 0 ? List.of() : warnings.check(measured, firstStep));
        java.util.Arrays.fill(gradNorm, 0);
        java.util.Arrays.fill(weightNorm, 0);
        java.util.Arrays.fill(ratio, 0);
        java.util.Arrays.fill(ratioSteps, 0);
        steps = 0;
        clippedSteps = 0;
        return e;
    }

    private static double mean(double sum, int n) {
        return n == 0 ? Double.NaN : sum / n;
    }
}
