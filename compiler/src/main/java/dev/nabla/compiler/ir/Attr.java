package dev.nabla.compiler.ir;

import java.util.List;
import java.util.stream.Collectors;

/** Static attributes of an instruction. Records, so CSE can compare them with equals. */
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

    /** CONSTANT: the value, broadcast over the result shape. */
    record Const(double value) implements Attr {
        @Override
        public String toString() {
            return (value == Math.rint(value) && Math.abs(value) < 1e15) ? Long.toString((long) value) : Double.toString(value);
        }
    }
}
