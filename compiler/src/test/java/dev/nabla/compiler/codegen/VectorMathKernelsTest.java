package dev.nabla.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.kernels.VectorMath;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels' exp, tanh and sigmoid, as VectorMathEmitter writes them: the same bits as VectorMath's
 * {@code expScalar} and {@code tanhScalar}, lane for lane, in the interpreter (the first call) and in C2 (after 3,000),
 * so a run does not depend on when the JIT compiled a kernel. Rows of 16
 * floats are whole vectors (2 of 8 or 1 of 16), so no lane falls to the scalar tail's {@code Math.exp}.
 */
class VectorMathKernelsTest {

    private static final Span S = Span.at("vm.nabla", 1, 1);
    /**
     * NaN, ±∞, ±0, the subnormal and largest floats; for exp the last finite result, the first infinite one, the
     * subnormal results, the first zero and the clamps; for tanh either side of the switch between the polynomial and
     * the exp form, and where it reaches 1 (VectorMathProperties checks the 2 ulp there).
     */
    private static final float[] EDGES = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-8f, -1e-8f,
        88.72283f, 88.7229f, -87.33655f, -87.4f, -103.9f, -104f, -104.5f, -110f, -111f, 89f, 90f,
        0.625f, Math.nextDown(0.625f), -0.625f, Math.nextUp(-0.625f), 9f, 9.1f, 44.4f, -44.4f};

    private static void sameBitsAsTwin(Op op, Function<Float, Float> twin) {
        GraphBuilder b = new GraphBuilder("vm");
        var x = b.input("x", TensorType.f32(Shape.BATCH, 16), Graph.InputRole.INPUT, null, S);
        b.output("y", b.add(op, S, "y", x), Graph.OutputRole.OUTPUT);
        Graph g = b.build();
        ModelIr model = new ModelIr("Vm", "vm.nabla", g, g, TrainConfig.EMPTY, Map.of());
        ModelClasses mc = ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0));
        Harness.assertClassesVerify(mc);
        CompiledModel m = Harness.load(mc, true);
        int batch = 64;
        float[][] buffers = m.spec().allocate(batch);
        float[] in = buffers[m.spec().indicesOf(BufferRole.INPUT).get(0)];
        java.util.Random r = new java.util.Random(11);
        for (int i = 0; i < in.length; i++) {
            // the edge values, then random floats: uniform over exp's whole range, moderate, and near 0
            in[i] = i < EDGES.length ? EDGES[i] : switch (i % 3) {
                case 0 -> (float) (r.nextDouble() * 220 - 120);
                case 1 -> (float) (r.nextGaussian() * 3);
                default -> (float) (r.nextGaussian() * 1e-3);
            };
        }
        // enough calls for C2 to compile the kernel, then once more: both tiers must give the twin's bits
        for (int round = 0; round < 3000; round++) {
            m.predict(buffers, batch);
            if (round == 0 || round == 2999) {
                float[] out = buffers[m.spec().indicesOf(BufferRole.OUTPUT).get(0)];
                for (int i = 0; i < batch * 16; i++) {
                    assertEquals(Float.floatToIntBits(twin.apply(in[i])), Float.floatToIntBits(out[i]),
                            op.mnemonic() + " of " + in[i] + " in call " + round);
                }
            }
        }
    }

    @Test
    void expIsTheTwinsBitForBit() {
        sameBitsAsTwin(Op.EXP, VectorMath::expScalar);
    }

    @Test
    void tanhIsTheTwinsBitForBit() {
        sameBitsAsTwin(Op.TANH, VectorMath::tanhScalar);
    }

    @Test
    void sigmoidIsOneOverOnePlusTheTwinsExpBitForBit() {
        sameBitsAsTwin(Op.SIGMOID, x -> 1f / (VectorMath.expScalar(-x) + 1f));
    }
}
