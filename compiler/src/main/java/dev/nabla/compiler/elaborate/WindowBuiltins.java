package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.diag.Suggestions;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;

import java.util.List;
import java.util.Map;

/**
 * Convolution and pooling over NCHW tensors, and {@code pair}. Each turns the user's stride, padding and
 * dilation into one {@link Attr.Window} and checks it here, where the mistake can be told in the user's terms
 * (which argument, which shapes); the shape rules behind {@code emit} check the same facts again for every
 * graph, including the ones autodiff builds.
 */
final class WindowBuiltins {

    private static final String PAIR = "an integer or a list of two integers [h, w]";
    private static final List<String> PADDING_NAMES = List.of("valid", "same");
    private static final String CONV_PADDING = "\"valid\", \"same\", an integer or [ph, pw]";

    private WindowBuiltins() {
    }

    static void register(Map<String, Val> table) {
        Val one = new Val.Num(1, true);
        TensorBuiltins.add(table, "conv", List.of("x", "w", "stride", "padding", "dilation"),
                Map.of("stride", one, "padding", new Val.Str("valid"), "dilation", one), WindowBuiltins::conv);
        for (Op op : List.of(Op.MAX_POOL2D, Op.AVG_POOL2D)) {
            TensorBuiltins.add(table, op.mnemonic(), List.of("x", "window", "stride", "padding"),
                    Map.of("stride", Val.ABSENT, "padding", new Val.Num(0, true)), (e, a) -> pool(e, a, op));
        }
        TensorBuiltins.add(table, "global_max_pool", List.of("x"), Map.of(), WindowBuiltins::globalMaxPool);
        TensorBuiltins.add(table, "global_avg_pool", List.of("x"), Map.of(), WindowBuiltins::globalAvgPool);
        TensorBuiltins.add(table, "pair", List.of("v"), Map.of(), (e, a) -> {
            int[] p = pair(a, "v", 1, PAIR);
            return new Val.ListVal(List.of(new Val.Num(p[0], true), new Val.Num(p[1], true)));
        });
    }

    /** An integer n (meaning [n, n]) or a list [h, w], each at least {@code least}; else "must be {@code expected}". */
    private static int[] pair(Args a, String name, int least, String expected) {
        Val v = a.get(name);
        int[] p;
        if (v instanceof Val.ListVal l && l.items().size() == 2) {
            List<Integer> items = a.integers(name);
            p = new int[] {items.get(0), items.get(1)};
        } else if (v instanceof Val.Num || v instanceof Val.Poison || v instanceof Val.Batch) {
            int n = a.integer(name);
            p = new int[] {n, n};
        } else {
            throw a.wrong(name, expected);
        }
        if (p[0] < least || p[1] < least) {
            throw new ElabError(a.span(name), "argument '" + name + "' of '" + a.fn() + "' must be at least " + least
                    + ", got " + (p[0] == p[1] ? Integer.toString(p[0]) : "[" + p[0] + ", " + p[1] + "]"));
        }
        return p;
    }

    /** The input, which must be [N, C, H, W]. */
    private static Value nchw(BuiltinFn.Emitter e, Args a) {
        Value x = e.tensor(a.get("x"), a.span("x"), "argument 'x' of '" + a.fn() + "'");
        if (x.shape().rank() != 4) {
            throw new ElabError(a.span("x"), a.fn() + " needs a 4-d input [N, C, H, W], got " + x.type()
                    + (x.shape().rank() == 2 ? "; reshape(x, [B, C, H, W]) makes one" : ""));
        }
        return x;
    }

    private static Val conv(BuiltinFn.Emitter e, Args a) {
        Value x = nchw(e, a);
        Value w = e.tensor(a.get("w"), a.span("w"), "argument 'w' of 'conv'");
        Shape xs = x.shape();
        Shape ws = w.shape();
        if (ws.rank() != 4) {
            throw new ElabError(a.span("w"), "conv needs a kernel [out_channels, in_channels, kh, kw], got " + w.type());
        }
        if (ws.dim(1) != xs.dim(1)) {
            throw new ElabError(a.call(), "input " + xs + " has " + xs.dim(1) + " channels but kernel " + ws
                    + " expects " + ws.dim(1) + " (kernels are [out_channels, in_channels, kh, kw])");
        }
        int[] stride = pair(a, "stride", 1, PAIR);
        int[] dilation = pair(a, "dilation", 1, PAIR);
        int[] k = {ws.dim(2), ws.dim(3)};
        int[] pad = convPadding(a, k, stride, dilation);
        Attr.Window win = new Attr.Window(k[0], k[1], stride[0], stride[1], pad[0], pad[1], pad[2], pad[3],
                dilation[0], dilation[1], xs.dim(2), xs.dim(3));
        checkFits(a, win, xs, "the " + k[0] + "x" + k[1] + " kernel " + ws);
        return new Val.Tensor(e.emit(Op.CONV2D, List.of(x, w), win, a.call()));
    }

    /**
     * {top, left, bottom, right}. "same" pads dilation*(k-1) in all, the smaller half on the top/left, exactly
     * as PyTorch's padding='same' does for an even window; it keeps the size only at stride 1, so it needs it.
     */
    private static int[] convPadding(Args a, int[] k, int[] stride, int[] dilation) {
        if (a.get("padding") instanceof Val.Str s) {
            switch (s.value()) {
                case "valid" -> {
                    return new int[4];
                }
                case "same" -> {
                    if (stride[0] != 1 || stride[1] != 1) {
                        throw new ElabError(a.span("padding"), "padding \"same\" needs stride 1, got stride "
                                + (stride[0] == stride[1] ? Integer.toString(stride[0]) : "[" + stride[0] + ", " + stride[1] + "]")
                                + "; give the padding as a number instead");
                    }
                    long totalH = (long) dilation[0] * (k[0] - 1);
                    long totalW = (long) dilation[1] * (k[1] - 1);
                    if (Math.max(totalH, totalW) > Integer.MAX_VALUE) {
                        throw new ElabError(a.span("padding"), "padding \"same\" with dilation " + dilation[0] + "x"
                                + dilation[1] + " pads " + totalH + "x" + totalW + ", more than " + Integer.MAX_VALUE);
                    }
                    int h = (int) totalH;
                    int w = (int) totalW;
                    return new int[] {h / 2, w / 2, h - h / 2, w - w / 2};
                }
                default -> throw new ElabError(a.span("padding"), "padding must be " + CONV_PADDING + ", got \""
                        + s.value() + "\"" + Suggestions.didYouMean(s.value(), PADDING_NAMES));
            }
        }
        int[] p = pair(a, "padding", 0, CONV_PADDING);
        return new int[] {p[0], p[1], p[0], p[1]};
    }

    /** The window, dilated, must fit the padded input: otherwise the output would have no rows or columns. */
    private static void checkFits(Args a, Attr.Window win, Shape x, String window) {
        // in long: a padding or dilation near 2^31 must not wrap the window's arithmetic (in int) around
        long paddedH = (long) win.inH() + win.padTop() + win.padBottom();
        long paddedW = (long) win.inW() + win.padLeft() + win.padRight();
        if (Math.max(paddedH, paddedW) > Integer.MAX_VALUE) {
            throw new ElabError(a.call(), "the padding makes the " + win.inH() + "x" + win.inW() + " input " + x + " "
                    + paddedH + "x" + paddedW + ", more than " + Integer.MAX_VALUE + " rows or columns");
        }
        long spanH = (long) win.dh() * (win.kh() - 1) + 1;
        long spanW = (long) win.dw() * (win.kw() - 1) + 1;
        if (Math.max(spanH, spanW) > Integer.MAX_VALUE) {
            throw new ElabError(a.call(), "dilation " + win.dh() + "x" + win.dw() + " spreads " + window + " over "
                    + spanH + "x" + spanW + ", more than " + Integer.MAX_VALUE + " rows or columns");
        }
        String input = "the " + win.inH() + "x" + win.inW() + " input " + x
                + (paddedH == win.inH() && paddedW == win.inW() ? "" : " padded to " + paddedH + "x" + paddedW);
        if (win.kh() > paddedH || win.kw() > paddedW) {
            throw new ElabError(a.call(), window + " is larger than " + input);
        }
        if (win.outH() < 1 || win.outW() < 1) {
            throw new ElabError(a.call(), "the output would be " + win.outH() + "x" + win.outW()
                    + ": dilation " + win.dh() + "x" + win.dw() + " spreads " + window + " over " + spanH + "x" + spanW
                    + ", more than " + input);
        }
    }

    /** Pooling has no dilation; padding may be at most half the window (PyTorch's rule: no window all padding). */
    private static Val pool(BuiltinFn.Emitter e, Args a, Op op) {
        Value x = nchw(e, a);
        int[] window = pair(a, "window", 1, PAIR);
        int[] stride = a.given("stride") ? pair(a, "stride", 1, PAIR) : window;
        int[] pad = pair(a, "padding", 0, "an integer or a list of two integers [ph, pw]");
        String win = window[0] + "x" + window[1] + " window";
        if (2L * pad[0] > window[0] || 2L * pad[1] > window[1]) {
            throw new ElabError(a.span("padding"), a.fn() + " of " + x.shape() + ": padding "
                    + (pad[0] == pad[1] ? Integer.toString(pad[0]) : "[" + pad[0] + ", " + pad[1] + "]")
                    + " is more than half of the " + win);
        }
        Shape xs = x.shape();
        Attr.Window w = new Attr.Window(window[0], window[1], stride[0], stride[1], pad[0], pad[1], pad[0], pad[1],
                1, 1, xs.dim(2), xs.dim(3));
        checkFits(a, w, xs, "the " + win + " of " + a.fn());
        return new Val.Tensor(e.emit(op, List.of(x), w, a.call()));
    }

    /** [N, C, H, W] -> [N, C]: one max pooling window over the whole image, so ties go where max_pool2d's go. */
    private static Val globalMaxPool(BuiltinFn.Emitter e, Args a) {
        Value x = nchw(e, a);
        Shape s = x.shape();
        Attr.Window whole = new Attr.Window(s.dim(2), s.dim(3), 1, 1, 0, 0, 0, 0, 1, 1, s.dim(2), s.dim(3));
        Value pooled = e.emit(Op.MAX_POOL2D, List.of(x), whole, a.call());
        return new Val.Tensor(e.emit(Op.RESHAPE, List.of(pooled), new Attr.To(Shape.of(s.dim(0), s.dim(1))), a.call()));
    }

    /** [N, C, H, W] -> [N, C]: the mean over H and W (the same as one average pooling window, without padding). */
    private static Val globalAvgPool(BuiltinFn.Emitter e, Args a) {
        Value x = nchw(e, a);
        return new Val.Tensor(e.emit(Op.MEAN, List.of(x), new Attr.Axes(List.of(2, 3), false), a.call()));
    }
}
