package dev.nabla.compiler.interp;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.kernels.Erf;
import dev.nabla.runtime.kernels.RandomStream;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The interpreter's rule for every op: operands, attribute and the concrete result shape in, result out.
 * Written for obviousness, not speed: this is the oracle autodiff and generated code are checked against.
 * The semantics each rule pins down are documented on {@link Interpreter}.
 */
final class EvalRules {

    @FunctionalInterface
    interface Rule {
        Tensor apply(List<Tensor> args, Attr attr, int[] outShape);
    }

    static final Map<Op, Rule> RULES = new EnumMap<>(Op.class);

    static {
        binary(Op.ADD, Double::sum);
        binary(Op.SUB, (a, b) -> a - b);
        binary(Op.MUL, (a, b) -> a * b);
        binary(Op.DIV, (a, b) -> a / b);
        binary(Op.MAXIMUM, Math::max);
        binary(Op.MINIMUM, Math::min);
        binary(Op.POW, Math::pow);
        binary(Op.GREATER, (a, b) -> a > b ? 1.0 : 0.0);
        binary(Op.EQUAL, (a, b) -> a == b ? 1.0 : 0.0);
        RULES.put(Op.SELECT, EvalRules::select);
        unary(Op.NEG, x -> -x);
        unary(Op.EXP, Math::exp);
        unary(Op.LOG, Math::log);
        unary(Op.SQRT, Math::sqrt);
        unary(Op.ABS, Math::abs);
        unary(Op.SIGN, x -> x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0);
        unary(Op.TANH, Math::tanh);
        unary(Op.SIGMOID, x -> 1.0 / (1.0 + Math.exp(-x)));
        unary(Op.RELU, x -> Math.max(x, 0.0)); // NaN stays NaN, as in the kernels (Math.max, FloatVector.max) and PyTorch
        unary(Op.EXPM1, Math::expm1);
        unary(Op.LOG1P, Math::log1p);
        unary(Op.ERF, Erf::erf);
        RULES.put(Op.MATMUL, (a, attr, out) -> Contractions.matmul(a.get(0), a.get(1), out));
        RULES.put(Op.MATMUL_TN, (a, attr, out) -> Contractions.matmulTransposedA(a.get(0), a.get(1), out));
        RULES.put(Op.CONV2D, (a, attr, out) -> Windows.conv2d(a.get(0), a.get(1), (Attr.Window) attr, out));
        RULES.put(Op.CONV2D_BACKWARD_INPUT, (a, attr, out) ->
                Windows.conv2dBackwardInput(a.get(0), a.get(1), (Attr.Window) attr, out));
        RULES.put(Op.CONV2D_BACKWARD_FILTER, (a, attr, out) ->
                Windows.conv2dBackwardFilter(a.get(0), a.get(1), (Attr.Window) attr, out));
        RULES.put(Op.MAX_POOL2D, (a, attr, out) -> Windows.maxPool(a.get(0), (Attr.Window) attr, out));
        RULES.put(Op.MAX_POOL2D_BACKWARD, (a, attr, out) ->
                Windows.maxPoolBackward(a.get(0), a.get(1), (Attr.Window) attr, out));
        RULES.put(Op.MAX_POOL2D_GATHER, (a, attr, out) ->
                Windows.maxPoolGather(a.get(0), a.get(1), (Attr.Window) attr, out));
        RULES.put(Op.AVG_POOL2D, (a, attr, out) -> Windows.avgPool(a.get(0), (Attr.Window) attr, out));
        RULES.put(Op.AVG_POOL2D_BACKWARD, (a, attr, out) -> Windows.avgPoolBackward(a.get(0), (Attr.Window) attr, out));
        RULES.put(Op.TRANSPOSE, (a, attr, out) -> Contractions.transpose(a.get(0), ((Attr.Perm) attr).perm(), out));
        RULES.put(Op.RESHAPE, (a, attr, out) -> Tensor.wrap(out, a.get(0).raw().clone()));
        RULES.put(Op.BROADCAST, (a, attr, out) -> Tensor.wrap(out, Indexing.broadcastTo(a.get(0), out)));
        RULES.put(Op.SUM, (a, attr, out) -> Reductions.sum(a.get(0), (Attr.Axes) attr, out));
        RULES.put(Op.MEAN, (a, attr, out) -> Reductions.mean(a.get(0), (Attr.Axes) attr, out));
        RULES.put(Op.MAX, (a, attr, out) -> Reductions.max(a.get(0), (Attr.Axes) attr, out));
        RULES.put(Op.SOFTMAX, (a, attr, out) -> Reductions.softmax(a.get(0), ((Attr.Axis) attr).axis(), false));
        RULES.put(Op.LOG_SOFTMAX, (a, attr, out) -> Reductions.softmax(a.get(0), ((Attr.Axis) attr).axis(), true));
        RULES.put(Op.ONE_HOT, (a, attr, out) -> oneHot(a.get(0), ((Attr.Depth) attr).depth(), out));
        RULES.put(Op.SLICE, (a, attr, out) -> region(a.get(0), (Attr.Region) attr, out, false));
        RULES.put(Op.PAD, (a, attr, out) -> region(a.get(0), (Attr.Region) attr, out, true));
        RULES.put(Op.CONSTANT, (a, attr, out) -> constant(((Attr.Const) attr).value(), out));
        RULES.put(Op.RANDOM_UNIFORM, (a, attr, out) -> draw(a, (Attr.Draw) attr, out, RandomStream::uniform));
        RULES.put(Op.RANDOM_NORMAL, (a, attr, out) -> draw(a, (Attr.Draw) attr, out, RandomStream::normal));
    }

    /** The generator's function of seed, step, stream and element index. */
    @FunctionalInterface
    private interface Generator {
        float draw(float seed, float step, int stream, int index);
    }

    private EvalRules() {
    }

    private static void unary(Op op, DoubleUnaryOperator f) {
        RULES.put(op, (a, attr, out) -> {
            double[] x = a.get(0).raw();
            double[] r = new double[x.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = f.applyAsDouble(x[i]);
            }
            return Tensor.wrap(out, r);
        });
    }

    private static void binary(Op op, DoubleBinaryOperator f) {
        RULES.put(op, (a, attr, out) -> {
            double[] x = Indexing.broadcastTo(a.get(0), out);
            double[] y = Indexing.broadcastTo(a.get(1), out);
            double[] r = new double[x.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = f.applyAsDouble(x[i], y[i]);
            }
            return Tensor.wrap(out, r);
        });
    }

    private static Tensor select(List<Tensor> a, Attr attr, int[] out) {
        double[] cond = Indexing.broadcastTo(a.get(0), out);
        double[] x = Indexing.broadcastTo(a.get(1), out);
        double[] y = Indexing.broadcastTo(a.get(2), out);
        double[] r = new double[cond.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = cond[i] != 0 ? x[i] : y[i];
        }
        return Tensor.wrap(out, r);
    }

    private static Tensor oneHot(Tensor labels, int depth, int[] out) {
        double[] l = labels.raw();
        double[] r = new double[Tensor.size(out)];
        for (int i = 0; i < l.length; i++) {
            int k = (int) l[i];
            if (k != l[i] || k < 0 || k >= depth) {
                throw new NablaException("class label " + l[i] + " is out of range 0.." + (depth - 1));
            }
            r[i * depth + k] = 1.0;
        }
        return Tensor.wrap(out, r);
    }

    /**
     * A slice reads the operand at {@code index + offset}; a pad writes the operand there, in zeros. Either way each
     * element of the smaller tensor is paired with the element of the larger one at its index plus the offset.
     */
    private static Tensor region(Tensor x, Attr.Region r, int[] out, boolean pad) {
        int[] small = pad ? x.shape() : out;
        int[] large = pad ? out : x.shape();
        double[] src = x.raw();
        double[] result = new double[Tensor.size(out)];
        int[] idx = new int[small.length];
        int[] at = new int[small.length];
        for (int f = 0; f < Tensor.size(small); f++) {
            for (int d = 0; d < idx.length; d++) {
                at[d] = idx[d] + r.offset().get(d);
            }
            int l = Indexing.flat(at, large);
            if (pad) {
                result[l] = src[f];
            } else {
                result[f] = src[l];
            }
            Indexing.increment(idx, small);
        }
        return Tensor.wrap(out, result);
    }

    /** The same floats generated code computes: seed and step are whole numbers, exact as floats. */
    private static Tensor draw(List<Tensor> a, Attr.Draw d, int[] out, Generator g) {
        float seed = (float) a.get(0).raw()[0];
        float step = (float) a.get(1).raw()[0];
        double[] r = new double[Tensor.size(out)];
        for (int i = 0; i < r.length; i++) {
            r[i] = g.draw(seed, step, d.stream(), i);
        }
        return Tensor.wrap(out, r);
    }

    private static Tensor constant(double value, int[] out) {
        double[] r = new double[Tensor.size(out)];
        java.util.Arrays.fill(r, value);
        return Tensor.wrap(out, r);
    }
}
