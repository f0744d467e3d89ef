package dev.nabla.compiler.lower;

import java.util.List;

/** A statement of the loop IR. */
public sealed interface Stmt {

    enum AccOp { SUM, MAX }

    /** {@code for (var = 0; var < extent; var++) body}. */
    record For(LoopVar var, Size extent, List<Stmt> body) implements Stmt {
        public For {
            body = List.copyOf(body);
        }
    }

    /** {@code buf[index] = value}. */
    record Store(Buf buf, Index index, Expr value) implements Stmt {
    }

    /** {@code float local = value}. */
    record Let(Local local, Expr value) implements Stmt {
    }

    /** {@code double acc = value}. */
    record AccInit(Local acc, double value) implements Stmt {
    }

    /** {@code acc += value} or {@code acc = max(acc, value)}, in double. */
    record Accum(Local acc, AccOp op, Expr value) implements Stmt {
    }

    /**
     * {@code c = act(op(a) * op(b) [+ bias])}, or {@code c += op(a) * op(b)} when accumulating; calls
     * {@link dev.nabla.runtime.kernels.Gemm}. Dimensions as for {@code Gemm.gemm}.
     */
    record GemmCall(boolean transA, boolean transB, Size m, Size n, Size k, Buf a, Buf b, Buf c,
                    boolean accumulate, Buf bias, int act) implements Stmt {
    }
}
