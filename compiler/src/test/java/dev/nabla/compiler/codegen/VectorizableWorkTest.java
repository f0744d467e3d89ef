package dev.nabla.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nabla.compiler.lower.Buf;
import dev.nabla.compiler.lower.Expr;
import dev.nabla.compiler.lower.Index;
import dev.nabla.compiler.lower.LoopVar;
import dev.nabla.compiler.lower.Size;
import dev.nabla.compiler.lower.Stmt;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which loops stay scalar because they run too rarely to reach C2 early ({@link Vectorizable#MIN_WORK}). */
class VectorizableWorkTest {

    private static final Buf IN = new Buf(0, "in");
    private static final Buf OUT = new Buf(1, "out");

    /** {@code for v < extent: out[v + offset] = 2 * in[v + offset]}, offset the index of the loops around it. */
    private static Stmt.For copy(LoopVar v, Size extent, Index offset) {
        Index at = Index.of(v).plus(offset);
        return new Stmt.For(v, extent, List.of(new Stmt.Store(OUT, at,
                new Expr.Binary(dev.nabla.compiler.ir.Op.MUL, new Expr.Const(2f), new Expr.Load(IN, at)))));
    }

    @BeforeEach
    void defaultThreshold() {
        assumeTrue(System.getProperty("nabla.vector.minWork") == null, "checks the default rule");
    }

    @Test
    void defaultThresholdIsFourThousandIterations() {
        assertEquals(4096, Vectorizable.MIN_WORK);
    }

    @Test
    void aBiasSizedLoopStaysScalarAndAWeightSizedOneDoesNot() {
        Stmt.For bias = copy(new LoopVar("i"), Size.of(256), Index.ZERO);
        Stmt.For lastLayer = copy(new LoopVar("i"), Size.of(1280), Index.ZERO);
        Stmt.For weights = copy(new LoopVar("i"), Size.of(32768), Index.ZERO);
        Map<Stmt.For, Long> work = Vectorizable.work(List.of(bias, lastLayer, weights));
        assertEquals(256L, work.get(bias));
        assertEquals(1280L, work.get(lastLayer));
        assertEquals(Vectorizable.MIN_WORK, work.get(weights), "saturated at the threshold");
        assertFalse(Vectorizable.loop(bias, work.get(bias)));
        assertFalse(Vectorizable.loop(lastLayer, work.get(lastLayer)));
        assertTrue(Vectorizable.loop(weights, work.get(weights)));
    }

    @Test
    void anInnerLoopCountsTheLoopsAroundIt() {
        LoopVar row = new LoopVar("r");
        LoopVar col = new LoopVar("c");
        // W1's first weight matrix as a nest: 784 rows of 256, each row too short alone but not the whole
        Stmt.For inner = copy(col, Size.of(256), Index.of(row).times(Size.of(256)));
        Stmt.For outer = new Stmt.For(row, Size.of(784), List.of(inner));
        Map<Stmt.For, Long> work = Vectorizable.work(List.of(outer));
        assertEquals(784L, work.get(outer));
        assertEquals(Vectorizable.MIN_WORK, work.get(inner));
        assertTrue(Vectorizable.loop(inner, work.get(inner)));
        // 8 rows of 256 do too little
        Stmt.For fewInner = copy(col, Size.of(256), Index.of(row).times(Size.of(256)));
        Stmt.For few = new Stmt.For(row, Size.of(8), List.of(fewInner));
        assertEquals(2048L, Vectorizable.work(List.of(few)).get(fewInner));
        assertFalse(Vectorizable.loop(fewInner, 2048));
    }

    @Test
    void aBatchLoopAroundMakesAShortRowLoopBusy() {
        LoopVar b = new LoopVar("b");
        LoopVar j = new LoopVar("j");
        Stmt.For inner = copy(j, Size.of(64), Index.of(b).times(Size.of(64)));
        Stmt.For batch = new Stmt.For(b, Size.dim(dev.nabla.compiler.ir.Shape.BATCH), List.of(inner));
        Map<Stmt.For, Long> work = Vectorizable.work(List.of(batch));
        assertEquals(Vectorizable.MIN_WORK, work.get(inner), "the batch size is not known; it counts as busy");
        assertTrue(Vectorizable.loop(inner, work.get(inner)));
        // and a loop shorter than MIN_TRIP stays scalar even there
        Stmt.For row10 = copy(j, Size.of(10), Index.of(b).times(Size.of(10)));
        assertFalse(Vectorizable.loop(row10, Vectorizable.MIN_WORK));
    }

    /** {@code for v < extent: out[v + offset] = exp(in[v + offset])}. */
    private static Stmt.For exp(LoopVar v, Size extent, Index offset) {
        Index at = Index.of(v).plus(offset);
        return new Stmt.For(v, extent, List.of(new Stmt.Store(OUT, at,
                new Expr.Unary(dev.nabla.compiler.ir.Op.EXP, new Expr.Load(IN, at)))));
    }

    @Test
    void aShortRowOfExpsIsTakenFromOneVectorOnInABatchLoop() {
        LoopVar b = new LoopVar("b");
        LoopVar j = new LoopVar("j");
        // a softmax over 10 classes: one vector of 8 exps and 2 scalar ones per row beat 10 scalar calls
        Stmt.For classes = exp(j, Size.of(10), Index.of(b).times(Size.of(10)));
        assertTrue(Vectorizable.loop(classes, Vectorizable.MIN_WORK));
        Stmt.For one = exp(j, Size.of(Vectorizable.MIN_TRIP_TRANSCENDENTAL), Index.of(b).times(Size.of(8)));
        assertTrue(Vectorizable.loop(one, Vectorizable.MIN_WORK));
        // below one vector, or run too rarely, it stays scalar
        Stmt.For seven = exp(j, Size.of(7), Index.of(b).times(Size.of(7)));
        assertFalse(Vectorizable.loop(seven, Vectorizable.MIN_WORK));
        Stmt.For rare = exp(j, Size.of(10), Index.ZERO);
        assertFalse(Vectorizable.loop(rare, Vectorizable.work(List.of(rare)).get(rare)));
    }

    @Test
    void equalLoopsAtDifferentPlacesAreCountedApart() {
        LoopVar i = new LoopVar("i");
        LoopVar r = new LoopVar("r");
        Stmt.For alone = copy(i, Size.of(256), Index.ZERO);
        Stmt.For same = copy(i, Size.of(256), Index.ZERO);
        Stmt.For nest = new Stmt.For(r, Size.of(64), List.of(same));
        Map<Stmt.For, Long> work = Vectorizable.work(List.of(alone, nest));
        assertEquals(alone, same, "records equal by value");
        assertEquals(256L, work.get(alone));
        assertEquals(Vectorizable.MIN_WORK, work.get(same));
    }
}
