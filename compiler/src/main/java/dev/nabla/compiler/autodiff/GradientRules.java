package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The gradient rule of every op, as IR-building code. A rule receives the forward instruction, the
 * gradient {@code g} of its result and an operand index, and returns the gradient for that operand, either
 * in the operand's shape or in the (broadcast) result shape, which the driver sums back. Rules reuse forward
 * values (the result, the operands) instead of recomputing them, and use only differentiable ops, so backward
 * graphs can be differentiated again: the backward ops of convolution and pooling are themselves in this table,
 * each the adjoint of another (conv2d, its input and filter adjoints are bilinear and close among themselves;
 * max_pool2d_backward and max_pool2d_gather are adjoint in their gradient operand).
 *
 * <p>Conventions at non-differentiable points, chosen like PyTorch's:
 * <ul>
 *   <li>RELU'(0) = 0; ABS'(0) = 0 (so L1's subgradient at 0 is 0).</li>
 *   <li>MAXIMUM/MINIMUM at a tie give each operand half of the gradient.</li>
 *   <li>MAX over axes splits the gradient equally among the tied maxima.</li>
 *   <li>MAX_POOL2D gives each window's gradient to its first maximum in row-major order of the window
 *       (PyTorch's choice, which differs from MAX's even split: pooling follows the framework users compare with).</li>
 * </ul>
 * GREATER, EQUAL, SIGN, ONE_HOT, CONSTANT and the random draws are piecewise constant (or have integer operands):
 * they are {@link #NO_GRADIENT}, and no gradient flows through them. Some operands only choose positions
 * (SELECT's condition, the x of max pooling's backward and gather ops): {@link #flowsTo} is false for them,
 * the driver never asks their rule, and they do not make the result depend on what they were computed from.
 */
final class GradientRules {

    @FunctionalInterface
    interface Rule {
        Value grad(Emitter e, Instr fwd, Value g, int operand);
    }

    /** Marks ops through which no gradient flows. */
    static final Rule NO_GRADIENT = (e, fwd, g, operand) -> null;

    /**
     * The rule of the fused ops: the fusion passes make them from differentiated graphs, so autodiff never meets one
     * in a graph it is given; differentiate the graph before the passes.
     */
    static final Rule AFTER_AUTODIFF = (e, fwd, g, operand) -> {
        throw new IllegalStateException(fwd.op().mnemonic() + " is made by the fusion passes, after autodiff;"
                + " differentiate the graph before the passes: " + fwd);
    };

    static final Map<Op, Rule> RULES = new EnumMap<>(Op.class);
    /** The operand of each op that only selects positions and gets no gradient; the others get one. */
    private static final Map<Op, Integer> SELECTOR = new EnumMap<>(Op.class);

    static {
        RULES.put(Op.ADD, (e, f, g, i) -> g);
        RULES.put(Op.SUB, (e, f, g, i) -> i == 0 ? g : e.neg(g));
        RULES.put(Op.MUL, (e, f, g, i) -> e.mul(g, arg(f, 1 - i)));
        RULES.put(Op.DIV, (e, f, g, i) -> i == 0 ? e.div(g, arg(f, 1)) : e.neg(e.div(e.mul(g, f.out()), arg(f, 1))));
        RULES.put(Op.MAXIMUM, (e, f, g, i) -> e.mul(g, winnerMask(e, arg(f, i), arg(f, 1 - i))));
        RULES.put(Op.MINIMUM, (e, f, g, i) -> e.mul(g, winnerMask(e, arg(f, 1 - i), arg(f, i))));
        RULES.put(Op.POW, GradientRules::pow);
        RULES.put(Op.GREATER, NO_GRADIENT);
        RULES.put(Op.EQUAL, NO_GRADIENT);
        selecting(Op.SELECT, 0, GradientRules::select);
        RULES.put(Op.NEG, (e, f, g, i) -> e.neg(g));
        RULES.put(Op.EXP, (e, f, g, i) -> e.mul(g, f.out()));
        RULES.put(Op.LOG, (e, f, g, i) -> e.div(g, arg(f, 0)));
        RULES.put(Op.SQRT, (e, f, g, i) -> e.div(e.mul(g, e.constant(0.5)), f.out()));
        RULES.put(Op.ABS, (e, f, g, i) -> e.mul(g, e.op(Op.SIGN, arg(f, 0))));
        RULES.put(Op.SIGN, NO_GRADIENT);
        RULES.put(Op.TANH, (e, f, g, i) -> e.mul(g, e.sub(e.constant(1), e.mul(f.out(), f.out()))));
        RULES.put(Op.SIGMOID, (e, f, g, i) -> e.mul(g, e.mul(f.out(), e.sub(e.constant(1), f.out()))));
        RULES.put(Op.RELU, GradientRules::relu);
        RULES.put(Op.EXPM1, (e, f, g, i) -> e.mul(g, e.add(f.out(), e.constant(1))));
        RULES.put(Op.LOG1P, (e, f, g, i) -> e.div(g, e.add(arg(f, 0), e.constant(1))));
        RULES.put(Op.ERF, GradientRules::erf);
        RULES.put(Op.MATMUL, (e, f, g, i) -> i == 0
                ? e.op(Op.MATMUL, g, e.transpose2d(arg(f, 1)))
                : e.op(Op.MATMUL_TN, arg(f, 0), g));
        RULES.put(Op.MATMUL_TN, (e, f, g, i) -> i == 0
                ? e.op(Op.MATMUL, arg(f, 1), e.transpose2d(g))
                : e.op(Op.MATMUL, arg(f, 0), g));
        RULES.put(Op.CONV2D, (e, f, g, i) -> i == 0
                ? window(e, f, Op.CONV2D_BACKWARD_INPUT, g, arg(f, 1))
                : window(e, f, Op.CONV2D_BACKWARD_FILTER, arg(f, 0), g));
        // conv2d_backward_input(g, w) is bilinear; h, the gradient of its result, is shaped like conv2d's input
        RULES.put(Op.CONV2D_BACKWARD_INPUT, (e, f, h, i) -> i == 0
                ? window(e, f, Op.CONV2D, h, arg(f, 1))
                : window(e, f, Op.CONV2D_BACKWARD_FILTER, h, arg(f, 0)));
        // conv2d_backward_filter(x, g): h is shaped like the kernel
        RULES.put(Op.CONV2D_BACKWARD_FILTER, (e, f, h, i) -> i == 0
                ? window(e, f, Op.CONV2D_BACKWARD_INPUT, arg(f, 1), h)
                : window(e, f, Op.CONV2D, arg(f, 0), h));
        RULES.put(Op.MAX_POOL2D, (e, f, g, i) -> window(e, f, Op.MAX_POOL2D_BACKWARD, arg(f, 0), g));
        // which position each window picks is piecewise constant in x; the result is linear in g (and in h)
        selecting(Op.MAX_POOL2D_BACKWARD, 0, (e, f, h, i) -> window(e, f, Op.MAX_POOL2D_GATHER, arg(f, 0), h));
        selecting(Op.MAX_POOL2D_GATHER, 0, (e, f, g, i) -> window(e, f, Op.MAX_POOL2D_BACKWARD, arg(f, 0), g));
        RULES.put(Op.AVG_POOL2D, (e, f, g, i) -> window(e, f, Op.AVG_POOL2D_BACKWARD, g));
        RULES.put(Op.AVG_POOL2D_BACKWARD, (e, f, h, i) -> window(e, f, Op.AVG_POOL2D, h));
        RULES.put(Op.TRANSPOSE, (e, f, g, i) -> e.op(Op.TRANSPOSE, inversePerm((Attr.Perm) f.attr()), g));
        RULES.put(Op.RESHAPE, (e, f, g, i) -> e.reshape(g, arg(f, 0).shape()));
        RULES.put(Op.BROADCAST, (e, f, g, i) -> g);
        // a slice and a pad of the same region are adjoint: the gradient of one is the other
        RULES.put(Op.SLICE, (e, f, g, i) -> e.op(Op.PAD, new Attr.Region(region(f).offset(), arg(f, 0).shape()), g));
        RULES.put(Op.PAD, (e, f, g, i) -> e.op(Op.SLICE, new Attr.Region(region(f).offset(), arg(f, 0).shape()), g));
        RULES.put(Op.SUM, (e, f, g, i) -> e.broadcast(keepDims(e, f, g), arg(f, 0).shape()));
        RULES.put(Op.MEAN, GradientRules::mean);
        RULES.put(Op.MAX, GradientRules::max);
        RULES.put(Op.SOFTMAX, GradientRules::softmax);
        RULES.put(Op.LOG_SOFTMAX, GradientRules::logSoftmax);
        RULES.put(Op.ONE_HOT, NO_GRADIENT);
        RULES.put(Op.CONSTANT, NO_GRADIENT);
        // a draw depends on its key (seed and step states), not on anything differentiable
        RULES.put(Op.RANDOM_UNIFORM, NO_GRADIENT);
        RULES.put(Op.RANDOM_NORMAL, NO_GRADIENT);
        for (Op op : Op.values()) {
            if (op.fused()) {
                RULES.put(op, AFTER_AUTODIFF);
            }
        }
    }

    private static Attr.Region region(Instr f) {
        return (Attr.Region) f.attr();
    }

    private GradientRules() {
    }

    static boolean hasGradient(Op op) {
        return RULES.get(op) != NO_GRADIENT;
    }

    /** Whether a gradient flows from the op's result to this operand. */
    static boolean flowsTo(Op op, int operand) {
        return hasGradient(op) && !Integer.valueOf(operand).equals(SELECTOR.get(op));
    }

    /** Registers a rule for every operand but {@code selector}, which gets none (the driver never asks). */
    private static void selecting(Op op, int selector, Rule others) {
        SELECTOR.put(op, selector);
        RULES.put(op, (e, f, g, i) -> i == selector ? null : others.grad(e, f, g, i));
    }

    /** A convolution or pooling op over the same window as the forward instruction. */
    private static Value window(Emitter e, Instr f, Op op, Value... args) {
        return e.op(op, f.attr(), args);
    }

    private static Value arg(Instr f, int i) {
        return f.args().get(i);
    }

    /** 1 where {@code mine} wins, 0.5 at a tie, 0 where it loses: the share of the gradient it gets. */
    private static Value winnerMask(Emitter e, Value mine, Value other) {
        Value wins = e.op(Op.GREATER, mine, other);
        Value ties = e.op(Op.EQUAL, mine, other);
        return e.add(wins, e.mul(ties, e.constant(0.5)));
    }

    /** Passes g where x > 0; at x = 0 the gradient is 0, as in PyTorch. */
    private static Value relu(Emitter e, Instr f, Value g, int i) {
        Value zero = e.constant(0);
        return e.op(Op.SELECT, e.op(Op.GREATER, arg(f, 0), zero), g, zero);
    }

    /** d/dx erf(x) = 2/sqrt(pi) exp(-x^2). */
    private static Value erf(Emitter e, Instr f, Value g, int i) {
        Value x = arg(f, 0);
        return e.mul(g, e.mul(e.constant(2 / Math.sqrt(Math.PI)), e.op(Op.EXP, e.neg(e.mul(x, x)))));
    }

    private static Value select(Emitter e, Instr f, Value g, int i) {
        Value zero = e.constant(0);
        return i == 1 ? e.op(Op.SELECT, arg(f, 0), g, zero) : e.op(Op.SELECT, arg(f, 0), zero, g);
    }

    /** d/da a^b = b * a^(b-1); d/db a^b = a^b * log(a), reusing the result (NaN where a <= 0, as in PyTorch). */
    private static Value pow(Emitter e, Instr f, Value g, int i) {
        Value a = arg(f, 0);
        Value b = arg(f, 1);
        return i == 0
                ? e.mul(g, e.mul(b, e.op(Op.POW, a, e.sub(b, e.constant(1)))))
                : e.mul(g, e.mul(f.out(), e.op(Op.LOG, a)));
    }

    private static Attr.Perm inversePerm(Attr.Perm p) {
        Integer[] inverse = new Integer[p.perm().size()];
        for (int j = 0; j < inverse.length; j++) {
            inverse[p.perm().get(j)] = j;
        }
        return new Attr.Perm(List.of(inverse));
    }

    /** The operand's shape with the reduced axes set to 1. */
    private static Shape keptShape(Instr f) {
        Shape in = arg(f, 0).shape();
        List<Integer> axes = ((Attr.Axes) f.attr()).axes();
        List<Integer> dims = new ArrayList<>(in.dims());
        for (int a : axes) {
            dims.set(a, 1);
        }
        return new Shape(dims);
    }

    /**
     * A reduction's result gradient (or result) in a form that broadcasts against the operand: reshaped to
     * keepdims form, unless it is a scalar or the reduced axes are leading ones, which broadcasting restores
     * by itself.
     */
    private static Value keepDims(Emitter e, Instr f, Value v) {
        List<Integer> axes = ((Attr.Axes) f.attr()).axes();
        boolean leading = axes.isEmpty() || axes.get(axes.size() - 1) == axes.size() - 1;
        boolean broadcastsAsIs = v.shape().isScalar() || (leading && !((Attr.Axes) f.attr()).keepDims());
        return broadcastsAsIs ? v : e.reshape(v, keptShape(f));
    }

    /**
     * The gradient of a mean is the gradient of the sum divided by the count of reduced elements; when the
     * batch axis is reduced the count depends on the run-time batch, so it is computed in the graph as
     * sum over the batch of a constant.
     */
    private static Value mean(Emitter e, Instr f, Value g, int i) {
        Shape in = arg(f, 0).shape();
        List<Integer> axes = ((Attr.Axes) f.attr()).axes();
        double staticCount = 1;
        for (int a : axes) {
            staticCount *= in.dim(a) == Shape.BATCH ? 1 : in.dim(a);
        }
        Value count = axes.contains(0) && in.batched()
                ? e.sum(e.constant(staticCount, Shape.of(Shape.BATCH)), List.of(0), false)
                : e.constant(staticCount);
        return e.broadcast(keepDims(e, f, e.div(g, count)), in);
    }

    /** Ties share the gradient equally: mask of the maxima divided by their count. */
    private static Value max(Emitter e, Instr f, Value g, int i) {
        Attr.Axes axes = (Attr.Axes) f.attr();
        Value mask = e.op(Op.EQUAL, arg(f, 0), keepDims(e, f, f.out()));
        Value ties = e.sum(mask, axes.axes(), true);
        return e.mul(mask, e.div(keepDims(e, f, g), ties));
    }

    /** y * (g - sum(g * y)) along the axis, with y the softmax result. */
    private static Value softmax(Emitter e, Instr f, Value g, int i) {
        int axis = ((Attr.Axis) f.attr()).axis();
        Value y = f.out();
        Value dot = e.sum(e.mul(g, y), List.of(axis), true);
        return e.mul(y, e.sub(g, dot));
    }

    /** g - softmax(x) * sum(g) along the axis; softmax(x) is exp of the forward result. */
    private static Value logSoftmax(Emitter e, Instr f, Value g, int i) {
        int axis = ((Attr.Axis) f.attr()).axis();
        Value total = e.sum(g, List.of(axis), true);
        return e.sub(g, e.mul(e.op(Op.EXP, f.out()), total));
    }
}
