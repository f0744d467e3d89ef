package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegularizerTest {

    private static ModelIr withLoss(String regularizer) {
        return Models.compile("""
                model M {
                    input x : f32[B, 4]
                    target t : f32[B, 2]
                    h = dense(x, 3, activation = relu)
                    output o = dense(h, 2)
                    loss = mse(o, t) + %s
                }
                """.formatted(regularizer));
    }

    /** The parameters squared (MUL p, p) or taken ABS of, in order. */
    private static List<String> penalised(ModelIr m, Op op) {
        return Models.ops(m.train(), op).stream()
                .filter(i -> i.args().stream().allMatch(a -> a.name().endsWith(".W") || a.name().endsWith(".b")))
                .map(i -> i.args().get(0).name()).toList();
    }

    private static double scale(ModelIr m, String name) {
        return ((Attr.Const) Models.named(m.train(), name).attr()).value();
    }

    @Test
    void weights_areTheParamsOfRankTwoOrMore() {
        assertEquals(List.of("h.W", "o.W"), penalised(withLoss("l2(weights, 0.1)"), Op.MUL));
    }

    @Test
    void biases_areTheRankOneParams() {
        assertEquals(List.of("h.b", "o.b"), penalised(withLoss("l1(biases, 0.1)"), Op.ABS));
    }

    @Test
    void batchNorm_gammaAndBetaAreNotWeights_andItsStateIsNoParameter() {
        ModelIr m = Models.compile("""
                model M {
                    input x : f32[B, 4]
                    target t : f32[B, 2]
                    d = dense(x, 3)
                    h = batch_norm(d)
                    output o = dense(h, 2)
                    loss = mse(o, t) + l2(weights, 0.1) + l1(params(), 0.1)
                }
                """);
        assertEquals(List.of("d.W", "o.W"), penalised(m, Op.MUL));
        assertEquals(List.of("d.W", "d.b", "h.W", "h.b", "o.W", "o.b"), penalised(m, Op.ABS));
    }

    @Test
    void paramsGlob_matchesScopedNames() {
        assertEquals(List.of("o.W", "o.b"), penalised(withLoss("l2(params(\"o.*\"), 0.1)"), Op.MUL));
        assertEquals(List.of("h.W", "h.b", "o.W", "o.b"), penalised(withLoss("l2(params(), 0.1)"), Op.MUL));
    }

    @Test
    void l2_isHalfLambdaTimesTheSumOfSquares() {
        ModelIr m = withLoss("l2(weights, 0.1)");
        assertEquals(0.05, scale(m, "l2.c"), 1e-15);
        Instr scaled = Models.named(m.train(), "l2");
        assertEquals("l2.c", scaled.args().get(0).name());
        assertTrue(scaled.out().shape().isScalar());
    }

    @Test
    void l1_isLambdaTimesTheSumOfAbsoluteValues() {
        ModelIr m = withLoss("l1(weights, 0.1)");
        assertEquals(0.1, scale(m, "l1.c"), 1e-15);
        assertEquals(2, Models.ops(m.train(), Op.ABS).size());
    }

    @Test
    void elasticNet_addsBothPenalties() {
        ModelIr m = withLoss("elastic_net(weights, l1 = 0.2, l2 = 0.4)");
        assertEquals(List.of("h.W", "o.W"), penalised(m, Op.ABS));
        assertEquals(List.of("h.W", "o.W"), penalised(m, Op.MUL));
        List<Double> scales = Models.ops(m.train(), Op.CONSTANT).stream().map(i -> ((Attr.Const) i.attr()).value()).toList();
        assertEquals(List.of(0.2, 0.2), scales);
    }

    @Test
    void regularizerBeforeLaterLayers_stillCoversEveryParamBecauseTheLossIsElaboratedLast() {
        ModelIr m = Models.compile("""
                model M {
                    input x : f32[B, 4]
                    target t : f32[B, 2]
                    loss = mse(o, t) + l2(weights, 0.1)
                    output o = dense(x, 2)
                }
                """);
        assertEquals(List.of("o.W"), penalised(m, Op.MUL));
    }

    @Test
    void emptySet_isReportedWithTheModelsParams() {
        String errors = Models.errors("""
                model M {
                    input x : f32[B, 4]
                    target t : f32[B, 2]
                    output o = dense(x, 2)
                    loss = mse(o, t) + l2(params("*.V"), 0.1)
                }
                """);
        assertTrue(errors.contains("params(\"*.V\") contains no parameter of this model (its parameters: o.W, o.b)"), errors);
    }

    @Test
    void negativeCoefficient_isReported() {
        String errors = Models.errors("""
                model M {
                    input x : f32[B, 4]
                    target t : f32[B, 2]
                    output o = dense(x, 2)
                    loss = mse(o, t) + l1(weights, -1)
                }
                """);
        assertTrue(errors.contains("the coefficient of 'l1' must not be negative"), errors);
    }
}
