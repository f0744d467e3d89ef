package dev.nabla.runtime.data;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.init.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Binding a dataset's fields to a model's inputs and targets, checking them, and seeded splits. */
public final class Datasets {

    /** Two disjoint parts of a dataset. */
    public record Split(Dataset kept, Dataset heldOut) {
    }

    private Datasets() {
    }

    /**
     * The dataset with one field per model INPUT and (when {@code withTargets}) per TARGET, in the model's order and
     * named after its buffers. A field feeds the declaration of its name; a model with one input takes the dataset's
     * one input field whatever its name (CSV, IDX and {@code npy(x, y)} call it {@code x}), and likewise for one
     * target. Targets are dropped without {@code withTargets}, or when the model declares none (a loss on its inputs
     * alone). Checks names only, not values.
     */
    public static Dataset bind(Dataset data, ModelSpec spec, boolean withTargets) {
        List<Field> inputs = match(data, data.inputs(), spec, BufferRole.INPUT);
        if (!withTargets || spec.indicesOf(BufferRole.TARGET).isEmpty()) {
            return data.withFields(inputs, List.of());
        }
        if (!data.hasTargets()) {
            throw new NablaException(data.source() + ": no labels/targets, but model " + spec.name() + " needs them");
        }
        return data.withFields(inputs, match(data, data.targets(), spec, BufferRole.TARGET));
    }

    private static List<Field> match(Dataset data, List<Field> fields, ModelSpec spec, BufferRole role) {
        List<String> declared = spec.indicesOf(role).stream().map(i -> spec.buffers().get(i).name()).toList();
        if (declared.size() == 1 && fields.size() == 1) {
            return List.of(fields.get(0).named(declared.get(0)));
        }
        String what = role.name().toLowerCase();
        String unnamed = role == BufferRole.INPUT ? Dataset.UNNAMED_INPUT : Dataset.UNNAMED_TARGET;
        for (Field f : fields) {
            if (f.name().equals(unnamed) && !declared.contains(unnamed)) {
                throw new NablaException(data.source() + " holds one array of " + what + "s, but model " + spec.name()
                        + " has " + declared.size() + " " + what + "s (" + String.join(", ", declared)
                        + "): give one .npy file for each, e.g. " + example(spec));
            }
            if (!declared.contains(f.name())) {
                throw new NablaException(f.source() + ": data for \"" + f.name() + "\", which is not "
                        + (role == BufferRole.INPUT ? "an " : "a ") + what + " of model " + spec.name() + " ("
                        + what + "s: " + String.join(", ", declared) + ")");
            }
        }
        List<Field> out = new ArrayList<>();
        for (String name : declared) {
            out.add(fields.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow(() ->
                    new NablaException(data.source() + ": no data for " + what + " \"" + name + "\" of model "
                            + spec.name() + ": give one .npy file for each of its " + what + "s, e.g. " + example(spec))));
        }
        return out;
    }

    /** {@code npy:seq=seq.npy,extra=extra.npy,y=y.npy}: the command-line spelling of one file per declaration. */
    private static String example(ModelSpec spec) {
        List<String> items = new ArrayList<>();
        for (BufferRole role : List.of(BufferRole.INPUT, BufferRole.TARGET)) {
            for (int i : spec.indicesOf(role)) {
                items.add(spec.buffers().get(i).name() + "=" + spec.buffers().get(i).name() + ".npy");
            }
        }
        return "npy:" + String.join(",", items);
    }

    /**
     * Binds the dataset to the model ({@link #bind}) and checks every field against its declaration: the per-sample
     * shape (or only the element count, for fields that take any shape), finite values, and for class labels
     * integers in {@code 0..classes-1}.
     *
     * @return the bound dataset
     */
    public static Dataset check(Dataset data, ModelSpec spec, boolean withTargets) {
        Dataset bound = bind(data, spec, withTargets);
        List<Integer> inputs = spec.indicesOf(BufferRole.INPUT);
        for (int i = 0; i < inputs.size(); i++) {
            Field f = bound.inputs().get(i);
            checkShape(f, spec.buffers().get(inputs.get(i)), spec, "features");
            checkFinite(bound, f, false);
        }
        List<Integer> targets = bound.hasTargets() ? spec.indicesOf(BufferRole.TARGET) : List.of();
        for (int t = 0; t < targets.size(); t++) {
            Field f = bound.targets().get(t);
            BufferSpec target = spec.buffers().get(targets.get(t));
            checkShape(f, target, spec, "target values");
            checkFinite(bound, f, true);
            if (target.classes() > 0 && !target.binary()) {
                checkLabels(bound, f, target.classes());
            }
        }
        return bound;
    }

    /**
     * An exact-shape field must have the declared per-sample shape, dimensions of size 1 aside ({@code [n]} labels
     * fit {@code [B]} and {@code [B, 1]}); any other field only the same number of values.
     */
    private static void checkShape(Field f, BufferSpec declared, ModelSpec spec, String values) {
        int[] want = Arrays.copyOfRange(declared.shape(), declared.batched() ? 1 : 0, declared.rank());
        if (!f.exactShape()) {
            if (f.width() != declared.rowSize()) {
                throw new NablaException(f.source() + ": " + f.width() + " " + values + " per sample (shape "
                        + Arrays.toString(f.sampleShape()) + ") but model " + spec.name() + " takes " + declared
                        + " = " + declared.rowSize() + " per sample");
            }
        } else if (!Arrays.equals(withoutOnes(f.sampleShape()), withoutOnes(want))) {
            throw new NablaException(f.source() + ": samples of shape " + Arrays.toString(f.sampleShape())
                    + " but model " + spec.name() + " takes " + declared + ", samples of shape " + Arrays.toString(want)
                    + (f.width() == declared.rowSize() ? " (the same number of values: reshape the array to "
                    + Arrays.toString(want) + " per sample; only CSV and IDX rows are reshaped for you)" : ""));
        }
    }

    private static int[] withoutOnes(int[] shape) {
        return Arrays.stream(shape).filter(d -> d != 1).toArray();
    }

    /** A NaN in the data would only surface later as a "diverged" loss; name the sample instead. */
    private static void checkFinite(Dataset data, Field f, boolean target) {
        for (int r = 0; r < f.rows(); r++) {
            for (int j = 0; j < f.width(); j++) {
                float v = f.value(r, j);
                if (!Float.isFinite(v)) {
                    throw new NablaException(f.source() + " " + data.describeRow(r) + (target
                            ? ": target " + v + " is not a finite number"
                            : ", feature " + (j + 1) + ": " + v + " is not a finite number (missing values are not supported)"));
                }
            }
        }
    }

    private static void checkLabels(Dataset data, Field f, int classes) {
        for (int r = 0; r < f.rows(); r++) {
            float label = f.value(r, 0);
            if (label != Math.rint(label) || label < 0 || label >= classes) {
                throw new NablaException(f.source() + " " + data.describeRow(r) + ": label " + label
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
