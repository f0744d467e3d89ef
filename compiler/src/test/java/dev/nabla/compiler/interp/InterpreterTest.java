package dev.nabla.compiler.interp;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.DType;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import dev.nabla.runtime.NablaException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.nabla.compiler.interp.OneOp.eval;
import static dev.nabla.compiler.interp.OneOp.s;
import static dev.nabla.compiler.interp.OneOp.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InterpreterTest {

    private static final double EPS = 1e-12;

    private static void assertData(Tensor actual, int[] shape, double... expected) {
        assertArrayEquals(shape, actual.shape());
        assertArrayEquals(expected, actual.data(), EPS);
    }

    @Test
    void everyOpHasAnInterpreterRule() {
        for (Op op : Op.values()) {
            assertTrue(Interpreter.supports(op), op.name());
        }
    }

    @Test
    void relu_keepsNaN_asTheKernelsAndPyTorchDo() {
        Tensor r = eval(Op.RELU, Attr.NONE, t(s(3), Double.NaN, -1, 2));
        assertTrue(Double.isNaN(r.data()[0]), "relu(NaN) = " + r.data()[0]);
        assertEquals(0.0, r.data()[1]);
        assertEquals(2.0, r.data()[2]);
    }

    @Test
    void add_broadcastsRowVectorOverMatrix() {
        Tensor r = eval(Op.ADD, Attr.NONE, t(s(2, 3), 1, 2, 3, 4, 5, 6), t(s(3), 10, 20, 30));
        assertData(r, s(2, 3), 11, 22, 33, 14, 25, 36);
    }

    @Test
    void sub_broadcastsColumnAgainstRow() {
        Tensor r = eval(Op.SUB, Attr.NONE, t(s(2, 1), 1, 2), t(s(1, 3), 1, 2, 3));
        assertData(r, s(2, 3), 0, -1, -2, 1, 0, -1);
    }

    @Test
    void mul_withScalarOperand() {
        assertData(eval(Op.MUL, Attr.NONE, t(s(3), 1, 2, 3), t(s(), 2)), s(3), 2, 4, 6);
    }

    @Test
    void div_elementwise() {
        assertData(eval(Op.DIV, Attr.NONE, t(s(2), 1, 3), t(s(2), 4, 2)), s(2), 0.25, 1.5);
    }

    @Test
    void maximumAndMinimum_elementwise() {
        Tensor a = t(s(3), 1, 5, -2);
        Tensor b = t(s(3), 3, 5, -4);
        assertData(eval(Op.MAXIMUM, Attr.NONE, a, b), s(3), 3, 5, -2);
        assertData(eval(Op.MINIMUM, Attr.NONE, a, b), s(3), 1, 5, -4);
    }

    @Test
    void greaterAndEqual_giveOneOrZero() {
        Tensor a = t(s(3), 1, 5, 7);
        Tensor b = t(s(3), 3, 5, 2);
        assertData(eval(Op.GREATER, Attr.NONE, a, b), s(3), 0, 0, 1);
        assertData(eval(Op.EQUAL, Attr.NONE, a, b), s(3), 0, 1, 0);
    }

    @Test
    void select_takesFirstWhereConditionIsNonZero() {
        Tensor r = eval(Op.SELECT, Attr.NONE, t(s(4), 1, 0, -2, 0.5), t(s(4), 1, 2, 3, 4), t(s(), 9));
        assertData(r, s(4), 1, 9, 3, 4);
    }

    @Test
    void unaryOps_matchHandValues() {
        Tensor x = t(s(3), -1, 0, 4);
        assertData(eval(Op.NEG, Attr.NONE, x), s(3), 1, 0, -4);
        assertData(eval(Op.EXP, Attr.NONE, x), s(3), Math.exp(-1), 1, Math.exp(4));
        assertData(eval(Op.ABS, Attr.NONE, x), s(3), 1, 0, 4);
        assertData(eval(Op.SIGN, Attr.NONE, x), s(3), -1, 0, 1);
        assertData(eval(Op.RELU, Attr.NONE, x), s(3), 0, 0, 4);
        assertData(eval(Op.TANH, Attr.NONE, x), s(3), Math.tanh(-1), 0, Math.tanh(4));
        assertData(eval(Op.SIGMOID, Attr.NONE, x), s(3), 1 / (1 + Math.E), 0.5, 1 / (1 + Math.exp(-4)));
    }

    @Test
    void expm1Log1pErf_matchKnownValues_andKeepPrecisionNearZero() {
        Tensor x = t(s(4), -1, 0, 1e-10, 2);
        assertData(eval(Op.EXPM1, Attr.NONE, x), s(4), Math.exp(-1) - 1, 0, 1.00000000005e-10, Math.exp(2) - 1);
        assertData(eval(Op.LOG1P, Attr.NONE, t(s(3), 0, 1e-10, 1)), s(3), 0, 9.9999999995e-11, Math.log(2));
        // erf from mpmath: erf(-1), erf(0.5), erf(2)
        assertData(eval(Op.ERF, Attr.NONE, t(s(4), -1, 0, 0.5, 2)), s(4),
                -0.8427007929497149, 0, 0.5204998778130465, 0.9953222650189527);
    }

    @Test
    void logAndSqrt_ofPositiveValues() {
        Tensor x = t(s(2), 1, 4);
        assertData(eval(Op.LOG, Attr.NONE, x), s(2), 0, Math.log(4));
        assertData(eval(Op.SQRT, Attr.NONE, x), s(2), 1, 2);
    }

    @Test
    void matmul_twoByThreeTimesThreeByTwo() {
        Tensor r = eval(Op.MATMUL, Attr.NONE, t(s(2, 3), 1, 2, 3, 4, 5, 6), t(s(3, 2), 7, 8, 9, 10, 11, 12));
        assertData(r, s(2, 2), 58, 64, 139, 154);
    }

    @Test
    void matmulTn_contractsFirstAxes() {
        // a^T = [[1,3,5],[2,4,6]]; a^T @ b with b = [[1,0],[0,1],[1,1]]
        Tensor r = eval(Op.MATMUL_TN, Attr.NONE, t(s(3, 2), 1, 2, 3, 4, 5, 6), t(s(3, 2), 1, 0, 0, 1, 1, 1));
        assertData(r, s(2, 2), 6, 8, 8, 10);
    }

    @Test
    void transpose_permutesThreeAxes() {
        Tensor x = t(s(1, 2, 3), 1, 2, 3, 4, 5, 6);
        assertData(eval(Op.TRANSPOSE, new Attr.Perm(List.of(2, 0, 1)), x), s(3, 1, 2), 1, 4, 2, 5, 3, 6);
    }

    @Test
    void reshape_keepsRowMajorOrder() {
        Tensor x = t(s(2, 3), 1, 2, 3, 4, 5, 6);
        assertData(eval(Op.RESHAPE, new Attr.To(Shape.of(3, 2)), x), s(3, 2), 1, 2, 3, 4, 5, 6);
    }

    @Test
    void broadcast_repeatsSizeOneAxis() {
        Tensor x = t(s(2, 1), 1, 2);
        assertData(eval(Op.BROADCAST, new Attr.To(Shape.of(2, 3)), x), s(2, 3), 1, 1, 1, 2, 2, 2);
    }

    @Test
    void sum_overAxisWithAndWithoutKeepDims() {
        Tensor x = t(s(2, 3), 1, 2, 3, 4, 5, 6);
        assertData(eval(Op.SUM, new Attr.Axes(List.of(1), false), x), s(2), 6, 15);
        assertData(eval(Op.SUM, new Attr.Axes(List.of(0), true), x), s(1, 3), 5, 7, 9);
        assertData(eval(Op.SUM, new Attr.Axes(List.of(0, 1), false), x), s(), 21);
    }

    @Test
    void meanAndMax_overAxis() {
        Tensor x = t(s(2, 3), 1, 2, 3, 4, 9, 5);
        assertData(eval(Op.MEAN, new Attr.Axes(List.of(1), false), x), s(2), 2, 6);
        assertData(eval(Op.MAX, new Attr.Axes(List.of(0), false), x), s(3), 4, 9, 5);
        assertData(eval(Op.MAX, new Attr.Axes(List.of(1), true), x), s(2, 1), 3, 9);
    }

    @Test
    void mean_overBatchAxis_dividesByActualBatch() {
        GraphBuilder b = new GraphBuilder("m");
        Value x = b.input("x", TensorType.f32(Shape.BATCH, 2), Graph.InputRole.INPUT, null, Span.NONE);
        Value m = b.add(Op.MEAN, List.of(x), new Attr.Axes(List.of(0, 1), false), Span.NONE, "m");
        b.output("m", m, Graph.OutputRole.OUTPUT);
        Tensor in = t(s(3, 2), 1, 2, 3, 4, 5, 9);
        assertEquals(4.0, Interpreter.run(b.build(), 3, Map.of("x", in)).get("m").item(), EPS);
    }

    @Test
    void softmax_isStableForLargeInputs() {
        Tensor x = t(s(1, 3), 1000, 1001, 1002);
        double z = 1 + Math.E + Math.E * Math.E;
        assertData(eval(Op.SOFTMAX, new Attr.Axis(1), x), s(1, 3), 1 / z, Math.E / z, Math.E * Math.E / z);
        assertData(eval(Op.LOG_SOFTMAX, new Attr.Axis(1), x), s(1, 3), -Math.log(z), 1 - Math.log(z), 2 - Math.log(z));
    }

    @Test
    void softmax_alongFirstAxis() {
        Tensor x = t(s(2, 2), 0, 5, Math.log(3), 5);
        assertData(eval(Op.SOFTMAX, new Attr.Axis(0), x), s(2, 2), 0.25, 0.5, 0.75, 0.5);
    }

    @Test
    void oneHot_ofLabels() {
        Tensor r = eval(Op.ONE_HOT, new Attr.Depth(3), DType.I32, t(s(2), 2, 0));
        assertData(r, s(2, 3), 0, 0, 1, 1, 0, 0);
    }

    @Test
    void oneHot_ofOutOfRangeLabel_throws() {
        NablaException e = assertThrows(NablaException.class,
                () -> eval(Op.ONE_HOT, new Attr.Depth(3), DType.I32, t(s(2), 3, 0)));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @Test
    void constant_fillsBatchedShape() {
        GraphBuilder b = new GraphBuilder("c");
        Value c = b.constant(2.5, Shape.of(Shape.BATCH, 2), Span.NONE);
        b.output("c", c, Graph.OutputRole.OUTPUT);
        assertData(Interpreter.run(b.build(), 2, Map.of()).get("c"), s(2, 2), 2.5, 2.5, 2.5, 2.5);
    }

    @Test
    void run_withMissingInput_namesIt() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", TensorType.f32(2), Graph.InputRole.PARAM, null, Span.NONE);
        b.output("x", x, Graph.OutputRole.OUTPUT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Interpreter.run(b.build(), 1, Map.of()));
        assertTrue(e.getMessage().contains("param x"), e.getMessage());
    }

    @Test
    void runAll_returnsIntermediateValues() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", TensorType.f32(2), Graph.InputRole.INPUT, null, Span.NONE);
        Value y = b.add(Op.EXP, Span.NONE, "y", x);
        Value z = b.add(Op.NEG, Span.NONE, "z", y);
        b.output("z", z, Graph.OutputRole.OUTPUT);
        Map<String, Tensor> all = Interpreter.runAll(b.build(), 1, Map.of("x", t(s(2), 0, 1)));
        assertData(all.get("y"), s(2), 1, Math.E);
        assertData(all.get("z"), s(2), -1, -Math.E);
    }
}
