package dev.nabla.runtime.kernels;

import static dev.nabla.runtime.kernels.VectorConvTiles.GR;
import static dev.nabla.runtime.kernels.VectorConvTiles.L;
import static dev.nabla.runtime.kernels.VectorConvTiles.S;
import static dev.nabla.runtime.kernels.VectorConvTiles.TW;
import static dev.nabla.runtime.kernels.VectorTypes.EXACT;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Vector API convolution (loaded only when {@code jdk.incubator.vector} is present). Vectors run along an image's
 * output positions, never along channels (1 to 16 in the networks served). Each operation is a matrix product per
 * image, over the column matrix {@code col[k][p]} (k = (c, i, j) a tap, p an output position), computed in the
 * register tiles of {@link VectorConvTiles}:
 * <ul>
 *   <li>forward: {@code y[o][p] = act(bias[o] + W[o][k] * col[k][p])}, bias and ReLU fused into the store;</li>
 *   <li>input gradient: {@code dcol[k][p] = W^T[k][o] * g[o][p]}, each value added back to the input position it
 *       was read from;</li>
 *   <li>filter gradient: {@code dW[o][k] = sum_p g[o][p] * col[k][p]}, per-lane sums carried over the images of a
 *       chunk, summed over lanes once at its end.</li>
 * </ul>
 * Two formulations:
 * <ul>
 *   <li>in place ({@link #readsInPlace}: stride 1 along rows, no padding reached, output rows a whole number of
 *       vectors; both convolutions of W2 on AVX2): the vectors of col are read straight from x, and the input
 *       gradient is added straight into dx, through tables of tap offsets and output-vector offsets. Nothing is
 *       copied;</li>
 *   <li>packed (any geometry): col is packed into per-thread panels, output positions
 *       {@link VectorConvTiles#TW} at a time (see {@link Tiling}), and the input gradient goes through a dcol panel
 *       added back segment by segment ("col2im").</li>
 * </ul>
 * Packing the column matrix is the cost the in-place form removes: about one vector copy per 8 multiply-adds for
 * these small layers, and on this machine a short vector copy took 1-2.5 ns (a 4 x 2 tile step about 2): the
 * packed forward pass of the second W2 layer ran at 13-24 GFLOP/s, the in-place one at 28-36 (same session).
 *
 * <p>Lane sums are taken in a fixed (pairwise) order by scalar code, never by {@code reduceLanes}, whose order may
 * differ between the interpreter and compiled code: a chunk's result must not depend on the thread (or compilation
 * state) that computed it.
 */
final class VectorConv2d implements Conv2dKernel {

    static final VectorConv2d INSTANCE = new VectorConv2d();

    /**
     * Floats of g (and of each column row) per group of images in the packed filter gradient: small groups keep the
     * g rows and the 2 column rows of a group in L1 cache, while each dot-product tile still runs over enough
     * positions to pay for loading and storing its accumulators.
     */
    static final int GROUP_FLOATS = 256;
    /**
     * The same for the in-place filter gradient, which packs only g: a tile reads 4 g rows of this many floats (8 KB)
     * per group; with 8 x 8 outputs a group is 8 images, half a chunk. For the second W2 layer 512 ran at 44% of the
     * core's peak, 256 at 43%, 1024 at 39% and 2048 at 39% (one session).
     */
    static final int GROUP_FLOATS_IN_PLACE = 512;
    /**
     * Largest per-lane accumulator array of the filter gradient ({@code o * k * L} floats) kept for a whole chunk;
     * larger layers sum the lanes of each tile after every group instead.
     */
    static final int MAX_CHUNK_ACC = 1 << 20;
    /** The limit in force; tests lower it to reach the per-group path with small layers. */
    static volatile int maxChunkAcc = MAX_CHUNK_ACC;
    /** Whether calls may take the in-place formulation; tests turn it off to reach the packed one. */
    static volatile boolean inPlace = true;
    /** Floats of packed panels per band: bounds the per-thread buffer and keeps it in the L2 cache. */
    static final int BAND_FLOATS = 1 << 14;

    // Per-thread scratch slots (Scratch.conv).
    private static final int SLOT_PANEL = 0;
    private static final int SLOT_OUT = 1;
    private static final int SLOT_G = 2;
    private static final int SLOT_ACC = 3;

    private static final ThreadLocal<Tiling> TILINGS = ThreadLocal.withInitial(Tiling::new);

    private VectorConv2d() {
    }

    @Override
    public String name() {
        return "vector";
    }

    /**
     * Rearranges the weights once per call, on the caller's thread: the 4-row tiles read their left operand as
     * {@code a[aBase + 4p + r]}. Forward: blocks of 4 output channels. Input gradient: the transpose
     * {@code W^T[k][o]} (rows of the 1-row tiles) and blocks of 4 of its rows: 4 channels at one tap in place, 4
     * consecutive k when packed.
     */
    @Override
    public void prepare(Conv2dCall q, int op) {
        int k = q.k;
        int o = q.o;
        Scratch scratch = Scratch.current();
        if (op == Conv2d.FORWARD) {
            int blocks = o / 4;
            float[] wp = scratch.conv(Conv2d.SLOT_CALL_A, blocks * 4 * k);
            for (int ob = 0; ob < blocks; ob++) {
                for (int p = 0; p < k; p++) {
                    for (int r = 0; r < 4; r++) {
                        wp[(ob * k + p) * 4 + r] = q.weight[(ob * 4 + r) * k + p];
                    }
                }
            }
            q.packedA = wp;
        } else if (op == Conv2d.INPUT_GRAD) {
            float[] wt = scratch.conv(Conv2d.SLOT_CALL_B, k * o);
            for (int oo = 0; oo < o; oo++) {
                for (int kk = 0; kk < k; kk++) {
                    wt[kk * o + oo] = q.weight[oo * k + kk];
                }
            }
            q.packedB = wt;
            if (readsInPlace(q)) {
                int taps = q.kh * q.kw;
                int blocks = q.c / 4;
                float[] wp = scratch.conv(Conv2d.SLOT_CALL_A, taps * blocks * o * 4);
                for (int tap = 0; tap < taps; tap++) {
                    for (int cb = 0; cb < blocks; cb++) {
                        for (int oo = 0; oo < o; oo++) {
                            for (int r = 0; r < 4; r++) {
                                wp[((tap * blocks + cb) * o + oo) * 4 + r] = wt[((cb * 4 + r) * taps + tap) * o + oo];
                            }
                        }
                    }
                }
                q.packedA = wp;
            } else {
                int blocks = k / 4;
                float[] wp = scratch.conv(Conv2d.SLOT_CALL_A, blocks * o * 4);
                for (int kb = 0; kb < blocks; kb++) {
                    for (int oo = 0; oo < o; oo++) {
                        for (int r = 0; r < 4; r++) {
                            wp[(kb * o + oo) * 4 + r] = wt[(kb * 4 + r) * o + oo];
                        }
                    }
                }
                q.packedA = wp;
            }
        }
    }

    @Override
    public void forward(Conv2dCall q, int b0, int b1) {
        if (readsInPlace(q)) {
            forwardInPlace(q, b0, b1);
        } else {
            forwardPacked(q, b0, b1);
        }
    }

    @Override
    public void inputGrad(Conv2dCall q, int b0, int b1) {
        if (readsInPlace(q)) {
            inputGradInPlace(q, b0, b1);
        } else {
            inputGradPacked(q, b0, b1);
        }
    }

    @Override
    public void filterGrad(Conv2dCall q, int b0, int b1, float[] out, int off) {
        if (readsInPlace(q)) {
            filterGradInPlace(q, b0, b1, out, off);
        } else {
            filterGradPacked(q, b0, b1, out, off);
        }
    }

    // ---------------------------------------------------------------- in place

    /**
     * Whether the vectors of a call's column matrix can be read straight from x (and dx): every output row is a whole
     * number of vectors ({@code ow % L == 0}) and each vector of L outputs meets, for each tap, L consecutive input
     * elements inside the input (stride 1 along rows, no padding reached). The vector of tap k at output vector s is
     * then {@code x[xImg + koff[k] + src[s] ..]}.
     */
    static boolean readsInPlace(Conv2dCall q) {
        return inPlace && q.sw == 1 && q.pw == 0 && q.ph == 0 && q.ow % L == 0
                && (long) (q.ow - 1) + (long) (q.kw - 1) * q.dw <= q.w - 1
                && (long) (q.oh - 1) * q.sh + (long) (q.kh - 1) * q.dh <= q.h - 1;
    }

    /**
     * {@code y[o][s] = bias[o] + sum_k W[o][k] * x[koff[k] + src[s]]}: tiles of 4 output channels by 2 output
     * vectors (a row's outputs are consecutive, so a tile's two vectors are stored side by side). One call per tile:
     * a kernel looping over the tiles of an image ({@code dmm4x2n}, tried) kept more values live, spilled integer
     * registers in its inner loop and ran at 58 GFLOP/s against 75 (second W2 layer, same session).
     */
    private static void forwardInPlace(Conv2dCall q, int b0, int b1) {
        int k = q.k;
        int p = q.p;
        int o = q.o;
        int blocks = o / 4;
        int nvec = p / L;
        int[] koff = tapOffsets(q);
        int[] src = vectorSources(q);
        float[] wp = q.packedA;
        float[] w = q.weight;
        float[] x = q.x;
        float[] y = q.y;
        float[] bias = q.bias;
        boolean relu = q.relu;
        for (int b = b0; b < b1; b++) {
            int xImg = b * q.c * q.hw;
            int yImg = b * o * p;
            for (int s = 0; s < nvec; s += 2) {
                boolean two = s + 1 < nvec;
                int s0 = xImg + src[s];
                int s1 = two ? xImg + src[s + 1] : s0;
                int d = yImg + s * L;
                for (int ob = 0; ob < blocks; ob++) {
                    int r = ob * 4;
                    float c0 = bias == null ? 0f : bias[r];
                    float c1 = bias == null ? 0f : bias[r + 1];
                    float c2 = bias == null ? 0f : bias[r + 2];
                    float c3 = bias == null ? 0f : bias[r + 3];
                    if (two) {
                        VectorConvTiles.dmm4x2(wp, r * k, k, koff, x, s0, s1, c0, c1, c2, c3, relu, y, d + r * p, p);
                    } else {
                        VectorConvTiles.dmm4x1(wp, r * k, k, koff, x, s0, c0, c1, c2, c3, relu, y, d + r * p, p);
                    }
                }
                for (int r = blocks * 4; r < o; r++) {
                    float c0 = bias == null ? 0f : bias[r];
                    if (two) {
                        VectorConvTiles.dmm1x2(w, r * k, k, koff, x, s0, s1, c0, relu, y, d + r * p, p);
                    } else {
                        VectorConvTiles.dmm1x1(w, r * k, k, koff, x, s0, c0, relu, y, d + r * p, p);
                    }
                }
            }
        }
    }

    /**
     * {@code dx[koff[k] + src[s] ..] += sum_o W[o][k] * g[o][s]}: the products of {@link #forwardInPlace} transposed,
     * tiles of 4 input channels (one tap) by 2 output vectors added straight into dx, all the taps of a tile's
     * channels in one call. Four channels rather than four neighbouring taps per tile keep the 8 vectors a tile adds
     * to dx apart: taps (i, j) and (i, j+1) add to vectors one float apart, and a load that partly overlaps a store
     * still in flight waits until it is written.
     */
    private static void inputGradInPlace(Conv2dCall q, int b0, int b1) {
        int p = q.p;
        int o = q.o;
        int c = q.c;
        int hw = q.hw;
        int taps = q.kh * q.kw;
        int blocks = c / 4;
        int nvec = p / L;
        int[] koff = tapOffsets(q);
        int[] src = vectorSources(q);
        float[] wp = q.packedA;
        float[] wt = q.packedB;
        float[] gT = Scratch.current().conv(SLOT_G, o * p);
        float[] dx = q.dx;
        int vs = o * L;
        for (int b = b0; b < b1; b++) {
            int xImg = b * c * hw;
            zero(dx, xImg, c * hw);
            // g of the image as [s][o][L]: the o vectors a tile steps through are consecutive (affine index).
            for (int oo = 0; oo < o; oo++) {
                int from = (b * o + oo) * p;
                for (int t = 0; t < nvec; t++) {
                    FloatVector.fromArray(S, q.g, from + t * L).intoArray(gT, (t * o + oo) * L);
                }
            }
            for (int s = 0; s < nvec; s += 2) {
                boolean two = s + 1 < nvec;
                int s0 = src[s];
                int s1 = two ? src[s + 1] : s0;
                int gb = s * vs;
                if (two) {
                    for (int cb = 0; cb < blocks; cb++) {
                        VectorConvTiles.dacc4x2n(wp, cb * o * 4, blocks * o * 4, o, gT, gb, vs, dx, xImg + cb * 4 * hw,
                                hw, koff, taps, s0, s1);
                    }
                }
                for (int tap = 0; tap < taps; tap++) {
                    if (!two) {
                        for (int cb = 0; cb < blocks; cb++) {
                            int a = (tap * blocks + cb) * o * 4;
                            VectorConvTiles.dacc4x1(wp, a, o, gT, gb, vs, dx, xImg + koff[cb * 4 * taps + tap], hw, s0);
                        }
                    }
                    for (int cc = blocks * 4; cc < c; cc++) {
                        int a = (cc * taps + tap) * o;
                        int d = xImg + koff[cc * taps + tap];
                        if (two) {
                            VectorConvTiles.dacc1x2(wt, a, o, gT, gb, vs, dx, d, hw, s0, s1);
                        } else {
                            VectorConvTiles.dacc1x1(wt, a, o, gT, gb, vs, dx, d, hw, s0);
                        }
                    }
                }
            }
        }
    }

    /**
     * The filter gradient with x read in place: tiles of 4 output channels by 2 taps of per-lane dot products over
     * the output vectors of a group of images. The group's g is copied as {@code [o/4][s][4][L]} (the 4 rows of a
     * tile side by side, 1/(2k) floats per multiply-add) and a table gives the input offset of every output vector of
     * the group, so that a tile is one loop over the whole group. The channels are padded to a multiple of 4 with
     * zero rows and the taps to a multiple of 2 (the missing tap repeats the last): one kernel serves every shape, so
     * no rarely used variant runs for long in a profiling tier of the JIT, where Vector API code allocates. The
     * per-lane sums of a tile last for the whole chunk when it is one group (summed over lanes at the tile's end), or
     * are kept for all (o, k) pairs until the chunk's end when it takes several groups.
     */
    private static void filterGradInPlace(Conv2dCall q, int b0, int b1, float[] out, int off) {
        int k = q.k;
        int p = q.p;
        int o = q.o;
        int o4 = (o + 3) / 4 * 4;
        int k2 = (k + 1) / 2 * 2;
        int chw = q.c * q.hw;
        int nvec = p / L;
        int group = Math.max(1, Math.min(Conv2d.CHUNK, GROUP_FLOATS_IN_PLACE / p));
        int images = b1 - b0;
        boolean wholeChunk = images > group && (long) o4 * k2 * L <= maxChunkAcc;
        int[] koff = tapOffsets(q);
        int[] src = groupSources(q, Math.min(group, images));
        Scratch scratch = Scratch.current();
        int accLen = wholeChunk ? o4 * k2 * L : 8 * L;
        float[] acc = scratch.conv(SLOT_ACC, accLen + o * L);
        float[] gBuf = scratch.conv(SLOT_G, o4 * group * p);
        zero(acc, 0, accLen + o * L);
        zero(out, off, o * k);
        float[] x = q.x;
        for (int g0 = b0; g0 < b1; g0 += group) {
            int gc = Math.min(group, b1 - g0);
            int steps = gc * nvec;
            int xImg = g0 * chw;
            packG(q, g0, gc, o4, gBuf);
            if (q.dbias != null) {
                biasSumsInPlace(q, g0, gc, acc, accLen);
            }
            for (int o0 = 0; o0 < o4; o0 += 4) {
                int gb = o0 * steps * L;
                for (int k0 = 0; k0 < k; k0 += 2) {
                    int x0 = xImg + koff[k0];
                    int x1 = k0 + 1 < k ? xImg + koff[k0 + 1] : x0;
                    int accBase = wholeChunk ? (o0 * k2 + k0) * L : 0;
                    int accRs = wholeChunk ? k2 * L : 2 * L;
                    VectorConvTiles.ddot4x2(gBuf, gb, x, x0, x1, src, steps, acc, accBase, accRs);
                    if (!wholeChunk) {
                        flushTile(acc, Math.min(4, o - o0), Math.min(2, k - k0), out, off + o0 * k + k0, k);
                    }
                }
            }
        }
        finishChunk(q, acc, wholeChunk, accLen, out, off);
    }

    /**
     * Copies g of images {@code [g0, g0+gc)} for the in-place dot-product tiles: each block of 4 output channels as
     * {@code [s][4][L]} (the 4 vectors of a step side by side, one index for all), s running over the output vectors
     * of the images in order; channels {@code o .. o4} are zero rows.
     */
    private static void packG(Conv2dCall q, int g0, int gc, int o4, float[] gBuf) {
        int o = q.o;
        int p = q.p;
        int nvec = p / L;
        int steps = gc * nvec;
        FloatVector z = FloatVector.zero(S);
        for (int oo = 0; oo < o4; oo++) {
            int base = (oo / 4) * steps * GR + (oo % 4) * L;
            if (oo >= o) {
                for (int t = 0; t < steps; t++) {
                    z.intoArray(gBuf, base + t * GR);
                }
                continue;
            }
            for (int im = 0; im < gc; im++) {
                int from = ((g0 + im) * o + oo) * p;
                int to = base + im * nvec * GR;
                for (int t = 0; t < nvec; t++) {
                    FloatVector.fromArray(S, q.g, from + t * L).intoArray(gBuf, to + t * GR);
                }
            }
        }
    }

    /**
     * Adds g of images {@code [g0, g0+gc)} into the per-lane bias sums {@code acc[accOff + o*L ..]}, one row at a
     * time (a vector carried around two nested loops would be boxed by C2).
     */
    private static void biasSumsInPlace(Conv2dCall q, int g0, int gc, float[] acc, int accOff) {
        int o = q.o;
        int p = q.p;
        for (int oo = 0; oo < o; oo++) {
            for (int im = 0; im < gc; im++) {
                addRow(q.g, ((g0 + im) * o + oo) * p, p, acc, accOff + oo * L);
            }
        }
    }

    /** {@code acc[at .. at+L) += } the sum of the vectors of {@code a[from .. from+n)} ({@code n % L == 0}). */
    private static void addRow(float[] a, int from, int n, float[] acc, int at) {
        FloatVector sum = FloatVector.fromArray(S, acc, at);
        for (int t = 0; t < n; t += L) {
            sum = EXACT.cast(sum).add(FloatVector.fromArray(S, a, from + t));
        }
        EXACT.cast(sum).intoArray(acc, at);
    }

    /**
     * A chunk's lane sums: of every (o, k) pair if they were kept for the whole chunk ({@code [o4][k2][L]}, padded),
     * and of the bias.
     */
    private static void finishChunk(Conv2dCall q, float[] acc, boolean wholeChunk, int accLen, float[] out, int off) {
        int k = q.k;
        int k2 = (k + 1) / 2 * 2;
        int ok = q.o * k;
        if (wholeChunk) {
            for (int oo = 0; oo < q.o; oo++) {
                for (int kk = 0; kk < k; kk++) {
                    out[off + oo * k + kk] = laneSum(acc, (oo * k2 + kk) * L);
                }
            }
        }
        if (q.dbias != null) {
            for (int oo = 0; oo < q.o; oo++) {
                out[off + ok + oo] = laneSum(acc, accLen + oo * L);
            }
        }
    }

    /** Offsets of the taps in an image, {@code koff[(c, i, j)] = c*h*w + i*dh*w + j*dw}, in this thread's scratch. */
    private static int[] tapOffsets(Conv2dCall q) {
        int[] koff = Scratch.current().convInts(0, q.k);
        int kk = 0;
        for (int cc = 0; cc < q.c; cc++) {
            for (int i = 0; i < q.kh; i++) {
                for (int j = 0; j < q.kw; j++) {
                    koff[kk++] = cc * q.hw + i * q.dh * q.w + j * q.dw;
                }
            }
        }
        return koff;
    }

    /** Input offset of the first output of each output vector: {@code src[s] = oy*sh*w + ox}, s = (oy*ow + ox) / L. */
    private static int[] vectorSources(Conv2dCall q) {
        int perRow = q.ow / L;
        int[] src = Scratch.current().convInts(1, q.oh * perRow);
        int s = 0;
        for (int oy = 0; oy < q.oh; oy++) {
            for (int v = 0; v < perRow; v++) {
                src[s++] = oy * q.sh * q.w + v * L;
            }
        }
        return src;
    }

    /**
     * Input offsets of the output vectors of {@code images} consecutive images, relative to the first one's input:
     * {@code src[im*nvec + s] = im*c*h*w + (s's output row)*sh*w + (s's first column)}.
     */
    private static int[] groupSources(Conv2dCall q, int images) {
        int perRow = q.ow / L;
        int nvec = q.oh * perRow;
        int chw = q.c * q.hw;
        int[] src = Scratch.current().convInts(1, images * nvec);
        int t = 0;
        for (int im = 0; im < images; im++) {
            for (int oy = 0; oy < q.oh; oy++) {
                for (int v = 0; v < perRow; v++) {
                    src[t++] = im * chw + oy * q.sh * q.w + v * L;
                }
            }
        }
        return src;
    }

    // ---------------------------------------------------------------- packed

    /**
     * How an image's output positions are cut into panels of at most {@link VectorConvTiles#TW} consecutive
     * positions made of whole row segments: {@code rowsPer} whole output rows per panel when a row fits
     * ({@code piece = ow}, {@code pieces = 1}), else pieces of {@code piece = TW} columns of one row. Panels are
     * filled and used in bands of {@code bandRows} output rows, all panels of a band packed side by side (each
     * {@code tileStride} floats: its k rows of TW, then L floats of slack for the last row's spill), so that each
     * column row is filled for a whole band in one pass (a call per row and panel cost more than the copies).
     */
    private static final class Tiling {
        int rowsPer;
        int piece;
        int pieces;
        int tileStride;
        int bandRows;

        Tiling set(Conv2dCall q) {
            int ow = q.ow;
            rowsPer = ow <= TW ? TW / ow : 1;
            piece = Math.min(ow, TW);
            pieces = (ow + piece - 1) / piece;
            tileStride = q.k * TW + L;
            int bandTiles = Math.max(1, BAND_FLOATS / tileStride);
            bandRows = pieces == 1 ? bandTiles * rowsPer : Math.max(1, bandTiles / pieces);
            return this;
        }

        /** Panels of a band of at most bandRows rows. */
        int tiles() {
            return pieces == 1 ? (bandRows + rowsPer - 1) / rowsPer : bandRows * pieces;
        }
    }

    /** The forward pass through packed column panels: any geometry. */
    private static void forwardPacked(Conv2dCall q, int b0, int b1) {
        int k = q.k;
        int p = q.p;
        int o = q.o;
        int ow = q.ow;
        int blocks = o / 4;
        Tiling tl = TILINGS.get().set(q);
        Scratch scratch = Scratch.current();
        float[] panel = scratch.conv(SLOT_PANEL, tl.tiles() * tl.tileStride);
        float[] tile = scratch.conv(SLOT_OUT, 4 * TW);
        float[] wp = q.packedA;
        float[] w = q.weight;
        float[] bias = q.bias;
        boolean relu = q.relu;
        for (int b = b0; b < b1; b++) {
            int xImg = b * q.c * q.hw;
            int yImg = b * o * p;
            for (int r0 = 0; r0 < q.oh; r0 += tl.bandRows) {
                int r1 = Math.min(q.oh, r0 + tl.bandRows);
                fillBand(q, xImg, r0, r1, tl, panel);
                int bBase = 0;
                for (int oy0 = r0; oy0 < r1; oy0 += tl.rowsPer) {
                    int rows = Math.min(tl.rowsPer, r1 - oy0);
                    for (int ox0 = 0; ox0 < ow; ox0 += tl.piece, bBase += tl.tileStride) {
                        int n = rows * Math.min(tl.piece, ow - ox0);
                        int p0 = oy0 * ow + ox0;
                        boolean two = n > L;
                        boolean direct = n == (two ? 2 * L : L);
                        for (int ob = 0; ob < blocks; ob++) {
                            int r = ob * 4;
                            float c0 = bias == null ? 0f : bias[r];
                            float c1 = bias == null ? 0f : bias[r + 1];
                            float c2 = bias == null ? 0f : bias[r + 2];
                            float c3 = bias == null ? 0f : bias[r + 3];
                            float[] d = direct ? q.y : tile;
                            int dBase = direct ? yImg + r * p + p0 : 0;
                            int ds = direct ? p : TW;
                            if (two) {
                                VectorConvTiles.mm4x2(wp, r * k, k, panel, bBase, c0, c1, c2, c3, relu, d, dBase, ds);
                            } else {
                                VectorConvTiles.mm4x1(wp, r * k, k, panel, bBase, c0, c1, c2, c3, relu, d, dBase, ds);
                            }
                            if (!direct) {
                                for (int rr = 0; rr < 4; rr++) {
                                    System.arraycopy(tile, rr * TW, q.y, yImg + (r + rr) * p + p0, n);
                                }
                            }
                        }
                        for (int r = blocks * 4; r < o; r++) {
                            float c0 = bias == null ? 0f : bias[r];
                            float[] d = direct ? q.y : tile;
                            int dBase = direct ? yImg + r * p + p0 : 0;
                            if (two) {
                                VectorConvTiles.mm1x2(w, r * k, k, panel, bBase, c0, relu, d, dBase, p);
                            } else {
                                VectorConvTiles.mm1x1(w, r * k, k, panel, bBase, c0, relu, d, dBase, p);
                            }
                            if (!direct) {
                                System.arraycopy(tile, 0, q.y, yImg + r * p + p0, n);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs the column rows of output rows {@code [r0, r1)} of the image at {@code x[xImg]} into the band's panels:
     * panel t (t-th of the band), column row k, at {@code panel[t*tileStride + k*TW ..]}. Written k by k and within a
     * k in increasing addresses, so that each segment's spill is overwritten later or lands in slack. The columns
     * past the last position of a narrower panel hold leftovers: they only reach outputs that are not stored.
     */
    private static void fillBand(Conv2dCall q, int xImg, int r0, int r1, Tiling tl, float[] panel) {
        float[] x = q.x;
        int ow = q.ow;
        int kk = 0;
        for (int cc = 0; cc < q.c; cc++) {
            int xc = xImg + cc * q.hw;
            for (int i = 0; i < q.kh; i++) {
                int iy0 = r0 * q.sh + i * q.dh - q.ph;
                for (int j = 0; j < q.kw; j++, kk++) {
                    int jOff = j * q.dw - q.pw;
                    int iy = iy0;
                    int d = kk * TW;
                    if (tl.pieces == 1) {
                        int inTile = 0;
                        int tileBase = d;
                        for (int oy = r0; oy < r1; oy++, iy += q.sh) {
                            segment(q, x, xc, iy, jOff, ow, panel, d);
                            d += ow;
                            if (++inTile == tl.rowsPer) {
                                inTile = 0;
                                tileBase += tl.tileStride;
                                d = tileBase;
                            }
                        }
                    } else {
                        for (int oy = r0; oy < r1; oy++, iy += q.sh) {
                            for (int ox0 = 0; ox0 < ow; ox0 += tl.piece, d += tl.tileStride) {
                                segment(q, x, xc, iy, ox0 * q.sw + jOff, Math.min(tl.piece, ow - ox0), panel, d);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The input gradient through packed panels and col2im: any geometry. */
    private static void inputGradPacked(Conv2dCall q, int b0, int b1) {
        int k = q.k;
        int p = q.p;
        int o = q.o;
        int ow = q.ow;
        int blocks = k / 4;
        Tiling tl = TILINGS.get().set(q);
        Scratch scratch = Scratch.current();
        float[] gp = scratch.conv(SLOT_G, o * TW + L);
        float[] dcol = scratch.conv(SLOT_OUT, tl.tiles() * tl.tileStride);
        float[] wp = q.packedA;
        float[] wt = q.packedB;
        int chw = q.c * q.hw;
        for (int b = b0; b < b1; b++) {
            int xImg = b * chw;
            zero(q.dx, xImg, chw);
            for (int r0 = 0; r0 < q.oh; r0 += tl.bandRows) {
                int r1 = Math.min(q.oh, r0 + tl.bandRows);
                int dBase = 0;
                for (int oy0 = r0; oy0 < r1; oy0 += tl.rowsPer) {
                    int rows = Math.min(tl.rowsPer, r1 - oy0);
                    for (int ox0 = 0; ox0 < ow; ox0 += tl.piece, dBase += tl.tileStride) {
                        int n = rows * Math.min(tl.piece, ow - ox0);
                        int p0 = oy0 * ow + ox0;
                        boolean two = n > L;
                        for (int oo = 0; oo < o; oo++) {
                            copySpill(q.g, (b * o + oo) * p + p0, gp, oo * TW, n);
                        }
                        for (int kb = 0; kb < blocks; kb++) {
                            int d = dBase + kb * 4 * TW;
                            if (two) {
                                VectorConvTiles.mm4x2(wp, kb * o * 4, o, gp, 0, 0f, 0f, 0f, 0f, false, dcol, d, TW);
                            } else {
                                VectorConvTiles.mm4x1(wp, kb * o * 4, o, gp, 0, 0f, 0f, 0f, 0f, false, dcol, d, TW);
                            }
                        }
                        for (int kk = blocks * 4; kk < k; kk++) {
                            int d = dBase + kk * TW;
                            if (two) {
                                VectorConvTiles.mm1x2(wt, kk * o, o, gp, 0, 0f, false, dcol, d, TW);
                            } else {
                                VectorConvTiles.mm1x1(wt, kk * o, o, gp, 0, 0f, false, dcol, d, TW);
                            }
                        }
                    }
                }
                addBand(q, xImg, r0, r1, tl, dcol);
            }
        }
    }

    /** The adjoint of {@link #fillBand}: adds the band's dcol panels into the image's dx at {@code dx[xImg]}. */
    private static void addBand(Conv2dCall q, int xImg, int r0, int r1, Tiling tl, float[] dcol) {
        float[] dx = q.dx;
        int ow = q.ow;
        int kk = 0;
        for (int cc = 0; cc < q.c; cc++) {
            int xc = xImg + cc * q.hw;
            for (int i = 0; i < q.kh; i++) {
                int iy0 = r0 * q.sh + i * q.dh - q.ph;
                for (int j = 0; j < q.kw; j++, kk++) {
                    int jOff = j * q.dw - q.pw;
                    int iy = iy0;
                    int s = kk * TW;
                    if (tl.pieces == 1) {
                        int inTile = 0;
                        int tileBase = s;
                        for (int oy = r0; oy < r1; oy++, iy += q.sh) {
                            addSegment(q, dcol, s, dx, xc, iy, jOff, ow);
                            s += ow;
                            if (++inTile == tl.rowsPer) {
                                inTile = 0;
                                tileBase += tl.tileStride;
                                s = tileBase;
                            }
                        }
                    } else {
                        for (int oy = r0; oy < r1; oy++, iy += q.sh) {
                            for (int ox0 = 0; ox0 < ow; ox0 += tl.piece, s += tl.tileStride) {
                                addSegment(q, dcol, s, dx, xc, iy, ox0 * q.sw + jOff, Math.min(tl.piece, ow - ox0));
                            }
                        }
                    }
                }
            }
        }
    }

    /** The filter gradient through packed column rows: any geometry (padded as {@link #filterGradInPlace}). */
    private static void filterGradPacked(Conv2dCall q, int b0, int b1, float[] out, int off) {
        int k = q.k;
        int p = q.p;
        int o = q.o;
        int o4 = (o + 3) / 4 * 4;
        int k2 = (k + 1) / 2 * 2;
        int pPad = (p + L - 1) / L * L;
        int group = Math.max(1, Math.min(Conv2d.CHUNK, GROUP_FLOATS / pPad));
        int images = b1 - b0;
        boolean wholeChunk = images > group && (long) o4 * k2 * L <= maxChunkAcc;
        Scratch scratch = Scratch.current();
        float[] gBuf = scratch.conv(SLOT_G, o4 * group * pPad + L);
        float[] col = scratch.conv(SLOT_PANEL, 2 * group * pPad + L);
        // Per-lane sums: of the whole chunk ([o4][k2][L], then the bias's [o][L]) or of one tile ([4][2][L]).
        int accLen = wholeChunk ? o4 * k2 * L : 8 * L;
        float[] acc = scratch.conv(SLOT_ACC, accLen + o * L);
        zero(acc, 0, accLen + o * L);
        zero(out, off, o * k);
        int taps = q.kh * q.kw;
        for (int g0 = b0; g0 < b1; g0 += group) {
            int gc = Math.min(group, b1 - g0);
            int rs = gc * pPad;
            int steps = rs / L;
            for (int oo = 0; oo < o4; oo++) {
                if (oo >= o) {
                    zeroSpill(gBuf, oo * rs, rs);
                    continue;
                }
                for (int gi = 0; gi < gc; gi++) {
                    int to = oo * rs + gi * pPad;
                    copySpill(q.g, ((g0 + gi) * o + oo) * p, gBuf, to, p);
                    zeroSpill(gBuf, to + p, pPad - p);
                }
            }
            if (q.dbias != null) {
                biasSums(gBuf, o, rs, steps, acc, accLen);
            }
            for (int k0 = 0; k0 < k; k0 += 2) {
                // A missing second tap leaves the second column row as it was: it only reaches unused sums.
                for (int kk = 0; kk < Math.min(2, k - k0); kk++) {
                    int cc = (k0 + kk) / taps;
                    int tap = (k0 + kk) - cc * taps;
                    for (int gi = 0; gi < gc; gi++) {
                        int to = kk * rs + gi * pPad;
                        fillRows(q, ((g0 + gi) * q.c + cc) * q.hw, tap / q.kw, tap % q.kw, col, to);
                        zeroSpill(col, to + p, pPad - p);
                    }
                }
                for (int o0 = 0; o0 < o4; o0 += 4) {
                    int accBase = wholeChunk ? (o0 * k2 + k0) * L : 0;
                    int accRs = wholeChunk ? k2 * L : 2 * L;
                    VectorConvTiles.dot4x2(gBuf, o0 * rs, rs, col, 0, steps, acc, accBase, accRs);
                    if (!wholeChunk) {
                        flushTile(acc, Math.min(4, o - o0), Math.min(2, k - k0), out, off + o0 * k + k0, k);
                    }
                }
            }
        }
        finishChunk(q, acc, wholeChunk, accLen, out, off);
    }

    /** Adds the rows of a group's packed g into the per-lane bias sums {@code acc[accOff + o*L ..]}. */
    private static void biasSums(float[] gBuf, int o, int rs, int steps, float[] acc, int accOff) {
        for (int oo = 0; oo < o; oo++) {
            FloatVector s = FloatVector.fromArray(S, acc, accOff + oo * L);
            int row = oo * rs;
            for (int t = 0; t < steps; t++) {
                s = EXACT.cast(s).add(FloatVector.fromArray(S, gBuf, row + t * L));
            }
            EXACT.cast(s).intoArray(acc, accOff + oo * L);
        }
    }

    /**
     * Adds the lane sums of a tile's accumulators ({@code acc[(r*2 + v)*L ..]}, r < rows, v < cols) to
     * {@code out[at + r*k + v]} and clears the tile for the next one.
     */
    private static void flushTile(float[] acc, int rows, int cols, float[] out, int at, int k) {
        for (int r = 0; r < rows; r++) {
            for (int v = 0; v < cols; v++) {
                out[at + r * k + v] += laneSum(acc, (r * 2 + v) * L);
            }
        }
        zero(acc, 0, 8 * L);
    }

    private static float sum8(float[] a, int at) {
        return ((a[at] + a[at + 1]) + (a[at + 2] + a[at + 3])) + ((a[at + 4] + a[at + 5]) + (a[at + 6] + a[at + 7]));
    }

    /**
     * The sum of {@code a[at .. at+L)}, pairwise ({@code (a0+a1)+(a2+a3)} and so on): a fixed order, and a dependency
     * chain of log2(L) additions instead of L-1 (a chunk of the second W2 layer takes 3,200 of these sums).
     */
    static float laneSum(float[] a, int at) {
        if (L == 8) {
            return sum8(a, at);
        }
        if (L == 16) {
            return sum8(a, at) + sum8(a, at + 8);
        }
        float s = a[at];
        for (int l = 1; l < L; l++) {
            s += a[at + l];
        }
        return s;
    }

    @Override
    public void sumPartials(float[] part, int off, int stride, int count, float[] dst, int len) {
        int e = 0;
        for (; e + L <= len; e += L) {
            FloatVector s = FloatVector.fromArray(S, part, off + e);
            for (int q = 1; q < count; q++) {
                s = EXACT.cast(s).add(FloatVector.fromArray(S, part, off + q * stride + e));
            }
            EXACT.cast(s).intoArray(dst, e);
        }
        for (; e < len; e++) {
            float s = part[off + e];
            for (int q = 1; q < count; q++) {
                s += part[off + q * stride + e];
            }
            dst[e] = s;
        }
    }

    // ---------------------------------------------------------------- column rows

    /** The column row of tap {@code (i, j)} of the channel at {@code x[xc]}: {@code oh*ow} floats at {@code dst[d]}. */
    private static void fillRows(Conv2dCall q, int xc, int i, int j, float[] dst, int d) {
        int iy = i * q.dh - q.ph;
        int jOff = j * q.dw - q.pw;
        for (int oy = 0; oy < q.oh; oy++, iy += q.sh, d += q.ow) {
            segment(q, q.x, xc, iy, jOff, q.ow, dst, d);
        }
    }

    /**
     * One segment of a column row: the {@code len} values that a tap meets along an output row, starting at input
     * column {@code ix0} of input row {@code iy} of the channel at {@code x[xc]}, written to {@code dst[d ..]};
     * anything may be written to the {@code L} floats after it. Inside the input (the usual case: stride 1, no
     * padding reached) this is a few whole-vector copies.
     */
    private static void segment(Conv2dCall q, float[] x, int xc, int iy, int ix0, int len, float[] dst, int d) {
        if (iy < 0 || iy >= q.h) {
            zeroSpill(dst, d, len);
            return;
        }
        int src = xc + iy * q.w + ix0;
        if (q.sw == 1 && ix0 >= 0 && ix0 + len <= q.w && src + len + L - 1 <= x.length) {
            for (int t = 0; t < len; t += L) {
                FloatVector.fromArray(S, x, src + t).intoArray(dst, d + t);
            }
        } else {
            edgeSegment(q, x, src - ix0, ix0, len, dst, d);
        }
    }

    /** {@link #segment} reaching padding, with a stride, or near the end of x; {@code row} is the input row's start. */
    private static void edgeSegment(Conv2dCall q, float[] x, int row, int ix0, int len, float[] dst, int d) {
        int w = q.w;
        if (q.sw == 1) {
            int lo = ScalarConv2d.clamp(-ix0, 0, len);
            int hi = ScalarConv2d.clamp(w - ix0, lo, len);
            zeroSpill(dst, d, lo);
            copySpill(x, row + ix0 + lo, dst, d + lo, hi - lo);
            for (int t = hi; t < len; t++) {
                dst[d + t] = 0f;
            }
        } else {
            for (int t = 0; t < len; t++) {
                int ix = ix0 + t * q.sw;
                dst[d + t] = ix >= 0 && ix < w ? x[row + ix] : 0f;
            }
        }
    }

    /**
     * The adjoint of {@link #segment}: adds {@code src[s .. s+len)} into dx where the segment was read from,
     * dropping the values of taps outside the input.
     */
    private static void addSegment(Conv2dCall q, float[] src, int s, float[] dx, int xc, int iy, int ix0, int len) {
        if (iy < 0 || iy >= q.h) {
            return;
        }
        int w = q.w;
        int row = xc + iy * w;
        if (q.sw == 1) {
            int lo = ScalarConv2d.clamp(-ix0, 0, len);
            int hi = ScalarConv2d.clamp(w - ix0, lo, len);
            addRun(src, s + lo, dx, row + ix0 + lo, hi - lo);
        } else {
            for (int t = 0; t < len; t++) {
                int ix = ix0 + t * q.sw;
                if (ix >= 0 && ix < w) {
                    dx[row + ix] += src[s + t];
                }
            }
        }
    }

    /** {@code dst[d .. d+n) += src[s .. s+n)}. */
    private static void addRun(float[] src, int s, float[] dst, int d, int n) {
        int t = 0;
        for (; t + L <= n; t += L) {
            FloatVector.fromArray(S, dst, d + t).add(FloatVector.fromArray(S, src, s + t)).intoArray(dst, d + t);
        }
        for (; t < n; t++) {
            dst[d + t] += src[s + t];
        }
    }

    /**
     * Copies {@code src[s .. s+n)} to {@code dst[d .. d+n)} in whole vectors; the last one may also write
     * {@code dst[d+n .. d+n+L)} with the floats that follow in src. Near the end of src the tail is copied one
     * float at a time instead.
     */
    static void copySpill(float[] src, int s, float[] dst, int d, int n) {
        int t = 0;
        for (; t + L <= n; t += L) {
            FloatVector.fromArray(S, src, s + t).intoArray(dst, d + t);
        }
        if (t < n) {
            if (s + t + L <= src.length) {
                FloatVector.fromArray(S, src, s + t).intoArray(dst, d + t);
            } else {
                for (; t < n; t++) {
                    dst[d + t] = src[s + t];
                }
            }
        }
    }

    /** Zeroes {@code dst[d .. d+n)} in whole vectors, possibly also {@code dst[d+n .. d+n+L)}. */
    static void zeroSpill(float[] dst, int d, int n) {
        FloatVector z = FloatVector.zero(S);
        for (int t = 0; t < n; t += L) {
            z.intoArray(dst, d + t);
        }
    }

    /** Zeroes exactly {@code dst[d .. d+n)}. */
    private static void zero(float[] dst, int d, int n) {
        Arrays.fill(dst, d, d + n, 0f);
    }

    /** Lanes per vector, for tests that aim at the edges. */
    static int lanes() {
        return L;
    }
}
