package dev.nabla.runtime.data;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.init.Rng;

import java.util.Arrays;
import java.util.List;

/** Checking a dataset against a model, and seeded splits. */
public final class Datasets {

    /** Two disjoint parts of a dataset. */
    public record Split(Dataset kept, Dataset heldOut) {
    }

    private Datasets() {
    }

    /** The model's single INPUT buffer (the trainer drives models with one input). */
    public static int inputIndex(ModelSpec spec) {
        return single(spec, BufferRole.INPUT);
    }

    /** The model's single TARGET buffer. */
    public static int targetIndex(ModelSpec spec) {
        return single(spec, BufferRole.TARGET);
    }

    private static int single(ModelSpec spec, BufferRole role) {
        List<Integer> found = spec.indicesOf(role);
        if (found.size() != 1) {
            throw new NablaException("model " + spec.name() + " has " + found.size() + " " + role.name().toLowerCase()
                    + " declarations; training from a data file needs exactly one");
        }
        return found.get(0);
    }

    /**
     * Checks that the features fit the model's input shape and, when {@code withTargets}, that the targets fit the
     * model's target: width, and for class labels integers in {@code 0..classes-1}.
     */
    public static void check(Dataset data, ModelSpec spec, boolean withTargets) {
        BufferSpec input = spec.buffers().get(inputIndex(spec));
        if (data.featureCount() != input.rowSize()) {
            throw new NablaException(data.source() + ": " + data.featureCount() + " features per sample (shape "
                    + Arrays.toString(data.sampleShape()) + ") but model " + spec.name() + " takes " + input
                    + " = " + input.rowSize() + " per sample");
        }
        checkFinite(data);
        if (!withTargets) {
            return;
        }
        if (!data.hasTargets()) {
            throw new NablaException(data.source() + ": no labels/targets, but model " + spec.name() + " needs them");
        }
        BufferSpec target = spec.buffers().get(targetIndex(spec));
        if (data.targetWidth() != target.rowSize()) {
            throw new NablaException(data.source() + ": " + data.targetWidth() + " target values per sample but model "
                    + spec.name() + " expects " + target + " = " + target.rowSize());
        }
        if (target.classes() > 0 && !target.binary()) {
            checkLabels(data, target.classes());
        }
    }

    /** A NaN in the inputs would only surface later as a "diverged" loss; name the sample instead. */
    private static void checkFinite(Dataset data) {
        for (int r = 0; r < data.rows(); r++) {
            for (int j = 0; j < data.featureCount(); j++) {
                if (!Float.isFinite(data.feature(r, j))) {
                    throw new NablaException(data.source() + " " + data.describeRow(r) + ", feature " + (j + 1) + ": "
                            + data.feature(r, j) + " is not a finite number (missing values are not supported)");
                }
            }
            for (int j = 0; j < data.targetWidth(); j++) {
                if (!Float.isFinite(data.target(r, j))) {
                    throw new NablaException(data.source() + " " + data.describeRow(r) + ": target " + data.target(r, j)
                            + " is not a finite number");
                }
            }
        }
    }

    private static void checkLabels(Dataset data, int classes) {
        for (int r = 0; r < data.rows(); r++) {
            float label = data.target(r, 0);
            if (label != Math.rint(label) || label < 0 || label >= classes) {
                throw new NablaException(data.source() + " " + data.describeRow(r) + ": label " + label
                        + " is out of range: the model has " + classes + " classes (0.." + (classes - 1) + ")");
            }
        }
    }

    /**
     * Holds out {@code round(rows * fraction)} rows chosen by a permutation seeded with {@code (seed, purpose)};
     * both parts keep the original row order, so the split does not depend on later shuffling.
     */
    public static Split split(Dataset data, double fraction, long seed, String purpose) {
        if (fraction < 0 || fraction >= 1) {
            throw new NablaException(purpose + " fraction must be in [0, 1), got " + fraction);
        }
        int held = (int) Math.round(data.rows() * fraction);
        if (fraction > 0 && (held == 0 || held == data.rows())) {
            throw new NablaException(data.source() + ": " + data.rows() + " samples are too few for a " + purpose
                    + " fraction of " + fraction);
        }
        int[] perm = Rng.derive(seed, "split/" + purpose).permutation(data.rows());
        int[] heldRows = Arrays.copyOfRange(perm, 0, held);
        int[] keptRows = Arrays.copyOfRange(perm, held, perm.length);
        Arrays.sort(heldRows);
        Arrays.sort(keptRows);
        return new Split(data.subset(keptRows), data.subset(heldRows));
    }
}
