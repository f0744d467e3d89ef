package dev.nabla.compiler.codegen;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.OptimizerSpec.Kind;
import dev.nabla.runtime.optim.ReferenceOptimizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The update kernels against the torch.optim formulas, written out here in double precision. */
class UpdateKernelTest {

    static Stream<Arguments> optimizers() {
        List<Arguments> out = new ArrayList<>();
        List<OptimizerSpec> specs = List.of(
                OptimizerSpec.sgd(0.1, 0, 0),
                OptimizerSpec.sgd(0.05, 0.9, 1e-2),
                new OptimizerSpec(Kind.NESTEROV, 0.05, 0.9, 0.9, 0.999, 0.99, 1e-8, 1e-3),
                new OptimizerSpec(Kind.ADAM, 1e-2, 0, 0.9, 0.999, 0.99, 1e-8, 0),
                new OptimizerSpec(Kind.ADAM, 1e-2, 0, 0.8, 0.99, 0.99, 1e-6, 1e-2),
                new OptimizerSpec(Kind.ADAMW, 1e-2, 0, 0.9, 0.999, 0.99, 1e-8, 1e-2),
                new OptimizerSpec(Kind.RMSPROP, 1e-2, 0, 0.9, 0.999, 0.99, 1e-8, 0),
                new OptimizerSpec(Kind.RMSPROP, 1e-2, 0.8, 0.9, 0.999, 0.9, 1e-6, 1e-3));
        for (OptimizerSpec s : specs) {
            out.add(Arguments.of(s, true));
            out.add(Arguments.of(s, false));
        }
        return out.stream();
    }

    static Stream<Arguments> adams() {
        return optimizers().filter(a -> ((OptimizerSpec) a.get()[0]).kind() == Kind.ADAM
                || ((OptimizerSpec) a.get()[0]).kind() == Kind.ADAMW);
    }

    @ParameterizedTest(name = "{0} vector={1}")
    @MethodSource("optimizers")
    void threeStepsMatchTorchFormulas(OptimizerSpec o, boolean vector) {
        CompiledModel m = Harness.load(ModelCompiler.compile(Graphs.mlp(true), o), vector);
        ModelSpec spec = m.spec();
        float[][] b = spec.allocate(1);
        Random r = new Random(3);
        for (int i = 0; i < b.length; i++) {
            for (int k = 0; k < b[i].length; k++) {
                b[i][k] = spec.buffers().get(i).role() == BufferRole.OPT_STATE ? 0 : (float) r.nextGaussian();
            }
        }
        double[][] ref = inDouble(b);
        for (int step = 1; step <= 3; step++) {
            float[] hyper = {(float) (o.lr() * (1 + 0.1 * step)), step, 0.7f};
            m.update(b, hyper);
            reference(o, spec, ref, hyper);
            for (int i = 0; i < b.length; i++) {
                BufferRole role = spec.buffers().get(i).role();
                if (role == BufferRole.PARAM || role == BufferRole.OPT_STATE) {
                    for (int k = 0; k < b[i].length; k++) {
                        assertEquals(ref[i][k], b[i][k], 1e-5 + 1e-4 * Math.abs(ref[i][k]),
                                spec.buffers().get(i).name() + "[" + k + "] after step " + step);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} vector={1}")
    @MethodSource("optimizers")
    void fiveStepsMatchRuntimeReferenceOptimizer(OptimizerSpec o, boolean vector) {
        CompiledModel m = Harness.load(ModelCompiler.compile(Graphs.mlp(true), o), vector);
        ModelSpec spec = m.spec();
        float[][] compiled = Harness.randomBuffers(spec, 1, 11);
        Random r = new Random(5);
        for (int i : spec.indicesOf(BufferRole.GRAD)) {
            for (int k = 0; k < compiled[i].length; k++) {
                compiled[i][k] = (float) r.nextGaussian();
            }
        }
        float[][] reference = java.util.Arrays.stream(compiled).map(float[]::clone).toArray(float[][]::new);
        for (int step = 1; step <= 5; step++) {
            float[] hyper = {(float) o.lr(), step, step == 3 ? 0.5f : 1f};
            m.update(compiled, hyper);
            ReferenceOptimizer.updateAll(spec, reference, hyper.clone());
        }
        for (int i = 0; i < compiled.length; i++) {
            BufferRole role = spec.buffers().get(i).role();
            if (role == BufferRole.PARAM || role == BufferRole.OPT_STATE) {
                for (int k = 0; k < compiled[i].length; k++) {
                    assertEquals(reference[i][k], compiled[i][k], 1e-6 + 1e-5 * Math.abs(reference[i][k]),
                            spec.buffers().get(i).name() + "[" + k + "]");
                }
            }
        }
    }

    /**
     * From zero weights an Adam step is about lr in size whatever the gradient, so a relative error in the bias
     * corrections shows as the same relative error in the weights: 1e-6 sees the 6.4e-6 that float bias
     * corrections (with beta2 rounded to 0.999f) cost, which the tolerance above, relative to weights of size 1,
     * cannot.
     */
    @ParameterizedTest(name = "{0} vector={1}")
    @MethodSource("adams")
    void adamFromZeroWeights_matchesTorchToAMillionth(OptimizerSpec o, boolean vector) {
        CompiledModel m = mlp(o, vector);
        ModelSpec spec = m.spec();
        float[][] b = spec.allocate(1);
        Random gradients = new Random(7);
        for (int g : spec.indicesOf(BufferRole.GRAD)) {
            for (int k = 0; k < b[g].length; k++) {
                b[g][k] = (float) gradients.nextGaussian();
            }
        }
        double[][] ref = inDouble(b);
        for (int step = 1; step <= 3; step++) {
            float[] hyper = {(float) o.lr(), step, 1f};
            m.update(b, hyper);
            reference(o, spec, ref, hyper);
            for (int i : spec.indicesOf(BufferRole.PARAM)) {
                for (int k = 0; k < b[i].length; k++) {
                    assertEquals(ref[i][k], b[i][k], 1e-6 * Math.abs(ref[i][k]),
                            spec.buffers().get(i).name() + "[" + k + "] after step " + step);
                }
            }
        }
    }

    private static CompiledModel mlp(OptimizerSpec o, boolean vector) {
        return Harness.load(ModelCompiler.compile(Graphs.mlp(true), o), vector);
    }

    private static double[][] inDouble(float[][] b) {
        double[][] d = new double[b.length][];
        for (int i = 0; i < b.length; i++) {
            float[] row = b[i];
            d[i] = new double[row.length];
            Arrays.setAll(d[i], k -> row[k]);
        }
        return d;
    }

    /** torch.optim's single-tensor update rules. */
    private static void reference(OptimizerSpec o, ModelSpec spec, double[][] buf, float[] hyper) {
        double lr = hyper[0];
        double t = hyper[1];
        for (int i = 0; i < buf.length; i++) {
            BufferSpec s = spec.buffers().get(i);
            if (s.role() != BufferRole.PARAM) {
                continue;
            }
            double[] p = buf[i];
            double[] grad = buf[spec.indexOf("grad:" + s.name())];
            double[] s0 = o.stateSlots() > 0 ? buf[spec.indexOf("opt0:" + s.name())] : null;
            double[] s1 = o.stateSlots() > 1 ? buf[spec.indexOf("opt1:" + s.name())] : null;
            for (int k = 0; k < p.length; k++) {
                double g = grad[k] * hyper[2];
                if (o.kind() != Kind.ADAMW) {
                    g += o.weightDecay() * p[k];
                }
                switch (o.kind()) {
                    case SGD, NESTEROV -> {
                        double d = g;
                        if (o.momentum() != 0) {
                            s0[k] = o.momentum() * s0[k] + g;
                            d = o.kind() == Kind.NESTEROV ? g + o.momentum() * s0[k] : s0[k];
                        }
                        p[k] -= lr * d;
                    }
                    case ADAM, ADAMW -> {
                        if (o.kind() == Kind.ADAMW) {
                            p[k] *= 1 - lr * o.weightDecay();
                        }
                        s0[k] = o.beta1() * s0[k] + (1 - o.beta1()) * g;
                        s1[k] = o.beta2() * s1[k] + (1 - o.beta2()) * g * g;
                        double denom = Math.sqrt(s1[k]) / Math.sqrt(1 - Math.pow(o.beta2(), t)) + o.eps();
                        p[k] -= lr / (1 - Math.pow(o.beta1(), t)) * s0[k] / denom;
                    }
                    case RMSPROP -> {
                        s0[k] = o.alpha() * s0[k] + (1 - o.alpha()) * g * g;
                        double avg = Math.sqrt(s0[k]) + o.eps();
                        if (o.momentum() != 0) {
                            s1[k] = o.momentum() * s1[k] + g / avg;
                            p[k] -= lr * s1[k];
                        } else {
                            p[k] -= lr * g / avg;
                        }
                    }
                }
            }
        }
    }
}
