package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Span;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When a reduction may join an earlier kernel's first loop nest ({@link MergeSiblingLoops}): the shape of the two
 * nests, a shared read, and nothing in between that writes what the reduction reads or touches what it writes.
 */
class MergeSiblingLoopsTest {

    private static final Buf W = new Buf(0, "W");
    private static final Buf SUM = new Buf(1, "l2.sum");
    private static final Buf GRAD = new Buf(2, "grad:W");
    private static final Buf X = new Buf(3, "x");
    private static final Buf G = new Buf(4, "g");
    private static final Buf OTHER = new Buf(5, "other");

    /** {@code acc = 0; for i < 6: for j < 4: acc += W[i,j]^2; l2.sum[0] = acc}. */
    private static Kernel l2(int rows) {
        LoopVar i = new LoopVar("i");
        LoopVar j = new LoopVar("j");
        Local acc = new Local("acc", true);
        Expr w = new Expr.Load(W, Index.of(i).times(Size.of(4)).plus(Index.of(j)));
        return new Kernel("l2_sum", Span.NONE, "l2", List.of(new Stmt.AccInit(acc, 0),
                new Stmt.For(i, Size.of(rows), List.of(new Stmt.For(j, Size.of(4),
                        List.of(new Stmt.Accum(acc, Stmt.AccOp.SUM, Expr.bin(Op.MUL, w, w)))))),
                new Stmt.Store(SUM, Index.ZERO, new Expr.Read(acc))));
    }

    /** {@code for i < 6: for j < 4: out[i,j] = from[i,j] * 1e-4; out += x^T @ g}: a weight gradient's kernel. */
    private static Kernel gradient(Buf from, Buf out) {
        LoopVar i = new LoopVar("p");
        LoopVar j = new LoopVar("q");
        Index ij = Index.of(i).times(Size.of(4)).plus(Index.of(j));
        return new Kernel("grad_W", Span.NONE, "grad", List.of(
                new Stmt.For(i, Size.of(6), List.of(new Stmt.For(j, Size.of(4),
                        List.of(new Stmt.Store(out, ij, Expr.bin(Op.MUL, new Expr.Load(from, ij), Expr.c(1e-4))))))),
                new Stmt.GemmCall(true, false, Size.of(6), Size.of(4), Size.of(2), X, G, out, true, null, 0)));
    }

    /** {@code to[0] = from[0]}. */
    private static Kernel copy(Buf from, Buf to) {
        return new Kernel("between", Span.NONE, "between",
                List.of(new Stmt.Store(to, Index.ZERO, new Expr.Load(from, Index.ZERO))));
    }

    private static List<Kernel> merged(Kernel... kernels) {
        Program p = new Program("trainStep", List.of(kernels));
        return MergeSiblingLoops.apply(p).kernels();
    }

    @Test
    void theL2SumJoinsTheGradientsFirstLoopAfterItsStoreAndItsKernelGoes() {
        Kernel between = copy(X, OTHER);
        List<Kernel> out = merged(gradient(W, GRAD), between, l2(6));
        String listing = Listing.print(new Program("trainStep", out));
        assertEquals(2, out.size(), listing);
        assertTrue(listing.contains("""
                  kernel grad_W  // grad; with l2_sum: l2  @<builtin>:0
                    double acc = 0.0
                    for i < 6:
                      for j < 4:
                        acc += W[i*4 + j] * W[i*4 + j]
                        grad:W[i*4 + j] = W[i*4 + j] * 1.0E-4
                    l2.sum[0] = acc
                    grad:W += (x^T @ g)  // gemm m=6 n=4 k=2
                """), listing);
        assertSame(between, out.get(1));
    }

    @Test
    void nothingMergesAcrossAKernelThatWritesWhatTheSumReadsOrTouchesWhatItWrites() {
        assertUnchanged(gradient(W, GRAD), copy(X, W), l2(6));
        assertUnchanged(gradient(W, GRAD), copy(X, SUM), l2(6));
        assertUnchanged(gradient(W, GRAD), copy(SUM, OTHER), l2(6));
        // The earlier kernel itself writes what the sum reads, or reads what it writes.
        assertUnchanged(gradient(W, W), l2(6));
        assertUnchanged(gradient(SUM, GRAD), copy(X, OTHER), l2(6));
    }

    @Test
    void nothingMergesWithoutASharedReadAcrossDifferentExtentsOrIntoALaterKernel() {
        assertUnchanged(gradient(OTHER, GRAD), l2(6));
        assertUnchanged(gradient(W, GRAD), l2(5));
        assertUnchanged(l2(6), gradient(W, GRAD));
    }

    private static void assertUnchanged(Kernel... kernels) {
        assertEquals(new ArrayList<>(List.of(kernels)), merged(kernels));
    }
}
