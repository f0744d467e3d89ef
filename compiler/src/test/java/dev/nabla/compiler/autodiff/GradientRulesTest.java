package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.DType;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Coverage of the rule table and the documented conventions at non-differentiable points. */
class GradientRulesTest {

    private static final Span AT = Span.at("t.nabla", 1, 1);

    @Test
    void everyOpHasAGradientRuleOrAnExplicitNoGradient() {
        for (Op op : Op.values()) {
            assertTrue(GradientRules.RULES.containsKey(op), op.name());
        }
    }

    /** The fused ops come from the fusion passes, after autodiff: differentiating one is a clear error. */
    @Test
    void fusedOps_areDifferentiatedBeforeTheyAreFused() {
        for (Op op : Op.values()) {
            assertEquals(op.fused(), GradientRules.RULES.get(op) == GradientRules.AFTER_AUTODIFF, op.name());
        }
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", TensorType.f32(Shape.BATCH, 2), Graph.InputRole.INPUT, null, AT);
        Value w = b.input("w", TensorType.f32(2, 2), Graph.InputRole.PARAM, null, AT);
        Value y = b.add(Op.GEMM, List.of(x, w), new Attr.Trans(false, true), AT, "y");
        b.output("loss", b.add(Op.SUM, List.of(y), new Attr.Axes(List.of(0, 1), false), AT, "loss"), Graph.OutputRole.LOSS);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Autodiff.gradients(b.build()));
        assertTrue(e.getMessage().contains("gemm is made by the fusion passes, after autodiff"), e.getMessage());
    }

    @Test
    void exactlyThePiecewiseConstantOpsHaveNoGradient() {
        Set<Op> none = EnumSet.noneOf(Op.class);
        for (Op op : Op.values()) {
            if (!GradientRules.hasGradient(op)) {
                none.add(op);
            }
        }
        assertEquals(EnumSet.of(Op.GREATER, Op.EQUAL, Op.SIGN, Op.ONE_HOT, Op.CONSTANT, Op.RANDOM_UNIFORM,
                Op.RANDOM_NORMAL), none);
    }

    @Test
    void exactlyTheSelectingOperandsGetNoGradient() {
        Set<String> none = new java.util.TreeSet<>();
        for (Op op : Op.values()) {
            for (int k = 0; k < op.arity(); k++) {
                if (GradientRules.hasGradient(op) && !GradientRules.flowsTo(op, k)) {
                    none.add(op + " " + k);
                }
            }
        }
        assertEquals(Set.of("SELECT 0", "MAX_POOL2D_BACKWARD 0", "MAX_POOL2D_GATHER 0"), none);
    }

    @Test
    void maxPoolGradient_goesToTheFirstOfTiedMaxima() {
        GraphBuilder b = new GraphBuilder("t");
        Value x = b.input("x", TensorType.f32(1, 1, 2, 2), Graph.InputRole.PARAM, null, AT);
        Attr.Window w = new Attr.Window(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 2, 2);
        Value y = b.add(Op.MAX_POOL2D, List.of(x), w, AT, "y");
        b.output("loss", b.add(Op.SUM, List.of(y), new Attr.Axes(List.of(0, 1, 2, 3), false), AT, "loss"), Graph.OutputRole.LOSS);
        Map<String, Tensor> feed = Map.of("x", new Tensor(new int[] {1, 1, 2, 2}, new double[] {1, 4, 4, 4}));
        assertArrayEquals(new double[] {0, 1, 0, 0}, GradientChecks.symbolic(b.build(), 1, feed, List.of("x")).get("x").data());
    }

    @Test
    void gradientOfMaxPoolBackward_doesNotReachTheSelectingInput() {
        // loss = sum(max_pool2d_backward(exp(p), q)): p only chooses positions, so it gets a zero gradient and
        // no backward instruction is emitted for it
        GraphBuilder b = new GraphBuilder("t");
        Value p = b.input("p", TensorType.f32(1, 1, 2, 2), Graph.InputRole.PARAM, null, AT);
        Value q = b.input("q", TensorType.f32(1, 1, 1, 1), Graph.InputRole.PARAM, null, AT);
        Attr.Window w = new Attr.Window(2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 2, 2);
        Value back = b.add(Op.MAX_POOL2D_BACKWARD, List.of(b.add(Op.EXP, AT, "e", p), q), w, AT, "back");
        b.output("loss", b.add(Op.SUM, List.of(back), new Attr.Axes(List.of(0, 1, 2, 3), false), AT, "loss"), Graph.OutputRole.LOSS);
        Graph g = Autodiff.gradients(b.build(), List.of("p"));
        assertTrue(g.body().stream().noneMatch(i -> i.span().gradient() && i.op() != Op.CONSTANT), g.toString());
    }

    /** d/dx sum(op(x, other)) at the given points, through the interpreter. */
    private static double[] gradOfSum(Op op, Attr attr, double[] x, double[] other) {
        GraphBuilder b = new GraphBuilder("t");
        Value xv = b.input("x", TensorType.f32(x.length), Graph.InputRole.PARAM, null, AT);
        Value y = other == null ? b.add(op, List.of(xv), attr, AT, "y")
                : b.add(op, List.of(xv, b.input("o", TensorType.f32(other.length), Graph.InputRole.INPUT, null, AT)), attr, AT, "y");
        Value loss = y.shape().isScalar() ? y : b.add(Op.SUM, List.of(y), new Attr.Axes(List.of(0), false), AT, "loss");
        b.output("loss", loss, Graph.OutputRole.LOSS);
        Map<String, Tensor> feed = other == null ? Map.of("x", new Tensor(new int[] {x.length}, x))
                : Map.of("x", new Tensor(new int[] {x.length}, x), "o", new Tensor(new int[] {other.length}, other));
        return GradientChecks.symbolic(b.build(), 1, feed, List.of("x")).get("x").data();
    }

    @Test
    void reluGradient_isZeroAtZero() {
        assertArrayEquals(new double[] {0, 0, 1}, gradOfSum(Op.RELU, Attr.NONE, new double[] {-1, 0, 2}, null));
    }

    @Test
    void absGradient_isZeroAtZero_soL1SubgradientIsZero() {
        assertArrayEquals(new double[] {-1, 0, 1}, gradOfSum(Op.ABS, Attr.NONE, new double[] {-3, 0, 2}, null));
    }

    @Test
    void maximumGradient_splitsTiesInHalf() {
        assertArrayEquals(new double[] {1, 0.5, 0}, gradOfSum(Op.MAXIMUM, Attr.NONE, new double[] {3, 2, 1}, new double[] {2, 2, 2}));
        assertArrayEquals(new double[] {0, 0.5, 1}, gradOfSum(Op.MINIMUM, Attr.NONE, new double[] {3, 2, 1}, new double[] {2, 2, 2}));
    }

    @Test
    void maxGradient_splitsEquallyAmongTiedMaxima() {
        double[] g = gradOfSum(Op.MAX, new Attr.Axes(List.of(0), false), new double[] {5, 1, 5, 5}, null);
        assertArrayEquals(new double[] {1.0 / 3, 0, 1.0 / 3, 1.0 / 3}, g, 1e-15);
    }

    @Test
    void gradientThroughComparison_isZero() {
        assertArrayEquals(new double[] {0, 0}, gradOfSum(Op.GREATER, Attr.NONE, new double[] {1, 3}, new double[] {2, 2}));
    }

    @Test
    void gradientWithRespectToIntegerLabels_isRefused() {
        GraphBuilder b = new GraphBuilder("t");
        Value y = b.input("y", new TensorType(DType.I32, Shape.of(2)), Graph.InputRole.TARGET, null, AT);
        Value h = b.add(Op.ONE_HOT, List.of(y), new Attr.Depth(3), AT, "h");
        Value loss = b.add(Op.SUM, List.of(h), new Attr.Axes(List.of(0, 1), false), AT, "loss");
        b.output("loss", loss, Graph.OutputRole.LOSS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Autodiff.gradients(b.build(), List.of("y")));
        assertTrue(e.getMessage().contains("integer"), e.getMessage());
    }

    @Test
    void paramTheLossDoesNotUse_getsZeroGradient() {
        GraphBuilder b = new GraphBuilder("t");
        Value w = b.input("w", TensorType.f32(2), Graph.InputRole.PARAM, null, AT);
        b.input("unused", TensorType.f32(3), Graph.InputRole.PARAM, null, AT);
        Value loss = b.add(Op.SUM, List.of(w), new Attr.Axes(List.of(0), false), AT, "loss");
        b.output("loss", loss, Graph.OutputRole.LOSS);
        Map<String, Tensor> feed = Map.of("w", new Tensor(new int[] {2}, new double[] {1, 2}),
                "unused", new Tensor(new int[] {3}, new double[] {1, 2, 3}));
        Map<String, Tensor> grads = GradientChecks.symbolic(b.build(), 1, feed, List.of("w", "unused"));
        assertArrayEquals(new double[] {0, 0, 0}, grads.get("unused").data());
        assertArrayEquals(new double[] {1, 1}, grads.get("w").data());
    }

    @Test
    void gradientInstructions_carryTheForwardSpanMarkedInGradient() {
        GraphBuilder b = new GraphBuilder("t");
        Value w = b.input("w", TensorType.f32(2), Graph.InputRole.PARAM, null, AT);
        Value e = b.add(Op.EXP, Span.at("t.nabla", 7, 3), "e", w);
        Value loss = b.add(Op.SUM, List.of(e), new Attr.Axes(List.of(0), false), AT, "loss");
        b.output("loss", loss, Graph.OutputRole.LOSS);
        Graph g = Autodiff.gradients(b.build());
        String printed = g.toString();
        assertTrue(printed.matches("(?s).*%grad\\.w = mul %grad\\.e[.0-9]*, %e : f32\\[2]  @grad t\\.nabla:7:3\n.*"), printed);
        assertEquals("w", g.outputs(Graph.OutputRole.GRAD).get(0).name());
    }
}
