package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.autodiff.GradientChecks.Operand;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static dev.nabla.compiler.autodiff.GradientChecks.awayFromZero;
import static dev.nabla.compiler.autodiff.GradientChecks.distinct;
import static dev.nabla.compiler.autodiff.GradientChecks.random;

/**
 * Per op: the symbolic gradient of sum(op(operands) * R), R fixed and random, matches central finite
 * differences, over random shapes (broadcasting, size-1 axes, the batch axis) and values kept away from
 * non-differentiable points (pow's base positive; the operands of max, maximum and minimum apart from ties).
 * Convolution and pooling: {@link ConvPoolGradientProperties}.
 */
class OpGradientProperties {

    private static final double TOL = 1e-6;
    private static final int BATCH = 3;

    private static Operand wrt(Shape s, Tensor t) {
        return new Operand(s, t, true);
    }

    private static void check(Op op, Attr attr, Random rnd, Operand... operands) {
        GradientChecks.assertOpMatches(op, attr, rnd, BATCH, TOL, operands);
    }

    private static List<Integer> allAxes(Shape s) {
        return GradientChecks.allAxes(s);
    }

    private static Shape randomShape(Random rnd, int minRank, int maxRank, boolean batched) {
        int rank = minRank + rnd.nextInt(maxRank - minRank + 1);
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = i == 0 && batched ? Shape.BATCH : 1 + rnd.nextInt(3);
        }
        return Shape.of(dims);
    }

    /** A shape that broadcasts to {@code out}: some leading axes dropped, some axes of size 1. */
    private static Shape broadcastable(Random rnd, Shape out) {
        if (rnd.nextBoolean()) {
            return out;
        }
        int drop = rnd.nextInt(out.rank() + 1);
        List<Integer> dims = new ArrayList<>();
        for (int i = drop; i < out.rank(); i++) {
            dims.add(rnd.nextInt(3) == 0 ? 1 : out.dim(i));
        }
        return new Shape(dims);
    }

    private static Tensor values(Random rnd, Shape s, Op op, int operand) {
        int[] dims = s.concrete(BATCH);
        if (op == Op.LOG1P) {
            return random(rnd, dims, -0.5, 2);
        }
        if (op == Op.LOG || op == Op.SQRT || (op == Op.DIV && operand == 1) || (op == Op.POW && operand == 0)) {
            return random(rnd, dims, 0.5, 2);
        }
        if (op == Op.ABS || op == Op.RELU) {
            return awayFromZero(rnd, dims, 0.1, 1);
        }
        if (op == Op.MAX || op == Op.MAXIMUM || op == Op.MINIMUM) {
            // away from ties, where the gradient jumps: within the tensor, and between maximum's two operands
            return distinct(rnd, dims, operand == 0 ? 0 : 0.0125);
        }
        return random(rnd, dims, -1, 1);
    }

    @Property(tries = 100)
    void binaryOps_matchFiniteDifferences_withBroadcasting(@ForAll long seed) {
        Random rnd = new Random(seed);
        boolean batched = rnd.nextInt(3) == 0;
        Shape out = randomShape(rnd, batched ? 1 : 0, 3, batched);
        for (Op op : List.of(Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.MAXIMUM, Op.MINIMUM, Op.POW)) {
            Shape a = batched ? out : broadcastable(rnd, out);
            Shape b = broadcastable(rnd, out);
            check(op, Attr.NONE, rnd, wrt(a, values(rnd, a, op, 0)), wrt(b, values(rnd, b, op, 1)));
        }
    }

    @Property(tries = 100)
    void select_routesGradientByCondition(@ForAll long seed) {
        Random rnd = new Random(seed);
        Shape out = randomShape(rnd, 0, 3, false);
        Shape c = broadcastable(rnd, out);
        Tensor cond = random(rnd, c.concrete(BATCH), 0, 1);
        double[] bits = cond.data();
        for (int i = 0; i < bits.length; i++) {
            bits[i] = bits[i] > 0.5 ? 1 : 0;
        }
        Shape a = broadcastable(rnd, out);
        Shape b = broadcastable(rnd, out);
        check(Op.SELECT, Attr.NONE, rnd, new Operand(c, new Tensor(cond.shape(), bits), false),
                wrt(a, values(rnd, a, Op.SELECT, 1)), wrt(b, values(rnd, b, Op.SELECT, 2)));
    }

    @Property(tries = 100)
    void unaryOps_matchFiniteDifferences(@ForAll long seed) {
        Random rnd = new Random(seed);
        boolean batched = rnd.nextBoolean();
        Shape s = randomShape(rnd, batched ? 1 : 0, 3, batched);
        for (Op op : List.of(Op.NEG, Op.EXP, Op.LOG, Op.SQRT, Op.ABS, Op.TANH, Op.SIGMOID, Op.RELU, Op.EXPM1,
                Op.LOG1P, Op.ERF)) {
            check(op, Attr.NONE, rnd, wrt(s, values(rnd, s, op, 0)));
        }
    }

    @Property(tries = 100)
    void matmulAndTransposedMatmul_matchFiniteDifferences(@ForAll long seed) {
        Random rnd = new Random(seed);
        int m = rnd.nextBoolean() ? Shape.BATCH : 1 + rnd.nextInt(3);
        int k = 1 + rnd.nextInt(3);
        int n = 1 + rnd.nextInt(3);
        Shape x = Shape.of(m, k);
        Shape w = Shape.of(k, n);
        check(Op.MATMUL, Attr.NONE, rnd, wrt(x, values(rnd, x, Op.MATMUL, 0)), wrt(w, values(rnd, w, Op.MATMUL, 1)));
        Shape g = Shape.of(m, n);
        check(Op.MATMUL_TN, Attr.NONE, rnd, wrt(x, values(rnd, x, Op.MATMUL_TN, 0)), wrt(g, values(rnd, g, Op.MATMUL_TN, 1)));
    }

    @Property(tries = 100)
    void layoutOps_matchFiniteDifferences(@ForAll long seed) {
        Random rnd = new Random(seed);
        Shape s = randomShape(rnd, 1, 3, false);
        List<Integer> perm = allAxes(s);
        Collections.shuffle(perm, rnd);
        check(Op.TRANSPOSE, new Attr.Perm(perm), rnd, wrt(s, values(rnd, s, Op.TRANSPOSE, 0)));
        Shape flat = Shape.of((int) s.numel(1));
        check(Op.RESHAPE, new Attr.To(flat), rnd, wrt(s, values(rnd, s, Op.RESHAPE, 0)));
        Shape small = broadcastable(rnd, s);
        check(Op.BROADCAST, new Attr.To(s), rnd, wrt(small, values(rnd, small, Op.BROADCAST, 0)));
    }

    /** A random box inside a random shape (batched or not): slicing it out and padding it back are adjoint. */
    @Property(tries = 100)
    void sliceAndPad_matchFiniteDifferences_includingTheBatchAxis(@ForAll long seed) {
        Random rnd = new Random(seed);
        Shape large = randomShape(rnd, 1, 3, rnd.nextBoolean());
        List<Integer> offset = new ArrayList<>();
        List<Integer> box = new ArrayList<>();
        for (int d = 0; d < large.rank(); d++) {
            int size = large.dim(d);
            if (size == Shape.BATCH) {
                offset.add(0);
                box.add(Shape.BATCH);
            } else {
                int len = 1 + rnd.nextInt(size);
                offset.add(rnd.nextInt(size - len + 1));
                box.add(len);
            }
        }
        Shape small = new Shape(box);
        check(Op.SLICE, new Attr.Region(offset, small), rnd, wrt(large, values(rnd, large, Op.SLICE, 0)));
        check(Op.PAD, new Attr.Region(offset, large), rnd, wrt(small, values(rnd, small, Op.PAD, 0)));
    }

    @Property(tries = 100)
    void reductions_matchFiniteDifferences_includingTheBatchAxis(@ForAll long seed) {
        Random rnd = new Random(seed);
        Shape s = randomShape(rnd, 1, 3, rnd.nextBoolean());
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            if (rnd.nextBoolean()) {
                axes.add(i);
            }
        }
        Attr.Axes attr = new Attr.Axes(axes, rnd.nextBoolean());
        for (Op op : List.of(Op.SUM, Op.MEAN, Op.MAX)) {
            check(op, attr, rnd, wrt(s, values(rnd, s, op, 0)));
        }
    }

    @Property(tries = 100)
    void softmaxAndLogSoftmax_matchFiniteDifferences(@ForAll long seed) {
        Random rnd = new Random(seed);
        Shape s = randomShape(rnd, 1, 3, rnd.nextBoolean());
        Attr.Axis axis = new Attr.Axis(rnd.nextInt(s.rank()));
        check(Op.SOFTMAX, axis, rnd, wrt(s, random(rnd, s.concrete(BATCH), -2, 2)));
        check(Op.LOG_SOFTMAX, axis, rnd, wrt(s, random(rnd, s.concrete(BATCH), -2, 2)));
    }
}
