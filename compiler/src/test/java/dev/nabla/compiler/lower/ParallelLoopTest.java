package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Op;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
