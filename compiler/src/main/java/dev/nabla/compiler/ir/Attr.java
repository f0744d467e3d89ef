package dev.nabla.compiler.ir;

import java.util.List;
import java.util.stream.Collectors;

/** Static attributes of an instruction. Records, so passes can compare them with equals. */
public sealed interface Attr {

    /** Ops with no attributes. */
    record None() implements Attr {
        @Override
        public String toString() {
            return "";
        }
    }

    None NONE = new None();

    /** Reduction axes (normalised, ascending) and whether reduced axes are kept as size 1. */
    record Axes(List<Integer> axes, boolean keepDims) implements Attr {
        public Axes {
            axes = List.copyOf(axes);
        }

        @Override
        public String toString() {
            return "axes=" + axes.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"))
                    + (keepDims ? " keepdims" : "");
        }
    }

    /** TRANSPOSE permutation: output axis i is input axis perm[i]. */
    record Perm(List<Integer> perm) implements Attr {
        public Perm {
            perm = List.copyOf(perm);
        }

        @Override
        public String toString() {
            return "perm=" + perm.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
        }
    }

    /** Target shape of RESHAPE and BROADCAST. */
    record To(Shape shape) implements Attr {
        @Override
        public String toString() {
            return "to=" + shape;
        }
    }

    /** SOFTMAX / LOG_SOFTMAX axis (normalised), or ONE_HOT depth. */
    record Axis(int axis) implements Attr {
        @Override
        public String toString() {
            return "axis=" + axis;
        }
    }

    record Depth(int depth) implements Attr {
        @Override
        public String toString() {
            return "depth=" + depth;
        }
    }

    /**
     * SLICE and PAD: where the smaller tensor sits in the larger one (per axis, 0 on the batch axis), and the result's
     * shape. A slice reads the operand at {@code index + offset}; a pad writes it there, in zeros.
     */
    record Region(List<Integer> offset, Shape to) implements Attr {
        public Region {
            offset = List.copyOf(offset);
        }

        @Override
        public String toString() {
            return "offset=" + offset.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]")) + " to=" + to;
        }
    }

    /** RANDOM_UNIFORM and RANDOM_NORMAL: the call site's stream number and the result's shape. */
    record Draw(int stream, Shape to) implements Attr {
        @Override
        public String toString() {
            return "stream=" + stream + " to=" + to;
        }
    }

    /**
     * The fused matrix products (GEMM, GEMM_BIAS, ...): which operands enter transposed, printed {@code trans=nt}
     * (n: as stored, t: transposed; a's letter first).
     */
    record Trans(boolean a, boolean b) implements Attr {
        @Override
        public String toString() {
            return "trans=" + (a ? "t" : "n") + (b ? "t" : "n");
        }
    }

    /** CONSTANT: the value, broadcast over the result shape. */
    record Const(double value) implements Attr {
        @Override
        public String toString() {
            return (value == Math.rint(value) && Math.abs(value) < 1e15) ? Long.toString((long) value) : Double.toString(value);
        }
    }

    /**
     * The geometry of a sliding window over the last two axes of an NCHW tensor, for convolutions and pooling:
     * window size, stride, padding (top, left, bottom, right: "same" padding of an even window is uneven, as in
     * PyTorch), dilation, and the input's height and width (which the backward ops cannot infer from their
     * operands when the stride leaves rows unread).
     */
    record Window(int kh, int kw, int sh, int sw, int padTop, int padLeft, int padBottom, int padRight,
                  int dh, int dw, int inH, int inW) implements Attr {

        /** Output height: PyTorch's floor((H + pads - dilation * (k - 1) - 1) / stride) + 1; may be 0 or less. */
        public int outH() {
            return Math.floorDiv(inH + padTop + padBottom - dh * (kh - 1) - 1, sh) + 1;
        }

        public int outW() {
            return Math.floorDiv(inW + padLeft + padRight - dw * (kw - 1) - 1, sw) + 1;
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("window=" + kh + "x" + kw + " stride=" + sh + "x" + sw);
            if (padTop != 0 || padLeft != 0 || padBottom != 0 || padRight != 0) {
                s.append(" pad=").append(padTop).append(',').append(padLeft).append(',').append(padBottom)
                        .append(',').append(padRight);
            }
            if (dh != 1 || dw != 1) {
                s.append(" dilation=").append(dh).append('x').append(dw);
            }
            return s.append(" in=").append(inH).append('x').append(inW).toString();
        }
    }
}
