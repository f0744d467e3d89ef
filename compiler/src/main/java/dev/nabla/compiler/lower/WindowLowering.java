package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;
import dev.nabla.runtime.kernels.Gemm;

import java.util.ArrayList;
import java.util.List;

/**
 * Convolutions and pooling become one call each of a runtime kernel ({@code dev.nabla.runtime.kernels.Conv2d},
 * {@code Pool2d}), which
 * splits the batch over the threads itself. The argument lists follow those kernels' signatures: the window
 * geometry as ints (the batch size where the shape says B), then the arrays.
 */
final class WindowLowering {

    static final String CONV = "dev.nabla.runtime.kernels.Conv2d";
    static final String POOL = "dev.nabla.runtime.kernels.Pool2d";

    private WindowLowering() {
    }

    /**
     * The call computing a convolution-family op: a forward convolution with its fused bias and ReLU, an input
     * gradient, or a filter gradient that also writes the bias gradient {@code biasGrad} (null when none is fused).
     */
    static Stmt.Call convolution(Lowering l, Instr i, Buf out, Buf biasGrad) {
        Attr.Window win = (Attr.Window) i.attr();
        return switch (i.op()) {
            case CONV2D, CONV2D_BIAS, CONV2D_BIAS_RELU -> {
                Value x = i.args().get(0);
                Value w = i.args().get(1);
                List<Stmt.Arg> args = convGeometry(x.shape(), w.shape().dim(0), win);
                args.add(Stmt.Arg.of(l.stored(x)));
                args.add(Stmt.Arg.of(l.stored(w)));
                args.add(Stmt.Arg.of(i.op() == Op.CONV2D ? null : l.stored(i.args().get(2))));
                args.add(Stmt.Arg.of(i.op() == Op.CONV2D_BIAS_RELU ? Gemm.ACT_RELU : Gemm.ACT_NONE));
                args.add(Stmt.Arg.of(out));
                yield new Stmt.Call(CONV, "forward", args, List.of(out));
            }
            case CONV2D_BACKWARD_INPUT -> {
                Value g = i.args().get(0);
                Value w = i.args().get(1);
                List<Stmt.Arg> args = convGeometry(i.out().shape(), w.shape().dim(0), win);
                args.add(Stmt.Arg.of(l.stored(g)));
                args.add(Stmt.Arg.of(l.stored(w)));
                args.add(Stmt.Arg.of(out));
                yield new Stmt.Call(CONV, "inputGrad", args, List.of(out));
            }
            case CONV2D_BACKWARD_FILTER -> {
                Value x = i.args().get(0);
                Value g = i.args().get(1);
                List<Stmt.Arg> args = convGeometry(x.shape(), i.out().shape().dim(0), win);
                args.add(Stmt.Arg.of(l.stored(x)));
                args.add(Stmt.Arg.of(l.stored(g)));
                args.add(Stmt.Arg.of(out));
                args.add(Stmt.Arg.of(biasGrad));
                yield new Stmt.Call(CONV, "filterGrad", args,
                        biasGrad == null ? List.of(out) : List.of(out, biasGrad));
            }
            default -> throw new IllegalStateException(i.op() + " is not a convolution");
        };
    }

    /** batch, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw of a convolution of input {@code x}. */
    private static List<Stmt.Arg> convGeometry(Shape x, int outChannels, Attr.Window win) {
        List<Stmt.Arg> args = new ArrayList<>();
        args.add(Stmt.Arg.of(Size.dim(x.dim(0))));
        for (int v : new int[] {x.dim(1), win.inH(), win.inW(), outChannels, win.kh(), win.kw(), win.outH(), win.outW(),
                win.sh(), win.sw(), win.padTop(), win.padLeft(), win.dh(), win.dw()}) {
            args.add(Stmt.Arg.of(v));
        }
        return args;
    }

    /**
     * The pooling call writing {@code out}; max_pool2d_backward_relu also drops the gradient of windows whose maximum
     * is not positive, as the ReLU backward mask behind them would.
     */
    static List<Stmt> pooling(Lowering l, Instr i, Buf out) {
        Attr.Window win = (Attr.Window) i.attr();
        Shape x = i.op() == Op.AVG_POOL2D_BACKWARD ? i.out().shape() : i.args().get(0).shape();
        List<Stmt.Arg> args = new ArrayList<>();
        args.add(Stmt.Arg.of(Size.dim(x.dim(0))));
        for (int v : new int[] {x.dim(1), win.inH(), win.inW(), win.kh(), win.kw(), win.outH(), win.outW(),
                win.sh(), win.sw(), win.padTop(), win.padLeft()}) {
            args.add(Stmt.Arg.of(v));
        }
        for (Value a : i.args()) {
            args.add(Stmt.Arg.of(l.stored(a)));
        }
        args.add(Stmt.Arg.of(out));
        String method = switch (i.op()) {
            case MAX_POOL2D -> "maxForward";
            case MAX_POOL2D_BACKWARD -> "maxBackward";
            case MAX_POOL2D_BACKWARD_RELU -> "maxBackwardRelu";
            case MAX_POOL2D_GATHER -> "maxGather";
            case AVG_POOL2D -> "avgForward";
            case AVG_POOL2D_BACKWARD -> "avgBackward";
            default -> throw new IllegalStateException(i.op() + " is not a pooling op");
        };
        return List.of(new Stmt.Call(POOL, method, args, List.of(out)));
    }
}
