package dev.nabla.compiler.fuzz;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.SpecLayout;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.codegen.ModelClasses;
import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.report.Flops;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.optim.ReferenceOptimizer;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * One predict, trainStep and update of generated code against the reference: the interpreter in double for the
 * graphs, the runtime's {@link ReferenceOptimizer} for the update. Buffers are random (parameters scaled by
 * 1/sqrt(fan-in), labels within their classes), at batch {@link #BATCH}. An element agrees within
 * {@code 1e-3 |ref| + 1e-4 max|ref| + 1e-5 + 100 |ref - ref32| + 10 max|ref - ref32|}, where ref32 is the reference with every op's
 * result rounded to float32 (what float arithmetic alone does to an ill-conditioned output: a batch norm of two rows
 * shifted by 512; a hundred times, since kernels also round inside their sums, in their own order), and NaN agrees
 * with NaN.
 *
 * <p>A run whose reference leaves the range where float32 and double can be compared, a value of the graph above
 * {@link #COMPARABLE} or not finite, is not compared ({@link Outcome.Kind#UNCOMPARED}): float overflows where double
 * does not, a huge constant's terms cancel in double and not in float (huber with delta = 2^32), and once an
 * infinity is in play the ops' NaN conventions decide the result. Nor are the gradients of a run with a max pooling
 * window whose two largest values float32 may order the other way ({@link #NEAR_TIE}).
 */
final class Differential {

    static final int BATCH = 2;
    /** Models whose buffers hold more floats than this at {@link #BATCH} are compiled and loaded, not compared. */
    static final long MAX_FLOATS = 4_000_000;
    static final double COMPARABLE = 1e6;
    /**
     * Models of more operations per example than this are compiled, loaded and run, not compared: the interpreter
     * evaluates every op as the obvious loop in double, and a convolution over a thousand mutated channels would
     * take it minutes (the watchdog would call that a hang of the compiler).
     */
    static final long MAX_FLOPS = 30_000_000;
    private static final Object PROPERTY_LOCK = new Object();

    /** Thrown when the reference leaves the comparable range. */
    private static final class Uncomparable extends RuntimeException {
        Uncomparable(String what) {
            super(what, null, false, false);
        }
    }

    private Differential() {
    }

    /** OK, UNCOMPARED, or MISMATCH with the first disagreement. */
    static Outcome check(ModelIr m, ModelClasses classes, boolean vector, long seed) {
        try {
            String mismatch = compareAll(m, classes, vector, seed);
            return mismatch == null ? Outcome.OK : new Outcome(Outcome.Kind.MISMATCH, mismatch);
        } catch (Uncomparable e) {
            return new Outcome(Outcome.Kind.UNCOMPARED, e.getMessage());
        }
    }

    private static String compareAll(ModelIr m, ModelClasses classes, boolean vector, long seed) {
        CompiledModel model = load(classes, vector);
        ModelSpec spec = model.spec();
        long floats = 0;
        for (BufferSpec b : spec.buffers()) {
            floats += b.size(BATCH);
        }
        if (floats > MAX_FLOATS) {
            throw new Uncomparable(floats + " floats of buffers at batch " + BATCH);
        }
        long flops = Flops.of(m.train());
        if (flops > MAX_FLOPS) {
            throw new Uncomparable(flops + " operations per example, too many for the interpreter");
        }
        float[][] b = randomBuffers(spec, new Random(seed));
        float[][] p = copy(b);
        model.predict(p, BATCH);
        String problem = compare("predict", m.inference(), spec, b, p, false);
        if (problem != null || !m.trainable()) {
            return problem;
        }
        float[][] t = copy(b);
        model.trainStep(t, BATCH);
        problem = compare("trainStep", Autodiff.gradients(m.train()), spec, b, t, true);
        if (problem != null) {
            return problem;
        }
        float[] hyper = new float[OptimizerSpec.HYPER_SIZE];
        hyper[OptimizerSpec.HYPER_LR] = 0.01f;
        hyper[OptimizerSpec.HYPER_STEP] = 1;
        hyper[OptimizerSpec.HYPER_GRAD_SCALE] = 1;
        float[][] want = copy(t);
        ReferenceOptimizer.updateAll(spec, want, hyper);
        model.update(t, hyper);
        for (int i = 0; i < spec.buffers().size(); i++) {
            BufferRole role = spec.buffers().get(i).role();
            if (role == BufferRole.PARAM || role == BufferRole.OPT_STATE) {
                double[] w = new double[want[i].length];
                for (int k = 0; k < w.length; k++) {
                    w[k] = want[i][k];
                }
                problem = compareElements("update " + spec.buffers().get(i).name(), w, t[i]);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    /** Loads with {@code nabla.vector} set for the class initializer, which picks the kernel family. */
    private static CompiledModel load(ModelClasses classes, boolean vector) {
        synchronized (PROPERTY_LOCK) {
            String old = System.getProperty("nabla.vector");
            System.setProperty("nabla.vector", Boolean.toString(vector));
            try {
                return classes.load();
            } finally {
                if (old == null) {
                    System.clearProperty("nabla.vector");
                } else {
                    System.setProperty("nabla.vector", old);
                }
            }
        }
    }

    /**
     * @param gradients whether {@code g} computes gradients, which max pooling sends to each window's maximum: a window
     *                  whose two largest values float32 may order the other way ({@link #nearTies}) is not compared
     */
    private static String compare(String entry, Graph g, ModelSpec spec, float[][] before, float[][] after,
                                  boolean gradients) {
        Map<String, Tensor> in = inputs(g, spec, before);
        Map<String, Tensor> ref = Interpreter.runAll(g, BATCH, in);
        Map<String, Tensor> rounded = Interpreter.runAll(g, BATCH, in, Interpreter::toFloat32);
        for (Map.Entry<String, Tensor> v : ref.entrySet()) {
            for (double x : v.getValue().data()) {
                if (!(Math.abs(x) <= COMPARABLE)) {
                    throw new Uncomparable(entry + ": %" + v.getKey() + " reaches " + x);
                }
            }
        }
        if (gradients) {
            nearTies(entry, g, ref);
        }
        for (Graph.Output o : g.outputs()) {
            String buffer = switch (o.role()) {
                case GRAD -> SpecLayout.gradName(o.name());
                case LOSS -> SpecLayout.LOSS;
                default -> o.name();
            };
            String problem = compareElements(entry + " " + buffer, ref.get(o.value().name()).data(),
                    rounded.get(o.value().name()).data(), after[spec.indexOf(buffer)]);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /**
     * Two values of one max pooling window closer than this, relative to their size, but not equal: the kernels compute
     * them in float32, in their own order of sums, and may find the other one the larger. The gradient then goes to
     * another place, as right as float allows (seed 31337's input 149,031: a convolution of inputs shifted by 512, its
     * first layer's weight gradient 0.8% off; with average pooling it compared).
     */
    static final double NEAR_TIE = 1e-5;

    /** Throws {@link Uncomparable} at the first max pooling of {@code g} with a near-tie for a window's maximum. */
    private static void nearTies(String entry, Graph g, Map<String, Tensor> ref) {
        for (Instr i : g.body()) {
            if (i.op() == Op.MAX_POOL2D
                    && Interpreter.hasNearTie(ref.get(i.args().get(0).name()), (Attr.Window) i.attr(), NEAR_TIE)) {
                throw new Uncomparable(entry + ": a window of %" + i.out().name() + " holds two values within "
                        + NEAR_TIE + " of each other, relative, which float32 may order the other way");
            }
        }
    }

    private static String compareElements(String what, double[] want, float[] got) {
        return compareElements(what, want, want, got);
    }

    /**
     * Within the tolerance, widened by 100 times how far float32 rounding of every op moved the reference here, and
     * by 10 times the most it moved any element of the tensor: the elements of one ill-conditioned tensor (every
     * weight gradient behind a batch norm of rows shifted by 512) share its sensitivity, but the rounded reference,
     * summing in one order, can land close to the exact value for one element by chance while a kernel, summing in
     * another, does not (the campaign's input 14,007 of seed 1). Where float32 rounding makes an element NaN or infinite
     * and the reference does not, the tolerance had been NaN, so every result was a mismatch (input 292,210 of seed
     * 20261202, {@code div(0, 1e-320)}, whose kernel computed the reference's 0).
     */
    private static String compareElements(String what, double[] want, double[] rounded, float[] got) {
        double scale = 0;
        double roundingAnywhere = 0;
        for (int k = 0; k < want.length; k++) {
            if (Math.abs(want[k]) <= Float.MAX_VALUE) {
                scale = Math.max(scale, Math.abs(want[k]));
                double moved = Math.abs(rounded[k] - want[k]);
                if (moved <= Float.MAX_VALUE) {
                    roundingAnywhere = Math.max(roundingAnywhere, moved);
                }
            }
        }
        for (int k = 0; k < want.length; k++) {
            double w = want[k];
            if (Math.abs(w) > 1e30 || Double.isNaN(w) && Float.isNaN(got[k])) {
                continue;
            }
            double tol = 1e-3 * Math.abs(w) + 1e-4 * scale + 1e-5 + 10 * roundingAnywhere;
            double moved = Math.abs(rounded[k] - w);
            if (moved <= Float.MAX_VALUE) {
                tol += 100 * moved;
            } else if (!Float.isFinite(got[k])) {
                // float32 rounding alone makes this element NaN or infinite (0 / 1e-320 is 0 / 0 in float32), so a
                // kernel may too; a finite result must still be the reference's
                continue;
            }
            if (!(Math.abs(got[k] - w) <= tol)) {
                return what + "[" + k + "] = " + got[k] + ", reference " + w + " (tolerance " + (float) tol + ")";
            }
        }
        return null;
    }

    private static Map<String, Tensor> inputs(Graph g, ModelSpec spec, float[][] b) {
        Map<String, Tensor> in = new HashMap<>();
        for (Graph.Input i : g.inputs()) {
            int index = spec.indexOf(i.value().name());
            double[] d = new double[(int) i.value().shape().numel(BATCH)];
            for (int k = 0; k < d.length; k++) {
                d[k] = b[index][k];
            }
            in.put(i.value().name(), new Tensor(i.value().shape().concrete(BATCH), d));
        }
        return in;
    }

    /** Random weights, inputs, labels within their classes (0/1 for a binary target) and non-negative state. */
    private static float[][] randomBuffers(ModelSpec spec, Random r) {
        float[][] b = spec.allocate(BATCH);
        for (int i = 0; i < b.length; i++) {
            BufferSpec s = spec.buffers().get(i);
            if (s.role() == BufferRole.PARAM || s.role() == BufferRole.INPUT || s.role() == BufferRole.STATE
                    || s.role() == BufferRole.TARGET) {
                double std = s.role() == BufferRole.PARAM && s.rank() >= 2 ? 1 / Math.sqrt(Math.max(1, s.shape()[0])) : 0.8;
                for (int k = 0; k < b[i].length; k++) {
                    float v = s.binary() ? r.nextInt(2) : s.classes() > 0 ? r.nextInt(s.classes()) : (float) (r.nextGaussian() * std);
                    b[i][k] = s.role() == BufferRole.STATE ? Math.abs(v) : v;
                }
            }
        }
        return b;
    }

    private static float[][] copy(float[][] b) {
        float[][] c = new float[b.length][];
        for (int i = 0; i < b.length; i++) {
            c[i] = b[i].clone();
        }
        return c;
    }
}
