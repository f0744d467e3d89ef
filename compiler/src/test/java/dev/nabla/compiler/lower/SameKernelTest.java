package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Span;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kernels are the same code up to their loop variables and locals, which each lowering makes afresh. */
class SameKernelTest {

    private static final Buf IN = new Buf(0, "in");
    private static final Buf OUT = new Buf(1, "out");

    /** {@code for i < B: s = in[i] * 2; out[i] = s + s} with fresh variables, storing to {@code out}. */
    private static Kernel doubled(Buf out, float factor) {
        LoopVar i = new LoopVar("i0");
        Local s = new Local("s", false);
        return new Kernel("k", Span.NONE, "%k = mul", List.of(new Stmt.For(i, new Size(1, true), List.of(
                new Stmt.Let(s, Expr.bin(Op.MUL, new Expr.Load(IN, Index.of(i)), Expr.c(factor))),
                new Stmt.Store(out, Index.of(i), Expr.bin(Op.ADD, new Expr.Read(s), new Expr.Read(s)))))));
    }

    @Test
    void twoLoweringsWithFreshVariablesAreTheSame() {
        assertTrue(SameKernel.same(doubled(OUT, 2), doubled(OUT, 2)));
    }

    @Test
    void anotherBufferOrConstantIsNotTheSame() {
        assertFalse(SameKernel.same(doubled(OUT, 2), doubled(new Buf(2, "out"), 2)));
        assertFalse(SameKernel.same(doubled(OUT, 2), doubled(OUT, 3)));
    }

    /** {@code for a < 4: for b < 4: out[x] = in[x]}. */
    private static Kernel nest(LoopVar a, LoopVar b, LoopVar x) {
        return new Kernel("k", Span.NONE, "", List.of(new Stmt.For(a, Size.of(4), List.of(new Stmt.For(b, Size.of(4),
                List.of(new Stmt.Store(OUT, Index.of(x), new Expr.Load(IN, Index.of(x)))))))));
    }

    @Test
    void variablesPairOneToOne() {
        LoopVar i = new LoopVar("i0");
        LoopVar j = new LoopVar("i1");
        LoopVar k = new LoopVar("i0");
        LoopVar l = new LoopVar("i1");
        assertTrue(SameKernel.same(nest(i, j, j), nest(k, l, l)));
        assertFalse(SameKernel.same(nest(i, j, j), nest(k, l, k)), "the inner loop's variable against the outer's");
        assertFalse(SameKernel.same(nest(i, j, j), nest(k, k, k)), "two variables against one");
        assertFalse(SameKernel.same(nest(k, k, k), nest(i, j, j)), "one variable against two");
    }
}
