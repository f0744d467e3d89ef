package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradCheckTest {

    private static final Span AT = Span.at("gc.nabla", 1, 1);

    @Test
    void smallMlpWithCrossEntropyAndL2_passesEveryParameter() {
        List<GradCheck.Result> results = GradCheck.check(SmallMlp.build(Op.RELU), Map.of("y", 3), 1, 1e-4, 4);
        assertEquals(List.of("hidden.W", "hidden.b", "logits.W", "logits.b"), results.stream().map(GradCheck.Result::name).toList());
        for (GradCheck.Result r : results) {
            assertTrue(r.ok(), r.toString());
            assertEquals(r.elements(), r.checks(), "small parameters are checked at every coordinate");
        }
    }

    /** loss = sum(w * w), whose gradient is 2w. */
    private static Graph squares(GraphBuilder b) {
        Value w = b.input("w", TensorType.f32(3), Graph.InputRole.PARAM, null, AT);
        Value loss = b.add(Op.SUM, List.of(b.add(Op.MUL, AT, "sq", w, w)), new Attr.Axes(List.of(0), false), AT, "loss");
        b.output("loss", loss, Graph.OutputRole.LOSS);
        return b.build();
    }

    @Test
    void wrongGradient_isReportedWithItsRelativeError() {
        Graph train = squares(new GraphBuilder("sq"));
        GraphBuilder wrong = GraphBuilder.extending(train);
        wrong.output("w", train.inputs().get(0).value(), Graph.OutputRole.GRAD);
        GradCheck.Result r = GradCheck.check(train, wrong.build(), Map.of(), 2, 1e-4, 1).get(0);
        assertFalse(r.ok());
        assertEquals(0.5, r.worstRelativeError(), 1e-4, "|w - 2w| / |2w| (one-sided differences, tried when the central one fails, are off by O(step))");
    }

    @Test
    void largeParameter_isCheckedAlongDirectionsAndSampledCoordinates() {
        GraphBuilder b = new GraphBuilder("big");
        Value x = b.input("x", TensorType.f32(Shape.BATCH, 50), Graph.InputRole.INPUT, null, AT);
        Value w = b.input("w", TensorType.f32(50, 50), Graph.InputRole.PARAM, null, AT);
        Value h = b.add(Op.TANH, AT, "h", b.add(Op.MATMUL, AT, "mm", x, w));
        b.output("loss", b.add(Op.MEAN, List.of(h), new Attr.Axes(List.of(0, 1), false), AT, "loss"), Graph.OutputRole.LOSS);
        GradCheck.Result r = GradCheck.check(b.build(), Map.of(), 3, 1e-4, 2).get(0);
        assertEquals(2500, r.elements());
        assertEquals(GradCheck.DIRECTIONS + GradCheck.SAMPLED_COORDINATES, r.checks());
        assertTrue(r.ok(), r.toString());
    }

    @Test
    void relativeError_isFlooredForTinyGradients() {
        assertEquals(0, GradCheck.relativeError(0, 0));
        assertEquals(0.5, GradCheck.relativeError(1, 2), 1e-15);
        assertEquals(1e-5 / GradCheck.FLOOR, GradCheck.relativeError(1e-5, 0), 1e-12);
    }

    /** f(x) = |x - 3e-6| at x = 0: the kink lies within one step (1e-5) up, so the central difference is -0.3. */
    @Test
    void kinkWithinOneStep_isJudgedByTheSmoothSide_andAWrongGradientStillFails() {
        java.util.function.DoubleUnaryOperator f = t -> Math.abs(t - 3e-6);
        double h = GradCheck.STEP;
        assertEquals(0.7, GradCheck.relativeError(-1, (f.applyAsDouble(h) - f.applyAsDouble(-h)) / (2 * h)), 1e-9,
                "central differences alone fail");
        assertEquals(0, GradCheck.error(-1, f, () -> f.applyAsDouble(0)), 1e-9, "the slope below the point is -1");
        assertTrue(GradCheck.error(1, f, () -> f.applyAsDouble(0)) > 0.5, "+1 matches neither side at any step");
        assertTrue(GradCheck.error(-0.9, f, () -> f.applyAsDouble(0)) > 0.09, "nor does a slope 10% off");
    }

    /** Kinks on both sides within the first step (|t - 3e-6| + |t + 4e-6|): a step ten times smaller sees none. */
    @Test
    void kinksOnBothSides_areResolvedByASmallerStep() {
        java.util.function.DoubleUnaryOperator f = t -> Math.abs(t - 3e-6) + Math.abs(t + 4e-6);
        assertEquals(0, GradCheck.error(0, f, () -> f.applyAsDouble(0)), 1e-9);
        assertTrue(GradCheck.error(1, f, () -> f.applyAsDouble(0)) > 0.1, "a wrong slope fails at every step");
    }

    @Test
    void smoothPoint_needsNoOneSidedDifference() {
        assertEquals(0, GradCheck.error(2, t -> (1 + t) * (1 + t), () -> {
            throw new AssertionError("the loss at the point is not needed");
        }), 1e-9);
    }
}
