package dev.nabla.compiler.lower;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A statement of the loop IR. Every consumer dispatches with a {@code switch} over {@link #kind()}, so a new
 * statement kind fails to compile wherever it is not handled.
 */
public sealed interface Stmt {

    enum Kind { FOR, STORE, LET, ACC_INIT, ACCUM, GEMM, CALL }

    enum AccOp { SUM, MAX }

    Kind kind();

    /** {@code for (var = 0; var < extent; var++) body}. */
    record For(LoopVar var, Size extent, List<Stmt> body) implements Stmt {
        public For {
            body = List.copyOf(body);
        }

        @Override
        public Kind kind() {
            return Kind.FOR;
        }
    }

    /** {@code buf[index] = value}. */
    record Store(Buf buf, Index index, Expr value) implements Stmt {
        @Override
        public Kind kind() {
            return Kind.STORE;
        }
    }

    /** {@code float local = value}. */
    record Let(Local local, Expr value) implements Stmt {
        @Override
        public Kind kind() {
            return Kind.LET;
        }
    }

    /** {@code double acc = value}. */
    record AccInit(Local acc, double value) implements Stmt {
        @Override
        public Kind kind() {
            return Kind.ACC_INIT;
        }
    }

    /** {@code acc += value} or {@code acc = max(acc, value)}, in double. */
    record Accum(Local acc, AccOp op, Expr value) implements Stmt {
        @Override
        public Kind kind() {
            return Kind.ACCUM;
        }
    }

    /**
     * {@code c = act(op(a) * op(b) [+ bias])}, or {@code c += op(a) * op(b)} when accumulating; calls
     * {@link dev.nabla.runtime.kernels.Gemm}. Dimensions as for {@code Gemm.gemm}.
     */
    record GemmCall(boolean transA, boolean transB, Size m, Size n, Size k, Buf a, Buf b, Buf c,
                    boolean accumulate, Buf bias, int act) implements Stmt {
        @Override
        public Kind kind() {
            return Kind.GEMM;
        }
    }

    /**
     * A call of a runtime kernel: {@code owner.method(args)}, {@code owner} a class's binary name, the method
     * public static void, its parameters
     * ints (sizes) and float arrays (buffers, or null) in the order of {@code args}. {@code writes} are the
     * buffers it overwrites; it reads the other buffer arguments. Convolution and pooling lower to these.
     */
    record Call(String owner, String method, List<Arg> args, List<Buf> writes) implements Stmt {
        public Call {
            args = List.copyOf(args);
            writes = List.copyOf(writes);
        }

        @Override
        public Kind kind() {
            return Kind.CALL;
        }

        @Override
        public String toString() {
            return owner.substring(owner.lastIndexOf('.') + 1) + "." + method
                    + args.stream().map(Arg::toString).collect(Collectors.joining(", ", "(", ")"));
        }
    }

    /** An argument of a {@link Call}. */
    sealed interface Arg {
        /** An int: a constant or a multiple of the batch size. */
        record Int(Size size) implements Arg {
            @Override
            public String toString() {
                return size.toString();
            }
        }

        /** A float array, or null when {@code buf} is null. */
        record Floats(Buf buf) implements Arg {
            @Override
            public String toString() {
                return buf == null ? "null" : buf.toString();
            }
        }

        static Arg of(int c) {
            return new Int(Size.of(c));
        }

        static Arg of(Size s) {
            return new Int(s);
        }

        static Arg of(Buf b) {
            return new Floats(b);
        }
    }
}
