package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.VectorTiles.A_GROUP;
import static dev.nabla.runtime.kernels.VectorTiles.A_STRIDE;
import static dev.nabla.runtime.kernels.VectorTiles.L;
import static dev.nabla.runtime.kernels.VectorTiles.ROWS;
import static dev.nabla.runtime.kernels.VectorTiles.VECTORS;
import static dev.nabla.runtime.kernels.VectorTiles.W;

import java.util.Arrays;

/**
 * Vector API matrix product (loaded only when {@code jdk.incubator.vector} is present). C is walked in
 * column panels of {@link VectorTiles#W} floats, then strips of one vector, then the last {@code n % L}
 * columns (with the 4 x 2 tile, 9 to 15 columns left after the panels make one zero-padded panel instead, unless B
 * was packed beforehand); within each, in tiles of {@link VectorTiles#ROWS} rows, then single rows. With the 4 x 2 tile (256-bit
 * vectors) op(A) is packed in row tiles once per product, before the parts are handed out ({@link #prepare}); with
 * the 5 x 4 tile A is read in place, or packed per part when transposed; the columns of op(B) a panel or strip needs are copied into a per-thread panel of constant row
 * stride (zero-padded for the last partial strip), so no masked or out-of-bounds access is ever needed. Tiles go straight into C when there is no epilogue, else through a
 * scratch tile and {@link VectorEpilogue}. A single row (batch-1 inference) takes {@link VectorMatVec}.
 *
 * <p>A weight matrix that does not change ({@link PackedWeights}) is packed once by {@link #packB}, in the layout of
 * {@link VectorPackedB}: the same floats the per-call copy holds, so the results are the same to the bit.
 */
final class VectorGemm implements GemmKernel {

    static final VectorGemm INSTANCE = new VectorGemm();

    /**
     * Rows of a B panel per block of a long product: 256 x 16 floats (the 4 x 2 tile's panel with 256-bit vectors)
     * is 16 KB, half of L1. Off unless {@code -Dnabla.gemm.kblock=256} (or another depth) asks for it: on the AVX2
     * machine, alternating with and without, W1's 8 products took 5,096 / 4,295 / 5,873 µs per step blocked against
     * 4,467 / 5,389 / 4,630 unblocked, and 4,723 / 4,523 against 4,200 / 4,162 in an earlier pair (docs/benchmarks.md):
     * no gain to show for it. With A packed in row tiles, paired in one JVM: the step's products 0.91 of the unblocked
     * time on one thread but 1.00-1.03 on two, so still off. The runtime's product tests run once more with blocking on.
     */
    static final int K_BLOCK = Integer.getInteger("nabla.gemm.kblock", Integer.MAX_VALUE);

    private VectorGemm() {
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public int columnAlign() {
        return W;
    }

    @Override
    public int rowAlign() {
        return ROWS;
    }

    /**
     * Panel-major cells where the 4-vector tile packs B per part and reads A in place (a plain or transposed B, not
     * frozen): its panels are the copies that cost. A transposed A is packed per part by rows, and rows stay the order.
     */
    @Override
    public boolean panelMajor(GemmCall call) {
        return VECTORS == 4 && !call.transA && call.packedB == null;
    }

    /**
     * 4 where each part packs its own panel of op(B) (the 5 x 4 tile, B not packed for the whole product, see
     * {@link #prepare}): with 512-bit vectors a panel is 64 columns, so W1's products have 2 to 4 panels and are cut by
     * rows too, and every row part packed its panel again. W1's training step at two threads on a Zen 5 host, 4 per
     * thread against 8 (docs/benchmarks.md): 0.948 and 0.955 of the time; 2 per thread 1.008, 12 per thread 1.040.
     * Otherwise {@link Gemm#PARTS_PER_THREAD}.
     */
    @Override
    public int partsPerThread(GemmCall call) {
        return VECTORS == 4 && call.packedB == null ? 4 : Gemm.PARTS_PER_THREAD;
    }

    /**
     * With the 4 x 2 tile, the operands every part reads are packed once per product into the calling thread's
     * scratch, by whichever threads run the shares of {@link #pack}, before the parts run:
     * <ul>
     * <li>op(A) in row tiles ({@link VectorPackedA}). Each column part needs all its rows, so packing per part would copy A
     * once per part. A plain A that one strip reads once is read in place instead; from 9 columns on (a padded panel,
     * see {@link #compute}) A is packed: the 4 x 2 tile reading A in place ran 2.2-2.6 times slower than packed
     * (NN 128 x 256 x 784, paired in one JVM, docs/benchmarks.md).</li>
     * <li>a plain B of two panels or more, row by row into all its panels at once ({@link VectorPackedB#packRows}), unless it is
     * a frozen weight matrix already packed. Packed per part, each part read its panels' slices of B's rows, a 64-byte
     * piece every 4·n bytes: from memory the caches have not kept (B written by the previous step's update, then the
     * step's other data), that stride waited on memory about 350 µs for W1's first-layer weights, against about 90 µs
     * reading B's rows whole (one thread, measured alone).</li>
     * </ul>
     */
    @Override
    public boolean prepare(GemmCall call) {
        if (VECTORS != 2 || call.m <= 1) {
            return false;
        }
        boolean packs = false;
        if (call.transA || call.n > L) {
            call.aTiles = Scratch.current().aTiles(call.m * call.k);
            packs = true;
        }
        if (call.packedB == null && !call.transB && call.n >= 2 * W) {
            call.packedB = Scratch.current().bPanels(VectorPackedB.arrays(call.n), call.k * W);
            call.packsB = true;
            packs = true;
        }
        return packs;
    }

    /** Share {@code part} of {@code parts}: a range of op(A)'s row tiles, and a range of B's rows. */
    @Override
    public void pack(GemmCall call, int part, int parts) {
        if (call.aTiles != null) {
            int blocks = (call.m + ROWS - 1) / ROWS;
            VectorPackedA.pack(call.a, call.aOff, call.transA, call.m, call.k, Gemm.cut(part, parts, blocks, ROWS, call.m),
                    Gemm.cut(part + 1, parts, blocks, ROWS, call.m), call.aTiles);
        }
        if (call.packsB) {
            VectorPackedB.packRows(call.b, call.bOff, call.n, (int) ((long) call.k * part / parts),
                    (int) ((long) call.k * (part + 1) / parts), call.packedB);
        }
    }

    @Override
    public void compute(GemmCall call, int i0, int i1, int j0, int j1) {
        if (call.m == 1) {
            if (call.transB) {
                VectorMatVec.dots(call, j0, j1);
            } else {
                VectorMatVec.gemv(call, j0, j1);
            }
            return;
        }
        Scratch scratch = Scratch.current();
        float[] tile = scratch.tile(ROWS * W);
        float[] a = call.aTiles != null ? call.aTiles : call.transA ? packTransposedA(call, i0, i1, scratch) : call.a;
        // packed panels line up with the part when it starts on a panel and ends on one or at n (as Gemm.split cuts)
        boolean aligned = j0 % W == 0 && (j1 == call.n || j1 % W == 0);
        float[][] packed = aligned ? call.packedB : null;
        int j = j0;
        if (ROWS_OUTER && packed != null && call.aTiles != null && VECTORS == 2
                && VectorEpilogue.mode(call) == VectorEpilogue.ACC && call.k <= K_BLOCK) {
            // rowsOuter reads A in row tiles; prepare packs A whenever n > L, so this holds wherever a full panel exists
            j = rowsOuter(call, i0, i1, j0, j1, a, packed);
        }
        for (; j + W <= j1; j += W) {
            columns(call, i0, i1, j, W, scratch, a, tile, packed);
        }
        if (VECTORS == 2 && packed == null && j1 - j > L) {
            // 9 to 15 columns left (W1's 10 classes): one panel padded with zero columns, through the 4 x 2 tile,
            // rather than a strip and a mostly empty second strip through the 4 x 1 tile, each reading all of A
            columns(call, i0, i1, j, j1 - j, scratch, a, tile, null);
            j = j1;
        }
        for (; j < j1; j += L) {
            columns(call, i0, i1, j, Math.min(L, j1 - j), scratch, a, tile, packed);
        }
    }

    /**
     * Products of this depth and more, with at least twice as much depth as rows, are cut in two by depth where the
     * 5 x 4 tile runs ({@link #depthCut}). {@code -Dnabla.gemm.depthSplit=false} keeps them whole.
     */
    static final int DEPTH_SPLIT_MIN = 512;
    static final boolean DEPTH_SPLIT = !"false".equals(System.getProperty("nabla.gemm.depthSplit"));

    /**
     * Half the depth, for a plain product (nothing added onto C, A and B not transposed) on the 5 x 4 tile of at least two
     * row tiles and one panel, whose depth is at least {@link #DEPTH_SPLIT_MIN} and twice its rows: a dense layer's
     * forward product over a wide input, such as W1's first layer (128 x 256 x 784). Its B is the layer's weights, which
     * the threads then read in halves of rows (see {@code Gemm.runByDepth}); C costs one more pass, small beside B
     * where the depth is large against the rows. Decided by the shape alone, as {@link GemmKernel#depthCut} requires.
     */
    @Override
    public int depthCut(GemmCall call) {
        if (!DEPTH_SPLIT || VECTORS != 4 || call.transA || call.transB || call.accumulate || call.m < 2 * ROWS
                || call.n < W || call.k < DEPTH_SPLIT_MIN || call.k < 2L * call.m) {
            return 0;
        }
        return call.k / 2;
    }

    /**
     * Rows {@code [i0, i1)}, columns {@code [j0, j1)} over one slice of the depth, with the 5 x 4 tiles: A read in place
     * from the slice's first column, B's slice of rows packed per panel (or read at the slice's offset in a frozen
     * weight matrix's panels). Consecutive parts of this thread in the same panel and slice pack it once. The plain sums
     * go straight into C or the partial sums, through the scratch tile only for a last strip narrower than a vector.
     */
    @Override
    public void computeSlice(GemmCall call, int i0, int i1, int j0, int j1, int slice) {
        int k0 = slice == 0 ? 0 : call.depthCut;
        int depth = slice == 0 ? call.depthCut : call.k - call.depthCut;
        float[] d = slice == 0 ? call.c : call.partial;
        int dOff = slice == 0 ? call.cOff : 0;
        Scratch scratch = Scratch.current();
        for (int j = j0; j < j1; ) {
            int w = j + W <= j1 ? W : Math.min(L, j1 - j);
            int stride = w > L ? W : L;
            float[] panel;
            int bOff = 0;
            if (call.packedB != null) {
                panel = call.packedB[VectorPackedB.index(j, call.n)];
                bOff = k0 * stride;
            } else {
                // the slice's rows and the panel's first column name what the panel holds
                if (scratch.panelLabel().is(call.serial, k0, j)) {
                    panel = scratch.keptPanel();
                } else {
                    panel = scratch.panel(depth * stride);
                    packPanel(call.b, call.bOff + k0 * call.n, false, depth, call.n, j, w, panel, stride);
                    scratch.panelLabel().set(call.serial, k0, j);
                }
            }
            sliceRows(call, i0, i1, j, w, k0, depth, panel, bOff, d, dOff, scratch);
            j += w;
        }
    }

    private static void sliceRows(GemmCall call, int i0, int i1, int j, int w, int k0, int depth, float[] panel,
                                  int bOff, float[] d, int dOff, Scratch scratch) {
        int n = call.n;
        int k = call.k;
        boolean direct = w == W || w == L;
        float[] tile = direct ? null : scratch.tile(ROWS * L);
        int i = i0;
        for (; i + ROWS <= i1; i += ROWS) {
            int aBase = call.aOff + i * k + k0;
            if (w > L) {
                VectorTiles.tile5x4(call.a, aBase, k, panel, bOff, depth, d, dOff + i * n + j, n);
            } else if (direct) {
                VectorTiles.tile5x1(call.a, aBase, k, panel, bOff, depth, d, dOff + i * n + j, n);
            } else {
                VectorTiles.tile5x1(call.a, aBase, k, panel, bOff, depth, tile, 0, L);
                for (int r = 0; r < ROWS; r++) {
                    System.arraycopy(tile, r * L, d, dOff + (i + r) * n + j, w);
                }
            }
        }
        for (; i < i1; i++) {
            int aBase = call.aOff + i * k + k0;
            if (w > L) {
                VectorTiles.tile1x4(call.a, aBase, panel, bOff, depth, d, dOff + i * n + j);
            } else if (direct) {
                VectorTiles.tile1x1(call.a, aBase, panel, bOff, depth, d, dOff + i * n + j);
            } else {
                VectorTiles.tile1x1(call.a, aBase, panel, bOff, depth, tile, 0);
                System.arraycopy(tile, 0, d, dOff + i * n + j, w);
            }
        }
    }

    /** C = act(partial + C + bias), rows {@code [i0, i1)}: the epilogue, as it adds a sum onto C. */
    @Override
    public void combineSlices(GemmCall call, int i0, int i1) {
        VectorEpilogue.finish(call.partial, i0 * call.n, call.n, i1 - i0, call.n, call, i0, 0,
                VectorEpilogue.mode(call) | VectorEpilogue.ACC);
    }

    /**
     * Copies rows {@code [i0, i1)} of op(A) = Aᵀ (A is [k,m]) into groups of {@link VectorTiles#A_GROUP} rows,
     * {@code A(i,p)} at {@code (g*k + p)*A_STRIDE + r} with {@code i = i0 + g*A_GROUP + r}; the k extra floats at
     * the end hold one leftover row for the single-row kernels. Each group row is one contiguous copy from A.
     */
    private static float[] packTransposedA(GemmCall call, int i0, int i1, Scratch scratch) {
        if (scratch.aPanelLabel().is(call.serial, i0, i1)) {
            // this thread's last part, in another column panel of the same rows (Gemm.split orders the cells row-major)
            return scratch.keptAPanel();
        }
        int k = call.k;
        int groups = (i1 - i0 + A_GROUP - 1) / A_GROUP;
        float[] dst = scratch.aPanel(groups * A_STRIDE * k + k);
        scratch.aPanelLabel().set(call.serial, i0, i1);
        for (int g = 0; g < groups; g++) {
            int from = i0 + g * A_GROUP;
            int len = Math.min(A_GROUP, i1 - from);
            for (int p = 0; p < k; p++) {
                System.arraycopy(call.a, call.aOff + p * call.m + from, dst, (g * k + p) * A_STRIDE, len);
            }
        }
        return dst;
    }

    /**
     * Columns {@code [j, j+w)} of C, where {@code w} is W (a panel), between L and W (a panel whose last columns are
     * zero padding, stored through the scratch tile) or at most L (a strip). op(B) is always
     * packed with a constant row stride (see {@link VectorTiles}); the copy is read by every row tile of the
     * part, so it costs little next to the products.
     */
    private static void columns(GemmCall call, int i0, int i1, int j, int w, Scratch scratch, float[] a,
                                float[] tile, float[][] packed) {
        float[] panel;
        if (packed != null) {
            panel = packed[VectorPackedB.index(j, call.n)];
        } else if (scratch.panelLabel().is(call.serial, j, w)) {
            panel = scratch.keptPanel(); // this thread's last part was in the same columns (see panelMajor)
        } else {
            int stride = w > L ? W : L; // a panel, possibly padded, or a strip
            panel = scratch.panel(call.k * stride);
            packPanel(call.b, call.bOff, call.transB, call.k, call.n, j, w, panel, stride);
            scratch.panelLabel().set(call.serial, j, w);
        }
        if (VECTORS == 2 && w == W && call.k > K_BLOCK) {
            panelRows(call, i0, i1, j, a, panel, scratch, K_BLOCK);
        } else {
            rows(call, i0, i1, j, w, a, panel, tile, scratch);
        }
    }

    /**
     * Rows {@code [i0, i1)} of a full panel at column {@code j} with the 4 x 2 tiles (A packed in row tiles), the panel's rows taken in blocks
     * of at most {@code depth}, each block once across all row tiles. With {@code depth} = {@link #K_BLOCK} < k a block
     * (16 KB) stays in L1 while the tiles read it, where the whole panel (784 x 16 floats for W1's first layer, 50 KB)
     * does not fit; with {@code depth} = k it is one pass, which {@link #rows} takes for a product added onto C.
     * The sums build up in C itself (no epilogue, or accumulating onto C: tiles whose accumulators start from C, no
     * scratch tile, no epilogue pass) or in a scratch strip that the epilogue then moves to C: the first block stores,
     * the others add onto it, so each sum takes its fma steps in the same order as unblocked, and the results are the
     * same bits.
     */
    private static void panelRows(GemmCall call, int i0, int i1, int j, float[] a, float[] b, Scratch scratch,
                                  int depth) {
        int k = call.k;
        int n = call.n;
        int mode = VectorEpilogue.mode(call);
        boolean intoC = mode == 0 || mode == VectorEpilogue.ACC;
        float[] d = intoC ? call.c : scratch.tile((i1 - i0) * W);
        int dStride = intoC ? n : W;
        // k = 0 (a product adding nothing onto C) runs no block; the max(1, ...) keep the divisions defined for it
        int rowsPerBlock = Math.max(1, depth);
        int blocks = Math.max(1, (k + rowsPerBlock - 1) / rowsPerBlock);
        int kc = Math.max(1, (k + blocks - 1) / blocks);
        for (int p0 = 0; p0 < k; p0 += kc) {
            int len = Math.min(kc, k - p0);
            boolean store = p0 == 0 && mode != VectorEpilogue.ACC;
            int bBase = p0 * W;
            int i = i0;
            for (; i + ROWS <= i1; i += ROWS) {
                int dBase = intoC ? call.cOff + i * n + j : (i - i0) * W;
                int row = rowStart(call, i);
                if (call.aTiles == null) {
                    if (store) {
                        TwoVectorTiles.tile4x2Strided(a, row + p0, k, b, bBase, len, d, dBase, dStride);
                    } else {
                        TwoVectorTiles.tile4x2AccStrided(a, row + p0, k, b, bBase, len, d, dBase, dStride);
                    }
                } else if (store) {
                    TwoVectorTiles.tile4x2(a, row + 4 * p0, b, bBase, len, d, dBase, dStride);
                } else {
                    TwoVectorTiles.tile4x2Acc(a, row + 4 * p0, b, bBase, len, d, dBase, dStride);
                }
            }
            for (; i < i1; i++) {
                int dBase = intoC ? call.cOff + i * n + j : (i - i0) * W;
                int aBase = rowStart(call, i) + p0;
                if (store) {
                    TwoVectorTiles.tile1x2(a, aBase, b, bBase, len, d, dBase);
                } else {
                    TwoVectorTiles.tile1x2Acc(a, aBase, b, bBase, len, d, dBase);
                }
            }
        }
        if (!intoC) {
            VectorEpilogue.finish(d, 0, W, i1 - i0, W, call, i0, j, mode);
        }
    }

    /**
     * Whether a product added onto C (a weight gradient: Aᵀ·B onto the L2 term, k = the batch) takes its full panels
     * row tiles outside, panels inside ({@link #rowsOuter}), when B is packed for the call and its panels are not taken
     * in k-blocks. {@code -Dnabla.gemm.rowsOuter=false} takes them panel by panel, each over all row tiles, as other
     * products do. Paired in one JVM against that, beside an A/A control (docs/benchmarks.md): TN 784 x 1,024 x 128
     * added onto C, one thread, 0.58-0.66 of the time; W1's 784 x 256 x 128, 0.97 on one thread and 0.72-1.03
     * (median 0.92) on two; 784 x 1,024 x 512, 0.92-0.98 on one thread, 0.92-1.02 on two; 256 x 128 x 128, 0.96-1.04.
     * The sums are the same bits either way: each element of C takes the same steps in the same order.
     */
    static final boolean ROWS_OUTER = !"false".equals(System.getProperty("nabla.gemm.rowsOuter"));

    /**
     * Panels a row tile of {@link #rowsOuter} visits before the next row tile: as many as fill {@code GROUP_FLOATS}
     * floats (128 KB, a quarter of L2) at the product's depth, so that the group's panels stay in L2 while every row
     * tile of the part reads them. W1's weight gradients (k = 128) take 16 panels at a time; at k = 512, 4.
     */
    static final int GROUP_FLOATS = 32 * 1024;

    /**
     * The full panels of {@code [j0, j1)} of a product added onto C, in groups of panels ({@link #GROUP_FLOATS}), each
     * group row tile by row tile: a row tile's A (4 x k floats) is read from L1 for every panel of the group, and its
     * rows of C are read and written along the row rather than one 64-byte piece per row and panel. Panel by panel,
     * each panel streamed all of A again from L2, and the tiles of C it visited lay 4 rows apart, a stride the
     * prefetchers do not follow. Returns the first column left (strips and padded panels go the usual way).
     */
    private static int rowsOuter(GemmCall call, int i0, int i1, int j0, int j1, float[] a, float[][] packed) {
        int k = call.k;
        int n = call.n;
        int jEnd = j0 + (j1 - j0) / W * W;
        int group = Math.max(1, GROUP_FLOATS / Math.max(1, k * W)) * W;
        for (int g0 = j0; g0 < jEnd; g0 += group) {
            int g1 = Math.min(jEnd, g0 + group);
            int i = i0;
            for (; i + ROWS <= i1; i += ROWS) {
                int row = rowStart(call, i);
                for (int j = g0; j < g1; j += W) {
                    TwoVectorTiles.tile4x2Acc(a, row, packed[VectorPackedB.index(j, n)], 0, k, call.c,
                            call.cOff + i * n + j, n);
                }
            }
            for (; i < i1; i++) {
                int row = rowStart(call, i);
                for (int j = g0; j < g1; j += W) {
                    TwoVectorTiles.tile1x2Acc(a, row, packed[VectorPackedB.index(j, n)], 0, k, call.c,
                            call.cOff + i * n + j);
                }
            }
        }
        return jEnd;
    }

    @Override
    public float[][] packB(float[] b, int bOff, boolean transB, int k, int n) {
        return VectorPackedB.pack(b, bOff, transB, k, n);
    }

    /**
     * Rows {@code [i0, i1)} of columns {@code [j, j+w)}; {@code a} is A itself or, for Aᵀ, its packed rows. The
     * 4-vector tiles store straight into C with no epilogue, or adding onto C with nothing else (their {@code Acc} forms,
     * whose sums start from C), else through the scratch tile and {@link VectorEpilogue}.
     */
    private static void rows(GemmCall call, int i0, int i1, int j, int w, float[] a, float[] b, float[] tile,
                             Scratch scratch) {
        int mode = VectorEpilogue.mode(call);
        if (mode == VectorEpilogue.ACC && VECTORS == 2 && w == W) {
            // added onto C from the tiles' own accumulators
            panelRows(call, i0, i1, j, a, b, scratch, call.k);
            return;
        }
        boolean acc = mode == VectorEpilogue.ACC && VECTORS == 4;
        boolean direct = (mode == 0 || acc) && (w == W || w == L);
        int i = i0;
        for (; i + ROWS <= i1; i += ROWS) {
            float[] d = direct ? call.c : tile;
            int dBase = direct ? call.cOff + i * call.n + j : 0;
            rowTile(call, i - i0, i, w > L, direct && acc, a, b, d, dBase, direct ? call.n : W);
            if (!direct) {
                VectorEpilogue.finish(tile, 0, W, ROWS, w, call, i, j, mode);
            }
        }
        for (; i < i1; i++) {
            float[] d = direct ? call.c : tile;
            int dBase = direct ? call.cOff + i * call.n + j : 0;
            int aBase = VECTORS == 2 ? rowStart(call, i) : call.transA ? leftoverRow(call, i, a) : call.aOff + i * call.k;
            if (w > L && VECTORS == 4) {
                if (direct && acc) {
                    VectorTiles.tile1x4Acc(a, aBase, b, 0, call.k, d, dBase);
                } else {
                    VectorTiles.tile1x4(a, aBase, b, 0, call.k, d, dBase);
                }
            } else if (w > L) {
                TwoVectorTiles.tile1x2(a, aBase, b, 0, call.k, d, dBase);
            } else if (direct && acc) {
                VectorTiles.tile1x1Acc(a, aBase, b, 0, call.k, d, dBase);
            } else {
                VectorTiles.tile1x1(a, aBase, b, 0, call.k, d, dBase);
            }
            if (!direct) {
                VectorEpilogue.finish(tile, 0, W, 1, w, call, i, j, mode);
            }
        }
    }

    /**
     * The {@link VectorTiles#ROWS}-row tile at row {@code i} ({@code ii = i - i0} into a packed Aᵀ); {@code acc}: its
     * sums start from {@code d} (the 4-vector tiles only).
     */
    private static void rowTile(GemmCall call, int ii, int i, boolean wide, boolean acc, float[] a, float[] b,
                                float[] d, int dBase, int dStride) {
        int k = call.k;
        if (VECTORS == 2) {
            int row = rowStart(call, i);
            if (call.aTiles == null) {
                if (wide) {
                    TwoVectorTiles.tile4x2Strided(a, row, k, b, 0, k, d, dBase, dStride);
                } else {
                    TwoVectorTiles.tile4x1Strided(a, row, k, b, k, d, dBase, dStride);
                }
            } else if (wide) {
                TwoVectorTiles.tile4x2(a, row, b, 0, k, d, dBase, dStride);
            } else {
                TwoVectorTiles.tile4x1(a, row, b, k, d, dBase, dStride);
            }
            return;
        }
        if (call.transA) {
            int aBase = packedRow(ii, k);
            if (wide && acc) {
                VectorTiles.tile5x4TAcc(a, aBase, b, 0, k, d, dBase, dStride);
            } else if (wide) {
                VectorTiles.tile5x4T(a, aBase, b, 0, k, d, dBase, dStride);
            } else if (acc) {
                VectorTiles.tile5x1TAcc(a, aBase, b, 0, k, d, dBase, dStride);
            } else {
                VectorTiles.tile5x1T(a, aBase, b, 0, k, d, dBase, dStride);
            }
            return;
        }
        int aBase = call.aOff + i * k;
        if (wide && acc) {
            VectorTiles.tile5x4Acc(a, aBase, k, b, 0, k, d, dBase, dStride);
        } else if (wide) {
            VectorTiles.tile5x4(a, aBase, k, b, 0, k, d, dBase, dStride);
        } else if (acc) {
            VectorTiles.tile5x1Acc(a, aBase, k, b, 0, k, d, dBase, dStride);
        } else {
            VectorTiles.tile5x1(a, aBase, k, b, 0, k, d, dBase, dStride);
        }
    }

    /** Where the 4 x 2 tiles' A holds row {@code i}: packed in row tiles ({@link VectorPackedA}) or read in place. */
    private static int rowStart(GemmCall call, int i) {
        return (call.aTiles != null ? 0 : call.aOff) + i * call.k;
    }

    /** Where row {@code ii} (counted from the first packed row) of a packed Aᵀ starts, as the T kernels read it. */
    private static int packedRow(int ii, int k) {
        return (ii / A_GROUP * k) * A_STRIDE + ii % A_GROUP;
    }

    /** Copies row {@code i} of Aᵀ into the tail of the packed panel {@code a}; returns where it starts. */
    private static int leftoverRow(GemmCall call, int i, float[] a) {
        int k = call.k;
        int to = a.length - k;
        for (int p = 0; p < k; p++) {
            a[to + p] = call.a[call.aOff + p * call.m + i];
        }
        return to;
    }

    /** Copies columns {@code [j, j+w)} of op(B) into {@code panel[p * stride + jj]}, zero beyond {@code w}. */
    static void packPanel(float[] b, int bOff, boolean transB, int k, int n, int j, int w, float[] panel, int stride) {
        if (transB) {
            packTransposed(b, bOff + j * k, k, w, panel, stride);
        } else {
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, bOff + p * n + j, panel, p * stride, w);
            }
        }
        if (w < stride) {
            for (int p = 0; p < k; p++) {
                Arrays.fill(panel, p * stride + w, p * stride + stride, 0f);
            }
        }
    }

    /**
     * Copies {@code w} rows of length {@code k} (a slice of B[n,k]) into {@code dst[p * stride + j]}, four rows by four
     * columns at a time through sixteen locals, the edges one float at a time. W1's 128 x 64 transposed panels took
     * 2.0 µs this way, 2.6 gathered with {@code FloatVector.fromArray(..., int[] indexMap, ...)} and 5.0 copied float by
     * float. The gather is not used because JDK 17 inlines its intrinsic only when C2 also inlines
     * {@code IntVector.species}, which depends on the profile: in about one JVM in fifteen it fell back to Java code that
     * allocates on every call (docs/benchmarks.md, "The gather fell back to allocating Java code").
     */
    private static void packTransposed(float[] b, int from, int k, int w, float[] dst, int stride) {
        int j = 0;
        for (; j + 4 <= w; j += 4) {
            int row = from + j * k;
            int p = 0;
            for (; p + 4 <= k; p += 4) {
                int s0 = row + p;
                int s1 = s0 + k;
                int s2 = s1 + k;
                int s3 = s2 + k;
                float a00 = b[s0], a01 = b[s0 + 1], a02 = b[s0 + 2], a03 = b[s0 + 3];
                float a10 = b[s1], a11 = b[s1 + 1], a12 = b[s1 + 2], a13 = b[s1 + 3];
                float a20 = b[s2], a21 = b[s2 + 1], a22 = b[s2 + 2], a23 = b[s2 + 3];
                float a30 = b[s3], a31 = b[s3 + 1], a32 = b[s3 + 2], a33 = b[s3 + 3];
                int d = p * stride + j;
                dst[d] = a00;
                dst[d + 1] = a10;
                dst[d + 2] = a20;
                dst[d + 3] = a30;
                d += stride;
                dst[d] = a01;
                dst[d + 1] = a11;
                dst[d + 2] = a21;
                dst[d + 3] = a31;
                d += stride;
                dst[d] = a02;
                dst[d + 1] = a12;
                dst[d + 2] = a22;
                dst[d + 3] = a32;
                d += stride;
                dst[d] = a03;
                dst[d + 1] = a13;
                dst[d + 2] = a23;
                dst[d + 3] = a33;
            }
            for (; p < k; p++) {
                for (int jj = 0; jj < 4; jj++) {
                    dst[p * stride + j + jj] = b[row + jj * k + p];
                }
            }
        }
        for (; j < w; j++) {
            int src = from + j * k;
            for (int p = 0; p < k; p++) {
                dst[p * stride + j] = b[src + p];
            }
        }
    }

    /** Lanes per vector, for tests that aim at the edges. */
    static int lanes() {
        return L;
    }
}
