package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Op;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which loops may have their iterations split over threads: disjoint writes, nothing carried between iterations. */
class ParallelLoopTest {

    private static final Buf IN = new Buf(0, "in");
    private static final Buf OUT = new Buf(1, "out");
    private final LoopVar i = new LoopVar("i");
    private final LoopVar j = new LoopVar("j");

    private Index row(int width) {
        return Index.of(j).plus(Index.of(i).times(Size.of(width)));
    }

    private Stmt.For rows(Size extent, int width, Stmt... body) {
        return new Stmt.For(i, extent, List.of(new Stmt.For(j, Size.of(width), List.of(body))));
    }

    @Test
    void rowWiseElementwiseLoopQualifies() {
        Stmt loop = rows(new Size(1, true), 256, new Stmt.Store(OUT, row(256),
                Expr.bin(Op.MUL, new Expr.Load(IN, row(256)), Expr.c(2))));
        assertTrue(ParallelLoop.qualifies(List.of(loop), 0));
        assertEquals(256, ParallelLoop.elementsPerIteration((Stmt.For) loop));
    }

    @Test
    void updateAfterLetsQualifiesAndRecomputesThem() {
        Local lr = new Local("lr", false);
        Stmt let = new Stmt.Let(lr, new Expr.Load(Buf.HYPER, Index.constant(0)));
        Stmt loop = new Stmt.For(i, Size.of(200_704), List.of(new Stmt.Store(OUT, Index.of(i),
                Expr.bin(Op.SUB, new Expr.Load(OUT, Index.of(i)),
                        Expr.bin(Op.MUL, new Expr.Read(lr), new Expr.Load(IN, Index.of(i)))))));
        List<Stmt> body = List.of(let, loop);
        assertTrue(ParallelLoop.qualifies(body, 1));
        assertEquals(List.of(let), ParallelLoop.prelude(body, 1));
    }

    @Test
    void rowsSummedIntoOneRowDoNotQualify() {
        Index col = Index.of(j);
        Stmt loop = rows(new Size(1, true), 256, new Stmt.Store(OUT, col,
                Expr.bin(Op.ADD, new Expr.Load(OUT, col), new Expr.Load(IN, row(256)))));
        assertFalse(ParallelLoop.qualifies(List.of(loop), 0));
    }

    @Test
    void readingAnotherRowOfTheWrittenBufferDoesNotQualify() {
        Stmt loop = rows(new Size(1, true), 256, new Stmt.Store(OUT, row(256),
                new Expr.Load(OUT, row(256).plus(Index.constant(256)))));
        assertFalse(ParallelLoop.qualifies(List.of(loop), 0));
    }

    @Test
    void accumulatorCarriedAcrossIterationsDoesNotQualify() {
        Local acc = new Local("acc", true);
        List<Stmt> body = List.of(new Stmt.AccInit(acc, 0),
                new Stmt.For(i, Size.of(200_704), List.of(new Stmt.Accum(acc, Stmt.AccOp.SUM, new Expr.Load(IN, Index.of(i))))),
                new Stmt.Store(OUT, Index.ZERO, new Expr.Read(acc)));
        assertFalse(ParallelLoop.qualifies(body, 1));
    }

    @Test
    void rowLocalAccumulatorQualifies() {
        Local acc = new Local("acc", true);
        Stmt loop = new Stmt.For(i, new Size(1, true), List.of(new Stmt.AccInit(acc, 0),
                new Stmt.For(j, Size.of(256), List.of(new Stmt.Accum(acc, Stmt.AccOp.SUM, new Expr.Load(IN, row(256))))),
                new Stmt.Store(OUT, Index.of(i), new Expr.Read(acc))));
        assertTrue(ParallelLoop.qualifies(List.of(loop), 0));
    }

    @Test
    void smallStaticLoopDoesNotQualify() {
        Stmt loop = new Stmt.For(i, Size.of(1000), List.of(new Stmt.Store(OUT, Index.of(i), new Expr.Load(IN, Index.of(i)))));
        assertFalse(ParallelLoop.qualifies(List.of(loop), 0));
    }

    /** An L2 term: {@code acc = 0; for i < rows: for j < 256: acc += w[i,j]^2; out[0] = acc}. */
    private List<Stmt> sumOfSquares(Local acc, double init, Stmt.AccOp op, int rows, Stmt... extra) {
        Expr w = new Expr.Load(IN, row(256));
        List<Stmt> inner = new java.util.ArrayList<>(List.of(new Stmt.Accum(acc, op, Expr.bin(Op.MUL, w, w))));
        inner.addAll(List.of(extra));
        return List.of(new Stmt.AccInit(acc, init),
                new Stmt.For(i, Size.of(rows), List.of(new Stmt.For(j, Size.of(256), inner))),
                new Stmt.Store(OUT, Index.ZERO, new Expr.Read(acc)));
    }

    @Test
    void sumOfSquaresOverALargeWeightMatrixIsASharedReduction() {
        Local acc = new Local("acc", true);
        assertEquals(new ParallelLoop.Reduction(acc, Stmt.AccOp.SUM, false),
                ParallelLoop.reduction(sumOfSquares(acc, 0, Stmt.AccOp.SUM, 1024), 1));
        assertEquals(new ParallelLoop.Reduction(acc, Stmt.AccOp.MAX, false),
                ParallelLoop.reduction(sumOfSquares(acc, Double.NEGATIVE_INFINITY, Stmt.AccOp.MAX, 1024), 1));
    }

    @Test
    void reductionsThatCannotBeCutInChunksAreLeftAlone() {
        Local acc = new Local("acc", true);
        // below 2^18 elements: W1's 784 x 256
        assertNull(ParallelLoop.reduction(sumOfSquares(acc, 0, Stmt.AccOp.SUM, 784), 1));
        assertNull(ParallelLoop.reduction(sumOfSquares(acc, 0, Stmt.AccOp.SUM, 1023), 1));
        // an accumulator not starting at its operation's identity would count the start once per chunk
        assertNull(ParallelLoop.reduction(sumOfSquares(acc, 1, Stmt.AccOp.SUM, 1024), 1));
        assertNull(ParallelLoop.reduction(sumOfSquares(acc, 0, Stmt.AccOp.MAX, 1024), 1));
        // a loop that reads its running total
        assertNull(ParallelLoop.reduction(sumOfSquares(acc, 0, Stmt.AccOp.SUM, 1024,
                new Stmt.Accum(acc, Stmt.AccOp.SUM, new Expr.Read(acc))), 1));
        // two operations into one accumulator
        assertNull(ParallelLoop.reduction(sumOfSquares(acc, 0, Stmt.AccOp.SUM, 1024,
                new Stmt.Accum(acc, Stmt.AccOp.MAX, new Expr.Load(IN, row(256)))), 1));
        // not the loop right after the accumulator's start, or no loop at all
        List<Stmt> body = sumOfSquares(acc, 0, Stmt.AccOp.SUM, 1024);
        assertNull(ParallelLoop.reduction(List.of(body.get(0), new Stmt.Store(OUT, Index.ZERO, Expr.c(1)), body.get(1)), 2));
        assertNull(ParallelLoop.reduction(body, 2));
        assertNull(ParallelLoop.reduction(body, 0));
        // over the batch (a loss averaged over the batch): left as it is, short at the usual batch sizes
        assertNull(ParallelLoop.reduction(List.of(body.get(0), new Stmt.For(i, new Size(1, true),
                ((Stmt.For) body.get(1)).body())), 1));
    }

    /**
     * An L2 sum merged with its weight gradient's first loop ({@code MergeSiblingLoops}): a reduction that also stores,
     * one element per iteration, shared from the parallel loops' threshold; one whose iterations store into the same
     * elements is not.
     */
    @Test
    void aReductionThatAlsoStoresDisjointElementsIsSharedFromTheParallelLoopsThreshold() {
        Local acc = new Local("acc", true);
        Stmt scaled = new Stmt.Store(OUT, row(256), Expr.bin(Op.MUL, new Expr.Load(IN, row(256)), Expr.c(1e-4f)));
        assertEquals(new ParallelLoop.Reduction(acc, Stmt.AccOp.SUM, true),
                ParallelLoop.reduction(sumOfSquares(acc, 0, Stmt.AccOp.SUM, 784, scaled), 1), "W1's 784 x 256");
        assertEquals(new ParallelLoop.Reduction(acc, Stmt.AccOp.SUM, true),
                ParallelLoop.reduction(sumOfSquares(acc, 0, Stmt.AccOp.SUM, 128, scaled), 1), "2^15 elements");
        assertNull(ParallelLoop.reduction(sumOfSquares(acc, 0, Stmt.AccOp.SUM, 127, scaled), 1), "below 2^15");
        Stmt sameRowEachTime = new Stmt.Store(OUT, Index.of(j), new Expr.Load(IN, row(256)));
        assertNull(ParallelLoop.reduction(sumOfSquares(acc, 0, Stmt.AccOp.SUM, 1024, sameRowEachTime), 1));
    }
}
