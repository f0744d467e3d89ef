package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Span;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    /** {@code for i < B: out[i] = a[i] + b[i]} at position {@code span}. */
    private static Kernel sum(Span span, Buf out, Buf a, Buf b) {
        LoopVar i = new LoopVar("i0");
        return new Kernel("k", span, "", List.of(new Stmt.For(i, new Size(1, true), List.of(
                new Stmt.Store(out, Index.of(i), Expr.bin(Op.ADD, new Expr.Load(a, Index.of(i)),
                        new Expr.Load(b, Index.of(i))))))));
    }

    @Test
    void bufferPairs_pairTheBuffersOfKernelsThatDifferOnlyInThem() {
        Buf x = new Buf(5, "x");
        Buf y = new Buf(6, "y");
        Buf z = new Buf(7, "z");
        assertEquals(Map.of(0, 5, 1, 6, 2, 7), SameKernel.bufferPairs(sum(Span.NONE, IN, OUT, new Buf(2, "c")),
                sum(Span.NONE, x, y, z)));
        assertEquals(Map.of(0, 5, 1, 6), SameKernel.bufferPairs(sum(Span.NONE, IN, IN, OUT), sum(Span.NONE, x, x, y)));
        assertEquals(Map.of(0, 0, 1, 7), SameKernel.bufferPairs(doubled(OUT, 2), doubled(z, 2)));
    }

    private static Kernel product(Buf a, Buf b, Buf c, boolean accumulate) {
        return new Kernel("k", Span.NONE, "", List.of(new Stmt.GemmCall(false, true, Size.of(2), Size.of(3), Size.of(4),
                a, b, c, accumulate, null, 0)));
    }

    @Test
    void bufferPairs_pairAProductsOperands() {
        Buf c = new Buf(2, "c");
        Buf x = new Buf(5, "x");
        Buf y = new Buf(6, "y");
        Buf z = new Buf(7, "z");
        assertEquals(Map.of(0, 5, 1, 6, 2, 7), SameKernel.bufferPairs(product(IN, OUT, c, false), product(x, y, z, false)));
        assertNull(SameKernel.bufferPairs(product(IN, OUT, c, false), product(x, y, z, true)), "accumulating");
        assertNull(SameKernel.bufferPairs(product(IN, OUT, c, false), product(x, x, z, false)), "A is B");
    }

    @Test
    void bufferPairs_refuseAnotherAliasingPositionOrConstant() {
        Buf x = new Buf(5, "x");
        Buf y = new Buf(6, "y");
        assertNull(SameKernel.bufferPairs(sum(Span.NONE, IN, IN, OUT), sum(Span.NONE, x, y, y)), "in place against not");
        assertNull(SameKernel.bufferPairs(sum(Span.NONE, IN, OUT, new Buf(2, "c")), sum(Span.NONE, x, y, x)),
                "two buffers against one");
        assertNull(SameKernel.bufferPairs(sum(Span.NONE, x, y, x), sum(Span.NONE, IN, OUT, new Buf(2, "c"))),
                "one buffer against two");
        assertNull(SameKernel.bufferPairs(sum(Span.at("a.nabla", 1, 1), IN, OUT, x),
                sum(Span.at("a.nabla", 2, 1), IN, OUT, x)), "another line");
        assertNull(SameKernel.bufferPairs(doubled(OUT, 2), doubled(x, 3)), "another constant");
        assertNull(SameKernel.bufferPairs(sum(Span.NONE, IN, OUT, Buf.HYPER), sum(Span.NONE, IN, OUT, x)),
                "the hyperparameters against a buffer");
    }
}
