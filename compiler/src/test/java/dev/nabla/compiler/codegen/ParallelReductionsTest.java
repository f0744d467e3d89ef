package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import dev.nabla.runtime.CompiledModel;
import dev.nabla.runtime.InitSpec;
import dev.nabla.runtime.OptimizerSpec;
import dev.nabla.runtime.TrainConfig;
import dev.nabla.runtime.kernels.Gemm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reductions of a whole weight matrix into one value (an L2 term's sum of squares, a max) run in chunks over the
 * product threads ({@code Parallel.reduce}): against the double reference, and the same bits on one thread and two.
 * 600 x 500 = 300,000 and 515 x 511 = 263,165 elements, past the 2^18 from which they are chunked and split.
 */
class ParallelReductionsTest {

    private static final Span S = Span.at("l2.nabla", 1, 1);
    private final int savedThreads = Gemm.threads();

    @AfterEach
    void restoreThreads() {
        Gemm.setThreads(savedThreads);
    }

    private static Graph reductions(int rows, int cols) {
        GraphBuilder b = new GraphBuilder("L2");
        Value x = b.input("x", TensorType.f32(Shape.BATCH, 3), Graph.InputRole.INPUT, null, S);
        Value w = b.input("w", TensorType.f32(rows, cols), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.ZEROS), S);
        Attr.Axes all = new Attr.Axes(List.of(0, 1), false);
        b.output("y", b.add(Op.MUL, S, "y", x, b.constant(2, Shape.SCALAR, S)), Graph.OutputRole.OUTPUT);
        b.output("squares", b.add(Op.SUM, List.of(b.add(Op.MUL, S, "sq", w, w)), all, S, "sum"), Graph.OutputRole.OUTPUT);
        b.output("largest", b.add(Op.MAX, List.of(w), all, S, "max"), Graph.OutputRole.OUTPUT);
        return b.build();
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void chunkedReductionsMatchTheReferenceAndGiveTheSameBitsOnTwoThreads(boolean vector) {
        for (int[] shape : new int[][] {{600, 500}, {515, 511}}) {
            Graph g = reductions(shape[0], shape[1]);
            ModelIr model = new ModelIr("L2", "l2.nabla", g, g, TrainConfig.EMPTY, Map.of());
            ModelClasses mc = ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0));
            Harness.assertClassesVerify(mc);
            boolean reduces = mc.classes().values().stream().anyMatch(c -> new String(c, StandardCharsets.ISO_8859_1)
                    .contains("dev/nabla/runtime/kernels/Parallel$Reduction"));
            assertTrue(reduces, "the reductions are emitted as chunked reductions");
            CompiledModel m = Harness.load(mc, vector);
            Harness.assertPredictMatchesOnOneAndTwoThreads(g, m, Harness.randomBuffers(m.spec(), 4, 7), 4, 1e-5);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void chunkedReductionsAllocateNothingAfterWarmUp(boolean vector) {
        Graph g = reductions(600, 500);
        ModelIr model = new ModelIr("L2", "l2.nabla", g, g, TrainConfig.EMPTY, Map.of());
        CompiledModel m = Harness.load(ModelCompiler.compile(model, OptimizerSpec.sgd(0.1, 0, 0)), vector);
        float[][] b = Harness.randomBuffers(m.spec(), 4, 9);
        Gemm.setThreads(2);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long allocated = -1;
        for (int round = 0; round < 20 && allocated != 0; round++) {
            for (int call = 0; call < 200; call++) {
                m.predict(b, 4);
            }
            long before = mx.getThreadAllocatedBytes(tid);
            for (int call = 0; call < 20; call++) {
                m.predict(b, 4);
            }
            allocated = mx.getThreadAllocatedBytes(tid) - before;
        }
        assertEquals(0, allocated, "bytes allocated by 20 calls");
    }
}
