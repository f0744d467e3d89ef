package dev.nabla.compiler.shape;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.DType;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.TensorType;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The shape and type rule of every op: operand types and attribute in, result type out. */
public final class ShapeRules {

    @FunctionalInterface
    public interface Rule {
        TensorType apply(List<TensorType> args, Attr attr);
    }

    private static final Map<Op, Rule> RULES = new EnumMap<>(Op.class);

    static {
        for (Op op : Op.values()) {
            switch (op.family()) {
                case UNARY -> RULES.put(op, (a, attr) -> floatOperand(op, a.get(0)));
                case BINARY -> RULES.put(op, (a, attr) ->
                        TensorType.f32(broadcast(op, floatOperand(op, a.get(0)).shape(), floatOperand(op, a.get(1)).shape())));
                default -> { }
            }
        }
        RULES.put(Op.SELECT, (a, attr) -> TensorType.f32(broadcast(Op.SELECT,
                broadcast(Op.SELECT, a.get(0).shape(), a.get(1).shape()), a.get(2).shape())));
        RULES.put(Op.MATMUL, ShapeRules::matmul);
        RULES.put(Op.MATMUL_TN, ShapeRules::matmulTransposedA);
        RULES.put(Op.CONV2D, ShapeRules::conv2d);
        RULES.put(Op.CONV2D_BACKWARD_INPUT, ShapeRules::conv2dBackwardInput);
        RULES.put(Op.CONV2D_BACKWARD_FILTER, ShapeRules::conv2dBackwardFilter);
        RULES.put(Op.MAX_POOL2D, (a, attr) -> pooled(Op.MAX_POOL2D, a.get(0), attr));
        RULES.put(Op.AVG_POOL2D, (a, attr) -> pooled(Op.AVG_POOL2D, a.get(0), attr));
        RULES.put(Op.MAX_POOL2D_BACKWARD, (a, attr) -> {
            TensorType y = pooled(Op.MAX_POOL2D_BACKWARD, a.get(0), attr);
            same(Op.MAX_POOL2D_BACKWARD, "gradient", a.get(1), y.shape());
            return a.get(0);
        });
        RULES.put(Op.MAX_POOL2D_GATHER, (a, attr) -> {
            TensorType y = pooled(Op.MAX_POOL2D_GATHER, a.get(0), attr);
            same(Op.MAX_POOL2D_GATHER, "gathered tensor", a.get(1), a.get(0).shape());
            return y;
        });
        RULES.put(Op.AVG_POOL2D_BACKWARD, ShapeRules::avgPoolBackward);
        RULES.put(Op.TRANSPOSE, ShapeRules::transpose);
        RULES.put(Op.RESHAPE, ShapeRules::reshape);
        RULES.put(Op.BROADCAST, ShapeRules::broadcastTo);
        RULES.put(Op.SUM, ShapeRules::reduce);
        RULES.put(Op.MEAN, ShapeRules::reduce);
        RULES.put(Op.MAX, ShapeRules::reduce);
        RULES.put(Op.SOFTMAX, ShapeRules::alongAxis);
        RULES.put(Op.LOG_SOFTMAX, ShapeRules::alongAxis);
        RULES.put(Op.ONE_HOT, ShapeRules::oneHot);
        RULES.put(Op.SLICE, (a, attr) -> region(Op.SLICE, a.get(0), (Attr.Region) attr, false));
        RULES.put(Op.PAD, (a, attr) -> region(Op.PAD, a.get(0), (Attr.Region) attr, true));
        RULES.put(Op.RANDOM_UNIFORM, ShapeRules::draw);
        RULES.put(Op.RANDOM_NORMAL, ShapeRules::draw);
        RULES.put(Op.CONSTANT, (a, attr) -> {
            throw new ShapeException("constant takes its type from the builder");
        });
        FusedShapeRules.register(RULES);
    }

    private ShapeRules() {
    }

    public static boolean has(Op op) {
        return RULES.containsKey(op);
    }

    /** The result type of {@code op(args){attr}}; throws {@link ShapeException} with a readable message. */
    public static TensorType infer(Op op, List<TensorType> args, Attr attr) {
        if (args.size() != op.arity()) {
            throw new ShapeException(op.mnemonic() + " takes " + op.arity() + " operand(s), got " + args.size());
        }
        TensorType out = RULES.get(op).apply(args, attr);
        checkSize(out.shape(), "the " + op.mnemonic() + " result of shape");
        return out;
    }

    /** @throws ShapeException when one example of {@code shape} does not fit in a Java array ({@code what} says whose) */
    public static void checkSize(Shape shape, String what) {
        if (!shape.fitsInArray()) {
            java.math.BigInteger n = java.math.BigInteger.ONE;
            for (int d : shape.dims()) {
                n = n.multiply(java.math.BigInteger.valueOf(d == Shape.BATCH ? 1 : d));
            }
            throw new ShapeException(what + " " + shape + " holds " + n + " elements per example; a tensor holds at most "
                    + Shape.MAX_ELEMENTS + " (one Java array)");
        }
    }

    private static TensorType floatOperand(Op op, TensorType t) {
        if (t.dtype() != DType.F32) {
            throw new ShapeException(op.mnemonic() + " needs f32 operands, got " + t
                    + " (class labels are integers; use one_hot)");
        }
        return t;
    }

    /** NumPy broadcasting; the symbolic batch dimension only broadcasts against itself or 1. */
    public static Shape broadcast(Op op, Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        List<Integer> out = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            int da = dimFromRight(a, rank - 1 - i);
            int db = dimFromRight(b, rank - 1 - i);
            int d;
            if (da == db || db == 1) {
                d = da;
            } else if (da == 1) {
                d = db;
            } else {
                throw new ShapeException("cannot broadcast " + a + " with " + b + " in " + op.mnemonic());
            }
            out.add(d);
        }
        if (out.lastIndexOf(Shape.BATCH) > 0) {
            throw new ShapeException("broadcasting " + a + " with " + b + " would move the batch dimension B off axis 0");
        }
        return new Shape(out);
    }

    private static int dimFromRight(Shape s, int fromRight) {
        int i = s.rank() - 1 - fromRight;
        return i >= 0 ? s.dim(i) : 1;
    }

    /**
     * SLICE cuts the box {@code offset .. offset + to} out of the operand; PAD places the operand at {@code offset}
     * in {@code to}. Either way the smaller shape must fit inside the larger at the offset, and the batch axis is
     * never cut (offset 0, B in both).
     */
    private static TensorType region(Op op, TensorType t, Attr.Region r, boolean pad) {
        Shape small = pad ? t.shape() : r.to();
        Shape large = pad ? r.to() : t.shape();
        if (small.rank() != large.rank() || r.offset().size() != large.rank()) {
            throw new ShapeException(op.mnemonic() + " of " + t + " to " + r.to() + " needs one offset per axis, got "
                    + r.offset());
        }
        for (int d = 0; d < large.rank(); d++) {
            int off = r.offset().get(d);
            boolean batch = large.dim(d) == Shape.BATCH || small.dim(d) == Shape.BATCH;
            if (batch ? d != 0 || off != 0 || large.dim(d) != small.dim(d)
                    : off < 0 || small.dim(d) < 0 || off + small.dim(d) > large.dim(d)) {
                throw new ShapeException(op.mnemonic() + ": " + small + " at offset " + r.offset() + " does not fit in "
                        + large + " (axis " + d + ")");
            }
        }
        return TensorType.f32(r.to());
    }

    /** A random draw: two scalar key operands (seed and step), any result shape. */
    private static TensorType draw(List<TensorType> a, Attr attr) {
        for (TensorType key : a) {
            if (!key.shape().isScalar() || key.dtype() != DType.F32) {
                throw new ShapeException("a random draw's key operands are f32 scalars, got " + key);
            }
        }
        return TensorType.f32(((Attr.Draw) attr).to());
    }

    private static TensorType matmul(List<TensorType> a, Attr attr) {
        Shape x = floatOperand(Op.MATMUL, a.get(0)).shape();
        Shape w = floatOperand(Op.MATMUL, a.get(1)).shape();
        if (x.rank() != 2 || w.rank() != 2) {
            throw new ShapeException("matrix product needs two matrices, got " + x + " @ " + w);
        }
        if (x.dim(1) != w.dim(0) || x.dim(1) == Shape.BATCH) {
            throw new ShapeException("matrix product " + x + " @ " + w + ": inner dimensions "
                    + dimText(x.dim(1)) + " and " + dimText(w.dim(0)) + " differ");
        }
        if (w.dim(1) == Shape.BATCH) {
            throw new ShapeException("matrix product " + x + " @ " + w + " would put the batch dimension on axis 1");
        }
        return TensorType.f32(Shape.of(x.dim(0), w.dim(1)));
    }

    private static TensorType matmulTransposedA(List<TensorType> a, Attr attr) {
        Shape x = floatOperand(Op.MATMUL_TN, a.get(0)).shape();
        Shape g = floatOperand(Op.MATMUL_TN, a.get(1)).shape();
        if (x.rank() != 2 || g.rank() != 2) {
            throw new ShapeException("transposed matrix product needs two matrices, got " + x + "^T @ " + g);
        }
        if (x.dim(0) != g.dim(0)) {
            throw new ShapeException("transposed matrix product " + x + "^T @ " + g + ": contracted dimensions "
                    + dimText(x.dim(0)) + " and " + dimText(g.dim(0)) + " differ");
        }
        return TensorType.f32(Shape.of(x.dim(1), g.dim(1)));
    }

    private static String dimText(int d) {
        return d == Shape.BATCH ? "B" : Integer.toString(d);
    }

    private static TensorType transpose(List<TensorType> a, Attr attr) {
        Shape s = a.get(0).shape();
        List<Integer> perm = ((Attr.Perm) attr).perm();
        if (perm.size() != s.rank() || perm.stream().distinct().count() != s.rank()
                || perm.stream().anyMatch(p -> p < 0 || p >= s.rank())) {
            throw new ShapeException("transpose permutation " + perm + " does not fit " + s);
        }
        List<Integer> out = new ArrayList<>();
        for (int p : perm) {
            out.add(s.dim(p));
        }
        if (out.indexOf(Shape.BATCH) > 0) {
            throw new ShapeException("transpose of " + s + " would move the batch dimension B off axis 0");
        }
        return a.get(0).withShape(new Shape(out));
    }

    private static TensorType reshape(List<TensorType> a, Attr attr) {
        Shape from = a.get(0).shape();
        Shape to = ((Attr.To) attr).shape();
        if (from.batched() != to.batched() || from.numel(1) != to.numel(1)) {
            throw new ShapeException("cannot reshape " + from + " to " + to + ": element counts differ");
        }
        return a.get(0).withShape(to);
    }

    private static TensorType broadcastTo(List<TensorType> a, Attr attr) {
        Shape from = a.get(0).shape();
        Shape to = ((Attr.To) attr).shape();
        if (!broadcast(Op.BROADCAST, from, to).equals(to)) {
            throw new ShapeException("cannot broadcast " + from + " to " + to);
        }
        return a.get(0).withShape(to);
    }

    private static TensorType reduce(List<TensorType> a, Attr attr) {
        Shape s = a.get(0).shape();
        Attr.Axes axes = (Attr.Axes) attr;
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            if (axes.axes().contains(i)) {
                if (axes.keepDims()) {
                    out.add(1);
                }
            } else {
                out.add(s.dim(i));
            }
        }
        for (int ax : axes.axes()) {
            if (ax < 0 || ax >= s.rank()) {
                throw new ShapeException("axis " + ax + " is out of range for " + s);
            }
        }
        if (out.indexOf(Shape.BATCH) > 0) {
            throw new ShapeException("reduction of " + s + " would move the batch dimension B off axis 0");
        }
        return TensorType.f32(new Shape(out));
    }

    private static TensorType alongAxis(List<TensorType> a, Attr attr) {
        Shape s = floatOperand(Op.SOFTMAX, a.get(0)).shape();
        int axis = ((Attr.Axis) attr).axis();
        if (axis < 0 || axis >= s.rank()) {
            throw new ShapeException("axis " + axis + " is out of range for " + s);
        }
        return a.get(0);
    }

    private static TensorType oneHot(List<TensorType> a, Attr attr) {
        if (a.get(0).dtype() != DType.I32) {
            throw new ShapeException("one_hot needs integer labels, got " + a.get(0));
        }
        List<Integer> out = new ArrayList<>(a.get(0).shape().dims());
        out.add(((Attr.Depth) attr).depth());
        return TensorType.f32(new Shape(out));
    }

    // ---- sliding windows over NCHW ----

    /** The input of a window op: rank 4, f32, its spatial size the one the attribute was computed for. */
    private static Shape nchw(Op op, String what, TensorType t, Attr.Window win) {
        Shape s = floatOperand(op, t).shape();
        if (s.rank() != 4) {
            throw new ShapeException(op.mnemonic() + " needs a 4-d " + what + " [N,C,H,W], got " + s);
        }
        if (s.dim(2) != win.inH() || s.dim(3) != win.inW()) {
            throw new ShapeException(op.mnemonic() + ": " + what + " " + s + " is not " + win.inH() + "x" + win.inW()
                    + " as its window attribute says");
        }
        return s;
    }

    /** The [OH, OW] of a window, or an error when the window does not fit the padded input. */
    private static void checkOutput(Op op, Shape in, Attr.Window win) {
        if (win.kh() < 1 || win.kw() < 1 || win.sh() < 1 || win.sw() < 1 || win.dh() < 1 || win.dw() < 1
                || win.padTop() < 0 || win.padLeft() < 0 || win.padBottom() < 0 || win.padRight() < 0) {
            throw new ShapeException(op.mnemonic() + ": window sizes, strides and dilations must be positive and"
                    + " paddings non-negative, got " + win);
        }
        if (win.outH() < 1 || win.outW() < 1) {
            int spanH = win.dh() * (win.kh() - 1) + 1;
            int spanW = win.dw() * (win.kw() - 1) + 1;
            throw new ShapeException(op.mnemonic() + ": a " + spanH + "x" + spanW + " window does not fit input "
                    + in + " padded to " + (win.inH() + win.padTop() + win.padBottom()) + "x"
                    + (win.inW() + win.padLeft() + win.padRight()));
        }
    }

    private static void same(Op op, String what, TensorType t, Shape expected) {
        if (!floatOperand(op, t).shape().equals(expected)) {
            throw new ShapeException(op.mnemonic() + ": " + what + " " + t.shape() + " should be " + expected);
        }
    }

    private static Shape convOutput(Shape x, int outChannels, Attr.Window win) {
        return Shape.of(x.dim(0), outChannels, win.outH(), win.outW());
    }

    private static TensorType conv2d(List<TensorType> a, Attr attr) {
        Attr.Window win = (Attr.Window) attr;
        Shape x = nchw(Op.CONV2D, "input", a.get(0), win);
        Shape w = floatOperand(Op.CONV2D, a.get(1)).shape();
        checkKernel(Op.CONV2D, x, w, win);
        checkOutput(Op.CONV2D, x, win);
        return TensorType.f32(convOutput(x, w.dim(0), win));
    }

    /** The kernel [O, C, kh, kw]: rank 4, C equal to the input's channels, window size as the attribute says. */
    private static void checkKernel(Op op, Shape x, Shape w, Attr.Window win) {
        if (w.rank() != 4 || w.batched()) {
            throw new ShapeException(op.mnemonic() + " needs a kernel [out_channels, in_channels, kh, kw], got " + w);
        }
        if (w.dim(1) != x.dim(1)) {
            throw new ShapeException(op.mnemonic() + ": input " + x + " has " + x.dim(1) + " channels but kernel "
                    + w + " expects " + w.dim(1));
        }
        if (w.dim(2) != win.kh() || w.dim(3) != win.kw()) {
            throw new ShapeException(op.mnemonic() + ": kernel " + w + " is not " + win.kh() + "x" + win.kw()
                    + " as its window attribute says");
        }
    }

    private static TensorType conv2dBackwardInput(List<TensorType> a, Attr attr) {
        Attr.Window win = (Attr.Window) attr;
        Shape g = floatOperand(Op.CONV2D_BACKWARD_INPUT, a.get(0)).shape();
        Shape w = floatOperand(Op.CONV2D_BACKWARD_INPUT, a.get(1)).shape();
        if (g.rank() != 4 || w.rank() != 4 || w.batched()) {
            throw new ShapeException("conv2d_backward_input needs [N,O,OH,OW] and [O,C,kh,kw], got " + g + " and " + w);
        }
        Shape x = Shape.of(g.dim(0), w.dim(1), win.inH(), win.inW());
        checkKernel(Op.CONV2D_BACKWARD_INPUT, x, w, win);
        checkOutput(Op.CONV2D_BACKWARD_INPUT, x, win);
        if (!g.equals(convOutput(x, w.dim(0), win))) {
            throw new ShapeException("conv2d_backward_input: gradient " + g + " should be " + convOutput(x, w.dim(0), win));
        }
        return TensorType.f32(x);
    }

    private static TensorType conv2dBackwardFilter(List<TensorType> a, Attr attr) {
        Attr.Window win = (Attr.Window) attr;
        Shape x = nchw(Op.CONV2D_BACKWARD_FILTER, "input", a.get(0), win);
        Shape g = floatOperand(Op.CONV2D_BACKWARD_FILTER, a.get(1)).shape();
        checkOutput(Op.CONV2D_BACKWARD_FILTER, x, win);
        if (g.rank() != 4 || g.dim(0) != x.dim(0) || g.dim(2) != win.outH() || g.dim(3) != win.outW()) {
            throw new ShapeException("conv2d_backward_filter: gradient " + g + " does not fit input " + x
                    + " and window " + win);
        }
        return TensorType.f32(Shape.of(g.dim(1), x.dim(1), win.kh(), win.kw()));
    }

    private static TensorType pooled(Op op, TensorType t, Attr attr) {
        Attr.Window win = (Attr.Window) attr;
        Shape x = nchw(op, "input", t, win);
        checkOutput(op, x, win);
        if (win.dh() != 1 || win.dw() != 1) {
            throw new ShapeException(op.mnemonic() + " has no dilation, got " + win);
        }
        if (2 * Math.max(win.padTop(), win.padBottom()) > win.kh() || 2 * Math.max(win.padLeft(), win.padRight()) > win.kw()) {
            throw new ShapeException(op.mnemonic() + ": padding may be at most half the window, got " + win);
        }
        return TensorType.f32(Shape.of(x.dim(0), x.dim(1), win.outH(), win.outW()));
    }

    private static TensorType avgPoolBackward(List<TensorType> a, Attr attr) {
        Attr.Window win = (Attr.Window) attr;
        Shape g = floatOperand(Op.AVG_POOL2D_BACKWARD, a.get(0)).shape();
        if (g.rank() != 4) {
            throw new ShapeException("avg_pool2d_backward needs a 4-d gradient, got " + g);
        }
        Shape x = Shape.of(g.dim(0), g.dim(1), win.inH(), win.inW());
        TensorType y = pooled(Op.AVG_POOL2D_BACKWARD, TensorType.f32(x), attr);
        same(Op.AVG_POOL2D_BACKWARD, "gradient", a.get(0), y.shape());
        return TensorType.f32(x);
    }
}
