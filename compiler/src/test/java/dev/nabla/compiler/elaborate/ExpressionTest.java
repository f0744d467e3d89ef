package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpressionTest {

    @Test
    void scalarLiterals_becomeScalarConstantsThatBroadcast() {
        ModelIr m = Models.withBody("output o = x * 2 + 0.5");
        List<Instr> constants = Models.ops(m.train(), Op.CONSTANT);
        assertEquals(List.of(new Attr.Const(2), new Attr.Const(0.5)), constants.stream().map(Instr::attr).toList());
        assertTrue(constants.stream().allMatch(c -> c.out().shape().isScalar()));
        assertEquals(Shape.of(Shape.BATCH, 4), Models.output(m, "o").shape());
    }

    @Test
    void arithmeticOnNumbers_isFoldedAtCompileTime() {
        ModelIr m = Models.withBody("units = 2 * 3 + 1\nh = dense(x, units)\noutput o = h");
        assertEquals(Shape.of(4, 7), Models.param(m, "h.W").shape());
        assertTrue(Models.ops(m.train(), Op.CONSTANT).isEmpty());
    }

    @Test
    void dim_ofTheBatchAxis_staysSymbolicInShapes() {
        ModelIr m = Models.withBody("output o = reshape(x, [dim(x, 0), 2, 2])");
        assertEquals(Shape.of(Shape.BATCH, 2, 2), Models.output(m, "o").shape());
    }

    @Test
    void reshape_namesTheBatchSymbolAndInfersMinusOne() {
        ModelIr m = Models.withBody("output o = reshape(x, [B, 2, -1])");
        assertEquals(Shape.of(Shape.BATCH, 2, 2), Models.output(m, "o").shape());
    }

    @Test
    void flatten_keepsTheBatchAxis() {
        ModelIr m = Models.withBody("r = reshape(x, [B, 2, 2])\noutput o = flatten(r)");
        assertEquals(Shape.of(Shape.BATCH, 4), Models.output(m, "o").shape());
    }

    @Test
    void transpose_ofAMatrixSwapsAxes() {
        ModelIr m = Models.withBody("param W : [4, 3] = zeros\noutput o = x @ transpose(transpose(W))");
        assertEquals(new Attr.Perm(List.of(1, 0)), Models.ops(m.train(), Op.TRANSPOSE).get(0).attr());
    }

    @Test
    void reductions_normaliseAxesAndKeepDims() {
        ModelIr m = Models.withBody("output a = sum(x, axis = -1, keepdims = true)\noutput b = mean(x)\noutput c = max(x, axis = [1, 0])");
        assertEquals(Shape.of(Shape.BATCH, 1), Models.output(m, "a").shape());
        assertEquals(new Attr.Axes(List.of(1), true), Models.named(m.train(), "a").attr());
        assertEquals(new Attr.Axes(List.of(0, 1), false), Models.named(m.train(), "b").attr());
        assertEquals(new Attr.Axes(List.of(0, 1), false), Models.named(m.train(), "c").attr());
    }

    @Test
    void softmaxAxis_defaultsToTheLastAxis() {
        ModelIr m = Models.withBody("output p = softmax(x)\noutput q = log_softmax(x, axis = 0)");
        assertEquals(new Attr.Axis(1), Models.named(m.train(), "p").attr());
        assertEquals(new Attr.Axis(0), Models.named(m.train(), "q").attr());
    }

    @Test
    void comparisonsAndWhere_mapToGreaterEqualAndSelect() {
        ModelIr m = Models.withBody("output o = where(x > 0, x, 0) + where(x < 1, 1, x) + equal(x, 2)");
        assertEquals(2, Models.ops(m.train(), Op.GREATER).size());
        assertEquals(2, Models.ops(m.train(), Op.SELECT).size());
        assertEquals(1, Models.ops(m.train(), Op.EQUAL).size());
        Instr less = Models.ops(m.train(), Op.GREATER).get(1);
        assertEquals("x", less.args().get(1).name(), "a < b is greater(b, a)");
    }

    @Test
    void unaryMinusAndElementwiseBuiltins_mapToTheirOps() {
        ModelIr m = Models.withBody("output o = -exp(x) + log(x) + sqrt(x) + abs(x) + sign(x) + tanh(x) + sigmoid(x)"
                + " + maximum(x, 0) + minimum(x, 1)");
        for (Op op : List.of(Op.NEG, Op.EXP, Op.LOG, Op.SQRT, Op.ABS, Op.SIGN, Op.TANH, Op.SIGMOID, Op.MAXIMUM, Op.MINIMUM)) {
            assertEquals(1, Models.ops(m.train(), op).size(), op.toString());
        }
    }

    @Test
    void everyUnaryOp_isABuiltinOfItsMnemonic() {
        for (Op op : Op.values()) {
            if (op.family() == Op.Family.UNARY) {
                ModelIr m = Models.withBody("output o = " + op.mnemonic() + "(x)");
                assertEquals(1, Models.ops(m.train(), op).size(), op.toString());
            }
        }
    }

    @Test
    void functionsAreValues_andCanBePassedAndCalled() {
        ModelIr m = Models.compile("""
                def apply(f, x) = f(x)
                model M {
                    input x : f32[B, 4]
                    act = tanh
                    output o = apply(act, x) + dense(x, 4, activation = sigmoid)
                }
                """);
        assertEquals(1, Models.ops(m.train(), Op.TANH).size());
        assertEquals(1, Models.ops(m.train(), Op.SIGMOID).size());
    }

    @Test
    void defaultsAndNamedArguments_bindLikePython() {
        ModelIr m = Models.compile("""
                def scale(x, factor = 2, shift = 0.5) = x * factor + shift
                model M {
                    input x : f32[B, 4]
                    output o = scale(x, shift = 1, factor = 3)
                }
                """);
        assertEquals(List.of(new Attr.Const(3), new Attr.Const(1)),
                Models.ops(m.train(), Op.CONSTANT).stream().map(Instr::attr).toList());
    }

    @Test
    void valueNames_followTheSource() {
        ModelIr m = Models.withBody("hidden = dense(x, 3, activation = relu)\nlogits = dense(hidden, 2)\noutput probs = softmax(logits)");
        List<String> names = m.train().body().stream().map(i -> i.out().name()).toList();
        assertEquals(List.of("hidden.mm", "hidden.add", "hidden", "logits.mm", "logits", "probs"), names);
    }

    @Test
    void oneHot_turnsLabelsIntoFloats() {
        ModelIr m = Models.compile("""
                model M {
                    input x : f32[B, 4]
                    target y : i32[B] classes 4
                    output o = x
                    loss = mean(one_hot(y, 4) * x)
                }
                """);
        assertEquals(Shape.of(Shape.BATCH, 4), Models.ops(m.train(), Op.ONE_HOT).get(0).out().shape());
    }

    @Test
    void tensorsBroadcastLikeNumPy() {
        ModelIr m = Models.withBody("""
                param v : [4] = ones
                param col : [4, 1] = ones
                output a = x + v
                output b = sum(x, axis = 1, keepdims = true) * x
                output c = col + v
                output d = broadcast(v, [3, 4])""");
        assertEquals(Shape.of(Shape.BATCH, 4), Models.output(m, "a").shape());
        assertEquals(Shape.of(Shape.BATCH, 4), Models.output(m, "b").shape());
        assertEquals(Shape.of(4, 4), Models.output(m, "c").shape());
        assertEquals(Shape.of(3, 4), Models.output(m, "d").shape());
    }

    @Test
    void broadcastThatWouldMoveTheBatchAxis_isAnErrorNamingBothShapes() {
        String errors = Models.errors("""
                model M {
                    input x : f32[B, 4]
                    param m : [3, 1, 4] = ones
                    output o = x + m
                }
                """);
        assertTrue(errors.startsWith("test.nabla:4:18: error: broadcasting [B,4] with [3,1,4] would move the batch"), errors);
    }
}
