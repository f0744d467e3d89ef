package dev.nabla.runtime.train;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What gradient health says in plain words: the warnings of an epoch, each naming the layer and its model line and
 * suggesting what the practice suggests. Gradient norms are compared between the layers' weight tensors (rank 2 or
 * more: dense matrices, convolution kernels), never biases. Each warning is given once per run per tensor (the CSV log
 * has every epoch's numbers). The thresholds, also stated in docs/insight.md:
 * <ul>
 *   <li>vanishing: a layer's gradient norm below {@link #VANISHING_OF_LARGEST} of the largest layer's in the same
 *       epoch, or below {@link #VANISHING_OF_FIRST} of its own on the run's first step;</li>
 *   <li>exploding: a layer's gradient norm above {@link #EXPLODING_GROWTH} times its own on the first step, or not
 *       finite; or steps that change the weights by more than {@link #EXPLODING_UPDATE_RATIO} times their own norm;
 *       or clipping active on more than {@link #MOSTLY_CLIPPED} of the steps;</li>
 *   <li>dead units: more than {@link #DEAD_UNITS} of an activation's units never active in an epoch.</li>
 * </ul>
 */
final class HealthWarnings {

    /** A layer whose gradient is below this fraction of the largest layer's learns orders of magnitude slower. */
    static final double VANISHING_OF_LARGEST = 1e-3;
    /** Four orders of magnitude below its start: more than the fall of a loss that converges (checked on samples). */
    static final double VANISHING_OF_FIRST = 1e-4;
    /** Two orders of magnitude above its start. */
    static final double EXPLODING_GROWTH = 100;
    /** A step larger than the weights themselves (healthy steps are around 1e-3 of them). */
    static final double EXPLODING_UPDATE_RATIO = 1;
    static final double MOSTLY_CLIPPED = 0.5;
    static final double DEAD_UNITS = 0.5;

    private static final String FOR_VANISHING = "Try He (ReLU) or Glorot (tanh, sigmoid) initialization, batch "
            + "normalization between the layers, or ReLU in place of sigmoid or tanh.";
    private static final String FOR_EXPLODING = "Try a lower learning rate, gradient clipping (clip = 1.0 in the train "
            + "block), batch normalization, or He/Glorot initialization.";
    private static final String FOR_DEAD = "Try leaky_relu or elu, a lower learning rate, He initialization, or batch "
            + "normalization before the activation.";

    private final String file;
    private final Set<String> given = new HashSet<>();

    HealthWarnings(String file) {
        this.file = file;
    }

    /**
     * The warnings {@code e} raises that were not given before, one per kind: a first line saying what and by which
     * threshold, one line per layer, a last line of remedies. {@code firstStep} is the run's first step's norms.
     */
    List<String> check(EpochHealth e, double[] firstStep) {
        List<String> exploding = new ArrayList<>();
        List<String> vanishing = new ArrayList<>();
        List<EpochHealth.Param> weights = e.weightTensors();
        EpochHealth.Param largest = null;
        for (EpochHealth.Param p : weights) {
            if (Double.isFinite(p.gradNorm()) && (largest == null || p.gradNorm() > largest.gradNorm())) {
                largest = p;
            }
        }
        boolean anyExploding = false;
        for (EpochHealth.Param p : weights) {
            double first = firstStep[e.params().indexOf(p)];
            double g = p.gradNorm();
            String why = null;
            if (!Double.isFinite(g)) {
                why = String.format(Locale.ROOT, "||grad %s|| is not finite", p.name());
            } else if (first > 0 && g > EXPLODING_GROWTH * first) {
                why = String.format(Locale.ROOT, "||grad %s|| = %.3g, %.3g times its first step's (threshold %.0f)",
                        p.name(), g, g / first, EXPLODING_GROWTH);
            } else if (p.updateRatio() > EXPLODING_UPDATE_RATIO) {
                why = String.format(Locale.ROOT, "a step changes %s by %.3g times its own norm (||dw||/||w||, "
                        + "threshold %.0f; healthy steps are near 1e-3)", p.name(), p.updateRatio(), EXPLODING_UPDATE_RATIO);
            }
            anyExploding |= why != null;
            once(exploding, "exploding", p, why);
        }
        for (EpochHealth.Param p : anyExploding ? List.<EpochHealth.Param>of() : weights) {
            double first = firstStep[e.params().indexOf(p)];
            double g = p.gradNorm();
            String why = null;
            if (largest != null && p != largest && g < VANISHING_OF_LARGEST * largest.gradNorm()) {
                why = String.format(Locale.ROOT, "||grad %s|| = %.3g, %.2g of the largest layer's (threshold %.0e)",
                        p.name(), g, g / largest.gradNorm(), VANISHING_OF_LARGEST);
            } else if (first > 0 && g < VANISHING_OF_FIRST * first) {
                why = String.format(Locale.ROOT, "||grad %s|| = %.3g, %.2g of its first step's (threshold %.0e)",
                        p.name(), g, g / first, VANISHING_OF_FIRST);
            }
            once(vanishing, "vanishing", p, why);
        }
        List<String> out = new ArrayList<>();
        if (!exploding.isEmpty()) {
            out.add(warning("exploding gradients in " + layers(exploding), exploding, FOR_EXPLODING));
        }
        if (e.clippedFraction() > MOSTLY_CLIPPED && given.add("clipping")) {
            out.add(warning(String.format(Locale.ROOT, "exploding gradients: clipping scaled the gradients down on %.0f%% "
                    + "of the steps (threshold %.0f%%)", 100 * e.clippedFraction(), 100 * MOSTLY_CLIPPED), List.of(),
                    "Try a lower learning rate, batch normalization, or He/Glorot initialization."));
        }
        if (!vanishing.isEmpty()) {
            String reference = largest == null ? "" : String.format(Locale.ROOT, " (the largest gradient norm: %s, %.3g)",
                    where(largest), largest.gradNorm());
            out.add(warning("vanishing gradients in " + layers(vanishing) + reference, vanishing, FOR_VANISHING));
        }
        List<String> dead = new ArrayList<>();
        for (EpochHealth.Activity a : e.activations()) {
            if (a.deadFraction() > DEAD_UNITS && given.add("dead " + a.name())) {
                dead.add(String.format(Locale.ROOT, "%s (%s:%d): %d of its %d units (%.0f%%) never active in this epoch",
                        a.name(), file, a.line(), a.dead(), a.units(), 100 * a.deadFraction()));
            }
        }
        if (!dead.isEmpty()) {
            out.add(warning(String.format(Locale.ROOT, "dead units (over %.0f%% of an activation's units never positive)",
                    100 * DEAD_UNITS), dead, FOR_DEAD));
        }
        return out;
    }

    private static String layers(List<String> lines) {
        return lines.size() == 1 ? "1 layer" : lines.size() + " layers";
    }

    /** A headline, one indented line per layer, the remedies. */
    private static String warning(String headline, List<String> layers, String remedies) {
        StringBuilder s = new StringBuilder(headline).append(':');
        layers.forEach(l -> s.append("\n    ").append(l));
        return s.append("\n    ").append(remedies).toString();
    }

    /** Adds "layer NAME (file:line): why" the first time {@code kind} fires for {@code p}. */
    private void once(List<String> out, String kind, EpochHealth.Param p, String why) {
        if (why != null && given.add(kind + " " + p.name())) {
            out.add(where(p) + ": " + why);
        }
    }

    /** "layer hidden (digits.nabla:6)". */
    private String where(EpochHealth.Param p) {
        return "layer " + p.layer() + " (" + file + ":" + p.line() + ")";
    }
}
