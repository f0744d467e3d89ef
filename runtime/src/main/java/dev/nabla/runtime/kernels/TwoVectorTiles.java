package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.VectorTiles.L;
import static dev.nabla.runtime.kernels.VectorTiles.S;
import static dev.nabla.runtime.kernels.VectorTiles.W;
import static dev.nabla.runtime.kernels.VectorTypes.EXACT;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import jdk.incubator.vector.FloatVector;

/**
 * The micro-kernels of {@link VectorTiles} for 256-bit vectors (AVX2): the main tile is 4 rows by 2 vectors. AVX2
 * has 16 vector registers, and C2 issues all of a tile's row broadcasts before its FMAs, so a tile needs
 * rows x vectors accumulators + vectors B loads + rows broadcasts at once: 8 + 2 + 4 = 14 here. The 6 x 2 tile
 * this replaces needed 20 and kept 4 accumulators on the stack (a load and a store around each of their FMAs,
 * read in the disassembly: see docs/benchmarks.md). B is packed as there (row stride {@link VectorTiles#W}; no
 * branches); the {@code Acc} kernels add onto C instead of storing plain sums.
 *
 * <p>The 4-row kernels read A packed in row tiles ({@link VectorPackedA}): {@code A(r,p) = a[aBase + 4p + r]},
 * the four values one step needs side by side. Read in place, each of the four rows needed its own index
 * register and a 64-bit add per step, and the loop carried 33 instructions for its 8 FMAs, more than the core
 * issues in the 4 cycles those take; packed, the four broadcasts share one index with constant displacements. In
 * a standalone loop over W1's first-layer product (128 x 256 x 784, one thread, the two alternating in 30 rounds)
 * the packed tile took 0.74 of the in-place one's time, and 0.77 with the packing counted; the older Aᵀ layout
 * ({@link VectorTiles#A_STRIDE} floats per step) gained nothing over reading in place (0.98-1.01).
 *
 * <p><b>The 4 x 2 kernels count A's index, not the step.</b> Written as {@code for (p = 0; p < k; p++)} with indices
 * {@code aBase + 4p} and {@code bBase + 16p}, C2 recomputes both from p in every step: 11 integer instructions beside
 * the 8 FMAs and 6 loads. When the core's other hardware thread is busy (another tenant of the host, for seconds at
 * a time), the two threads share the core's dispatch, and a step costs about its instruction count rather than its
 * FMAs: an 8-FMA loop with 10 extra integer instructions and no loads ran at 45 GFLOP/s in that state against 80
 * without them, as slow as the whole tile. Counting A's own index ({@code ia}; the in-place kernels count
 * {@code aBase + p}), B's index is one shift and add of it: 7 integer instructions. In {@code nabla train} on W1,
 * one thread, alternating with the one-step-counter loop: the first layer's forward product 1,086-1,101 µs against
 * 1,474-1,672, its weight gradient 1,290-1,371 against 1,474-1,716 (docs/benchmarks.md). Two steps per iteration
 * ({@link PairedTwoVectorTiles}: 4 integer instructions per 8 FMAs) are faster still, but only when C2 strip-mines
 * the loop; without, it issued all 8 broadcasts before the FMAs, needed 20 registers, and kept 4 accumulators on the
 * stack: half the speed. One step needs 14 registers however C2 orders it. So the 4 x 2 kernels take two steps where
 * the JVM strip-mines counted loops, one elsewhere ({@link #TWO_STEPS}).
 *
 * <p>The kernels read B's rows from {@code bBase} on, so that a long product can run in blocks of the panel's
 * rows (see {@code VectorGemm.panelRows}); an invariant offset plus the loop counter times a constant still lets
 * C2 remove the range checks from the loop. The single-row kernels read a plain row ({@code a[aBase + p]}).
 */
final class TwoVectorTiles {

    /** {@code -Dnabla.gemm.steps=1|2} picks the 4 x 2 kernels' steps per iteration instead of {@link #TWO_STEPS}. */
    static final String STEPS_PROPERTY = "nabla.gemm.steps";

    /**
     * Whether the 4 x 2 kernels take two steps per iteration ({@link PairedTwoVectorTiles}): where C2 strip-mines
     * counted loops, which G1, ZGC and Shenandoah turn on by default, and {@code nabla} turns on for the Parallel
     * collector it runs with; {@link #STEPS_PROPERTY} overrides. Standalone, against one step, the old and the new
     * alternating: 1.22-1.78x faster while the core's other hardware thread was busy, 0.78-1.17 while it was idle; the
     * 8 products of a W1 step, paired in one JVM beside an A/A control (0.985-1.006): 0.822 and 1.009 on one thread,
     * 0.878 and 0.999 on two (docs/benchmarks.md).
     */
    static final boolean TWO_STEPS = twoSteps(System.getProperty(STEPS_PROPERTY));

    private TwoVectorTiles() {
    }

    /** The rule of {@link #TWO_STEPS} for a value of {@link #STEPS_PROPERTY} ({@code null} when unset). */
    static boolean twoSteps(String property) {
        if (property != null && !property.isBlank()) {
            return "2".equals(property.trim());
        }
        return stripMinesLoops();
    }

    /**
     * Whether this JVM's C2 strip-mines counted loops: {@code UseCountedLoopSafepoints} with a positive
     * {@code LoopStripMiningIter}. False when the options cannot be read (a runtime image without
     * {@code jdk.management}, a JVM that is not HotSpot): one step is never the slow choice. Reading them loads the
     * management classes, 33-45 ms in a fresh JVM, once: when this class is first used, at the first product of two
     * rows or more where the 4 x 2 tile is the main one (batch-1 inference never gets here).
     */
    static boolean stripMinesLoops() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return vm != null && Boolean.parseBoolean(vm.getVMOption("UseCountedLoopSafepoints").getValue())
                    && Long.parseLong(vm.getVMOption("LoopStripMiningIter").getValue()) > 0;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** The 4 x 2-vector tile, the main tile where vectors are 256 bits or fewer (8 accumulators), on packed A. */
    static void tile4x2(float[] a, int aBase, float[] b, int bBase, int k,
                          float[] d, int dBase, int dStride) {
        if (TWO_STEPS) {
            PairedTwoVectorTiles.tile4x2(a, aBase, b, bBase, k, d, dBase, dStride);
        } else {
            tile4x2OneStep(a, aBase, b, bBase, k, d, dBase, dStride);
        }
    }

    /** {@link #tile4x2} one step per iteration. */
    static void tile4x2OneStep(float[] a, int aBase, float[] b, int bBase, int k,
                          float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        int bOff = bBase - W / 4 * aBase;
        for (int ia = aBase, end = aBase + 4 * k; ia < end; ia += 4) {
            FloatVector b0 = FloatVector.fromArray(S, b, W / 4 * ia + bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, W / 4 * ia + bOff + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ia]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ia + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ia + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ia + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c11).intoArray(d, dBase + dStride + L);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c21).intoArray(d, dBase + 2 * dStride + L);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c31).intoArray(d, dBase + 3 * dStride + L);
    }

    /** A 4 x 1-vector tile: a strip of at most one vector of columns, where the main tile is {@link #tile4x2}. */
    static void tile4x1(float[] a, int aBase, float[] b, int k,
                          float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        FloatVector c10 = z;
        FloatVector c20 = z;
        FloatVector c30 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + 4 * p]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[aBase + 4 * p + 1]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[aBase + 4 * p + 2]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[aBase + 4 * p + 3]);
            c30 = a3.fma(b0, c30);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
    }

    /** A 1 x 2-vector tile: one leftover row, where the main tile is {@link #tile4x2}. */
    static void tile1x2(float[] a, int aBase, float[] b, int bBase, int k,
                        float[] d, int dBase) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bBase + p * W);
            FloatVector b1 = FloatVector.fromArray(S, b, bBase + p * W + L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
    }

    /**
     * {@link #tile4x2} adding onto C: the accumulators start from the tile of {@code d} and end there, so a
     * product accumulated into C (a gradient onto its regularizer's term) needs no scratch tile and epilogue pass.
     */
    static void tile4x2Acc(float[] a, int aBase, float[] b, int bBase, int k,
                          float[] d, int dBase, int dStride) {
        if (TWO_STEPS) {
            PairedTwoVectorTiles.tile4x2Acc(a, aBase, b, bBase, k, d, dBase, dStride);
        } else {
            tile4x2AccOneStep(a, aBase, b, bBase, k, d, dBase, dStride);
        }
    }

    /** {@link #tile4x2Acc} one step per iteration. */
    static void tile4x2AccOneStep(float[] a, int aBase, float[] b, int bBase, int k,
                          float[] d, int dBase, int dStride) {
        FloatVector c00 = FloatVector.fromArray(S, d, dBase);
        FloatVector c01 = FloatVector.fromArray(S, d, dBase + L);
        FloatVector c10 = FloatVector.fromArray(S, d, dBase + dStride);
        FloatVector c11 = FloatVector.fromArray(S, d, dBase + dStride + L);
        FloatVector c20 = FloatVector.fromArray(S, d, dBase + 2 * dStride);
        FloatVector c21 = FloatVector.fromArray(S, d, dBase + 2 * dStride + L);
        FloatVector c30 = FloatVector.fromArray(S, d, dBase + 3 * dStride);
        FloatVector c31 = FloatVector.fromArray(S, d, dBase + 3 * dStride + L);
        int bOff = bBase - W / 4 * aBase;
        for (int ia = aBase, end = aBase + 4 * k; ia < end; ia += 4) {
            FloatVector b0 = FloatVector.fromArray(S, b, W / 4 * ia + bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, W / 4 * ia + bOff + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ia]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ia + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ia + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ia + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c11).intoArray(d, dBase + dStride + L);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c21).intoArray(d, dBase + 2 * dStride + L);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c31).intoArray(d, dBase + 3 * dStride + L);
    }

    /** {@link #tile1x2} adding onto C, as {@link #tile4x2Acc}. */
    static void tile1x2Acc(float[] a, int aBase, float[] b, int bBase, int k,
                        float[] d, int dBase) {
        FloatVector c00 = FloatVector.fromArray(S, d, dBase);
        FloatVector c01 = FloatVector.fromArray(S, d, dBase + L);
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bBase + p * W);
            FloatVector b1 = FloatVector.fromArray(S, b, bBase + p * W + L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
    }

    /**
     * The 4-row kernels on A read in place, rows {@code ars} apart ({@code A(r,p) = a[aBase + r*ars + p]}): for a
     * product of a single panel or strip, whose A is read once, where packing it would cost more than it saves.
     */
    static void tile4x2Strided(float[] a, int aBase, int ars, float[] b, int bBase, int k,
                          float[] d, int dBase, int dStride) {
        if (TWO_STEPS) {
            PairedTwoVectorTiles.tile4x2Strided(a, aBase, ars, b, bBase, k, d, dBase, dStride);
        } else {
            tile4x2StridedOneStep(a, aBase, ars, b, bBase, k, d, dBase, dStride);
        }
    }

    /** {@link #tile4x2Strided} one step per iteration. */
    static void tile4x2StridedOneStep(float[] a, int aBase, int ars, float[] b, int bBase, int k,
                          float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        int bOff = bBase - W * aBase;
        for (int ia = aBase, end = aBase + k; ia < end; ia++) {
            FloatVector b0 = FloatVector.fromArray(S, b, W * ia + bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, W * ia + bOff + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ia]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ia + ars]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ia + 2 * ars]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ia + 3 * ars]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c11).intoArray(d, dBase + dStride + L);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c21).intoArray(d, dBase + 2 * dStride + L);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c31).intoArray(d, dBase + 3 * dStride + L);
    }

    static void tile4x2AccStrided(float[] a, int aBase, int ars, float[] b, int bBase, int k,
                          float[] d, int dBase, int dStride) {
        if (TWO_STEPS) {
            PairedTwoVectorTiles.tile4x2AccStrided(a, aBase, ars, b, bBase, k, d, dBase, dStride);
        } else {
            tile4x2AccStridedOneStep(a, aBase, ars, b, bBase, k, d, dBase, dStride);
        }
    }

    /** {@link #tile4x2AccStrided} one step per iteration. */
    static void tile4x2AccStridedOneStep(float[] a, int aBase, int ars, float[] b, int bBase, int k,
                          float[] d, int dBase, int dStride) {
        FloatVector c00 = FloatVector.fromArray(S, d, dBase);
        FloatVector c01 = FloatVector.fromArray(S, d, dBase + L);
        FloatVector c10 = FloatVector.fromArray(S, d, dBase + dStride);
        FloatVector c11 = FloatVector.fromArray(S, d, dBase + dStride + L);
        FloatVector c20 = FloatVector.fromArray(S, d, dBase + 2 * dStride);
        FloatVector c21 = FloatVector.fromArray(S, d, dBase + 2 * dStride + L);
        FloatVector c30 = FloatVector.fromArray(S, d, dBase + 3 * dStride);
        FloatVector c31 = FloatVector.fromArray(S, d, dBase + 3 * dStride + L);
        int bOff = bBase - W * aBase;
        for (int ia = aBase, end = aBase + k; ia < end; ia++) {
            FloatVector b0 = FloatVector.fromArray(S, b, W * ia + bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, W * ia + bOff + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ia]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ia + ars]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ia + 2 * ars]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ia + 3 * ars]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c01).intoArray(d, dBase + L);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c11).intoArray(d, dBase + dStride + L);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c21).intoArray(d, dBase + 2 * dStride + L);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
        EXACT.cast(c31).intoArray(d, dBase + 3 * dStride + L);
    }

    static void tile4x1Strided(float[] a, int aBase, int ars, float[] b, int k,
                          float[] d, int dBase, int dStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        FloatVector c10 = z;
        FloatVector c20 = z;
        FloatVector c30 = z;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aBase + p]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[aBase + ars + p]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[aBase + 2 * ars + p]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[aBase + 3 * ars + p]);
            c30 = a3.fma(b0, c30);
        }
        EXACT.cast(c00).intoArray(d, dBase);
        EXACT.cast(c10).intoArray(d, dBase + dStride);
        EXACT.cast(c20).intoArray(d, dBase + 2 * dStride);
        EXACT.cast(c30).intoArray(d, dBase + 3 * dStride);
    }
}
