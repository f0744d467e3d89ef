package dev.nabla.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API pooling (loaded only when {@code jdk.incubator.vector} is present): the forward and backward passes of
 * 2 x 2, stride 2 max pooling with windows inside the input, the pooling of small convolutional networks; every
 * other shape, average pooling and {@link #maxGather} take the plain-Java loops of {@link ScalarPool2d}.
 *
 * <p>A step computes L outputs from four vectors of input: the left and right halves ({@code t0, t1}) of 2L floats
 * of the top rows of the windows, and the same of the bottom rows ({@code u0, u1}). Along an output row these are
 * consecutive ({@code ow >= L}); when an input row is exactly one vector ({@code w == L}, {@code ow == L/2}) a step
 * takes two output rows, the four vectors then being four consecutive input rows. Even and odd columns are separated
 * with one-vector shuffles and a blend (a two-vector {@code rearrange} allocates on JDK 17 and ran ten times slower);
 * the maximum of each window is chosen with the comparisons of {@link ScalarPool2d#wins}, as lane masks, so that
 * ties, NaN and the position chosen agree with the plain loops. The backward pass turns the choice into a code per
 * window (0 to 3), spreads g and the code back over the input lanes and keeps g where the code matches the lane's
 * position: whole vectors of dx, so dx needs no zeroing when the windows tile the input. A row not a whole number of
 * vectors ends with a step that overlaps the one before (see {@link Steps}); rows shorter than a vector (other than
 * the row pairs) take the scalar loop.
 *
 * <p>The species is the preferred one, as in every other kernel, although with 16 lanes a pooled row of a small
 * network (4 to 12 outputs) goes to the scalar loop: see {@link VectorConvTiles#S} for what a second species costs.
 */
final class VectorPool2d implements Pool2dKernel {

    static final VectorPool2d INSTANCE = new VectorPool2d();

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lanes {@code 2i mod L} and {@code 2i+1 mod L}: the even (odd) lanes of a vector, twice. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> (2 * i) % L);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> (2 * i + 1) % L);
    /** Lanes {@code i/2} and {@code L/2 + i/2}: each lane of one half, twice. */
    private static final VectorShuffle<Float> LOW_TWICE = VectorShuffle.fromOp(S, i -> i / 2);
    private static final VectorShuffle<Float> HIGH_TWICE = VectorShuffle.fromOp(S, i -> L / 2 + i / 2);
    /** The upper half of the lanes. */
    private static final VectorMask<Float> UPPER = VectorMask.fromLong(S, ((1L << L) - 1) & -(1L << (L / 2)));
    /** Position codes (see {@link #choice}) of the top and bottom rows' lanes, and the codes themselves. */
    private static final FloatVector TOP = FloatVector.fromArray(S, pattern(0), 0);
    private static final FloatVector BOTTOM = FloatVector.fromArray(S, pattern(2), 0);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector TWO = FloatVector.broadcast(S, 2f);
    private static final FloatVector THREE = FloatVector.broadcast(S, 3f);

    private VectorPool2d() {
    }

    /** {@code first, first + 1, first, first + 1, ...}: the codes of the left and right columns of a row. */
    private static float[] pattern(int first) {
        float[] p = new float[L];
        for (int i = 0; i < L; i++) {
            p[i] = first + (i & 1);
        }
        return p;
    }

    @Override
    public String name() {
        return "vector";
    }

    /** Whether one step covers two output rows: an input row is one vector. */
    private static boolean rowPairs(Pool2dCall q) {
        return q.w == L && q.ow * 2 == L;
    }

    @Override
    public void maxForward(Pool2dCall q, int plane0, int plane1) {
        if (!q.isPlain2x2()) {
            ScalarPool2d.INSTANCE.maxForward(q, plane0, plane1);
            return;
        }
        Steps st = STEPS.get().set(q);
        for (int pl = plane0; pl < plane1; pl++) {
            st.plane(pl);
            for (int s = 0; s < st.count; s++) {
                st.next();
                forwardStep(q.x, st.t0, st.t0 + st.dt1, st.t0 + st.du0, st.t0 + st.du1, q.y, st.at);
            }
            tails(q, pl, 0);
        }
    }

    @Override
    public void maxBackward(Pool2dCall q, int plane0, int plane1) {
        if (!q.isPlain2x2()) {
            ScalarPool2d.INSTANCE.maxBackward(q, plane0, plane1);
            return;
        }
        Steps st = STEPS.get().set(q);
        for (int pl = plane0; pl < plane1; pl++) {
            if (2 * q.oh < q.h || 2 * q.ow < q.w) {
                java.util.Arrays.fill(q.dx, pl * q.hw, (pl + 1) * q.hw, 0f);
            }
            st.plane(pl);
            for (int s = 0; s < st.count; s++) {
                st.next();
                backwardStep(q.x, st.t0, st.t0 + st.dt1, st.t0 + st.du0, st.t0 + st.du1, q.g, st.at, q.dx);
            }
            tails(q, pl, 1);
        }
    }

    /**
     * The plain loop: a gather step (the choice, then the same shuffles of hx) was too large for C2 to inline whole
     * on JDK 17, and boxed; gathers only serve second-order gradients.
     */
    @Override
    public void maxGather(Pool2dCall q, int plane0, int plane1) {
        ScalarPool2d.INSTANCE.maxGather(q, plane0, plane1);
    }

    private static final ThreadLocal<Steps> STEPS = ThreadLocal.withInitial(Steps::new);

    /**
     * Walks the vector steps of one plane, so that each operation has a single call site of its step method: C2
     * inlines a step (a few dozen vector operations, each a deep chain of inlined Vector API methods) into its loop,
     * and with the three steps, or two call sites, in one compiled method it hit its node limit
     * ({@code NodeCountInliningCutoff}), stopped inlining the shuffle helpers and boxed the vectors passed to them.
     *
     * <p>A row of {@code ow >= L} outputs takes {@code ceil(ow / L)} steps, the last one ending at the row's end and
     * overlapping the one before: its outputs, and its dx (each window writes its four positions, windows do not
     * overlap), are written twice with the same values. The 12-output rows of W2's first pooling then take no scalar
     * step (a scalar output costs several times a vector step's share).
     */
    private static final class Steps {
        private Pool2dCall q;
        private boolean pairs;
        /** Offsets of the top-right, bottom-left and bottom-right input vectors from the top-left one. */
        int dt1;
        int du0;
        int du1;
        /** Steps per plane, and the current step's top-left input and output offsets. */
        int count;
        int t0;
        int at;
        private int perRow;
        private int rowT0;
        private int rowAt;
        private int j;

        Steps set(Pool2dCall q) {
            this.q = q;
            pairs = rowPairs(q);
            int w = q.w;
            dt1 = pairs ? 2 * w : L;
            du0 = w;
            du1 = pairs ? 3 * w : w + L;
            perRow = q.ow >= L ? (q.ow + L - 1) / L : 0;
            count = pairs ? q.oh / 2 : q.oh * perRow;
            return this;
        }

        void plane(int pl) {
            rowT0 = pl * q.hw;
            rowAt = pl * q.ohw;
            j = 0;
        }

        void next() {
            if (pairs) {
                t0 = rowT0;
                at = rowAt;
                rowT0 += 4 * q.w;
                rowAt += 2 * q.ow;
                return;
            }
            int ox = Math.min(j * L, q.ow - L);
            t0 = rowT0 + 2 * ox;
            at = rowAt + ox;
            if (++j == perRow) {
                j = 0;
                rowT0 += 2 * q.w;
                rowAt += q.ow;
            }
        }
    }

    /** The outputs the vector steps leave, by the scalar loop: the last row of an odd count, or rows shorter than L. */
    private static void tails(Pool2dCall q, int pl, int op) {
        int xb = pl * q.hw;
        int yb = pl * q.ohw;
        if (rowPairs(q)) {
            if (q.oh % 2 == 1) {
                int oy = q.oh - 1;
                ScalarPool2d.max2x2Row(q, op, xb + 2 * oy * q.w, yb + oy * q.ow, 0, q.ow);
            }
            return;
        }
        if (q.ow >= L) {
            return;
        }
        for (int oy = 0; oy < q.oh; oy++) {
            ScalarPool2d.max2x2Row(q, op, xb + 2 * oy * q.w, yb + oy * q.ow, 0, q.ow);
        }
    }

    /**
     * L windows whose top rows are {@code x[t0 .. t0+L) ++ x[t1 .. t1+L)} and bottom rows the same at u0, u1
     * (column pairs); the output (or g) at {@code at}.
     */
    /**
     * The forward step takes the maximum's value only: {@code max} of the two rows, then of the even and odd columns
     * (half the operations of finding the position). {@code FloatVector.max} propagates NaN like the position rule;
     * only a window holding -0 before +0 differs, giving +0.
     */
    private static void forwardStep(float[] x, int t0, int t1, int u0, int u1, float[] y, int at) {
        FloatVector m0 = FloatVector.fromArray(S, x, t0).max(FloatVector.fromArray(S, x, u0));
        FloatVector m1 = FloatVector.fromArray(S, x, t1).max(FloatVector.fromArray(S, x, u1));
        evens(m0, m1).max(odds(m0, m1)).intoArray(y, at);
    }

    private static void backwardStep(float[] x, int t0, int t1, int u0, int u1, float[] g, int at, float[] dx) {
        FloatVector code = choice(x, t0, t1, u0, u1);
        FloatVector gv = FloatVector.fromArray(S, g, at);
        FloatVector gLo = gv.rearrange(LOW_TWICE);
        FloatVector gHi = gv.rearrange(HIGH_TWICE);
        FloatVector cLo = code.rearrange(LOW_TWICE);
        FloatVector cHi = code.rearrange(HIGH_TWICE);
        FloatVector z = FloatVector.zero(S);
        z.blend(gLo, cLo.compare(VectorOperators.EQ, TOP)).intoArray(dx, t0);
        z.blend(gHi, cHi.compare(VectorOperators.EQ, TOP)).intoArray(dx, t1);
        z.blend(gLo, cLo.compare(VectorOperators.EQ, BOTTOM)).intoArray(dx, u0);
        z.blend(gHi, cHi.compare(VectorOperators.EQ, BOTTOM)).intoArray(dx, u1);
    }

    /**
     * Which of its four candidates is each window's maximum, as a float lane: 0 top-left, 1 top-right, 2 bottom-left,
     * 3 bottom-right (the first of the largest, the first NaN: see {@link ScalarPool2d#max2x2Row}).
     */
    private static FloatVector choice(float[] x, int t0, int t1, int u0, int u1) {
        FloatVector top0 = FloatVector.fromArray(S, x, t0);
        FloatVector top1 = FloatVector.fromArray(S, x, t1);
        FloatVector bot0 = FloatVector.fromArray(S, x, u0);
        FloatVector bot1 = FloatVector.fromArray(S, x, u1);
        FloatVector a = evens(top0, top1);
        FloatVector b = odds(top0, top1);
        FloatVector c = evens(bot0, bot1);
        FloatVector d = odds(bot0, bot1);
        VectorMask<Float> sb = wins(b, a);
        FloatVector m = a.blend(b, sb);
        VectorMask<Float> sc = wins(c, m);
        m = m.blend(c, sc);
        VectorMask<Float> sd = wins(d, m);
        return FloatVector.zero(S).blend(ONE, sb).blend(TWO, sc).blend(THREE, sd);
    }

    /** Lanes 0, 2, 4, ... of {@code lo} then of {@code hi}. */
    private static FloatVector evens(FloatVector lo, FloatVector hi) {
        return lo.rearrange(EVEN).blend(hi.rearrange(EVEN), UPPER);
    }

    private static FloatVector odds(FloatVector lo, FloatVector hi) {
        return lo.rearrange(ODD).blend(hi.rearrange(ODD), UPPER);
    }

    /** {@link ScalarPool2d#wins} lane by lane: v replaces best where best is not NaN and v is larger or NaN. */
    private static VectorMask<Float> wins(FloatVector v, FloatVector best) {
        return best.compare(VectorOperators.EQ, best).andNot(v.compare(VectorOperators.LE, best));
    }

    @Override
    public void avgForward(Pool2dCall q, int plane0, int plane1) {
        ScalarPool2d.INSTANCE.avgForward(q, plane0, plane1);
    }

    @Override
    public void avgBackward(Pool2dCall q, int plane0, int plane1) {
        ScalarPool2d.INSTANCE.avgBackward(q, plane0, plane1);
    }
}
