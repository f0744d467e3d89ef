package dev.nabla.runtime.kernels;

/**
 * exp and tanh as the generated vector kernels compute them, lane by lane, from additions, multiplications, fused
 * multiply-adds, min, max and integer shifts only: operations whose IEEE results are the same in the interpreter, in C1
 * and in C2. {@code FloatVector.lanewise(EXP)} is not: C2 compiles it to its own routine while the interpreter and C1
 * take {@code Math.exp} per lane, and the two differ in the last bit for some inputs (so do tanh and log), so a
 * training run's floats depended on when the JIT compiled each kernel: a run resumed in a fresh JVM, or a Spark task,
 * parted from the uninterrupted run by a bit. The compiler's VectorMathEmitter writes these operations, with these
 * constants, into each kernel as Vector API calls (a call to a shared vector method would be shorter, but C2 inlined it
 * only where it judged the call site hot, and elsewhere passed the vectors boxed); its tests hold every lane equal to
 * {@link #expScalar} and {@link #tanhScalar}, bit for bit, and this class's tests hold these within 2 ulp.
 *
 * <p>exp is Cephes' {@code expf}: {@code x = n·ln 2 + r} with {@code |r| <= ln 2 / 2}, a degree-6 polynomial for
 * {@code e^r}, then {@code 2^n} applied in two steps so that results down to the subnormals and up to infinity come out
 * without an out-of-range exponent. tanh is Cephes' {@code tanhf}.
 */
public final class VectorMath {

    /** Below this exp is 0 in float (and beyond {@link #HIGH} infinite); clamping first keeps n in range. */
    public static final float LOW = -110f;
    public static final float HIGH = 89f;
    public static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in two: n·LN2_HI is exact for the n that occur, so r keeps its low bits. */
    public static final float LN2_HI = 0.693359375f;
    public static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer, held in the low mantissa bits. */
    public static final float ROUNDER = 12582912f;
    /** {@code Float.floatToRawIntBits(ROUNDER)}, written out so that it is a compile-time constant. */
    public static final int ROUNDER_BITS = 0x4B400000;
    public static final float P0 = 1.9875691500e-4f;
    public static final float P1 = 1.3981999507e-3f;
    public static final float P2 = 8.3334519073e-3f;
    public static final float P3 = 4.1665795894e-2f;
    public static final float P4 = 1.6666665459e-1f;
    public static final float P5 = 5.0000001201e-1f;
    /** Cephes' {@code tanhf}: an odd polynomial below this magnitude, {@code 1 - 2 / (e^(2|x|) + 1)} from it on. */
    public static final float TANH_SMALL = 0.625f;
    public static final float T0 = -5.70498872745e-3f;
    public static final float T1 = 2.06390887954e-2f;
    public static final float T2 = -5.37397155531e-2f;
    public static final float T3 = 1.33314422036e-1f;
    public static final float T4 = -3.33332819422e-1f;

    private VectorMath() {
    }

    /** e^x as a generated vector kernel computes each lane; NaN stays NaN, -∞ gives 0, +∞ gives +∞. */
    public static float expScalar(float x) {
        float c = Math.min(Math.max(x, LOW), HIGH);
        float t = Math.fma(c, LOG2E, ROUNDER);
        float n = t - ROUNDER;
        float r = Math.fma(n, -LN2_HI, c);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float e = p * (r * r) + r + 1f;
        int k = Float.floatToRawIntBits(t) - ROUNDER_BITS;
        int k1 = k >> 1;
        int k2 = k - k1;
        return e * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
    }

    /** tanh(x) as a generated vector kernel computes each lane; NaN stays NaN, ±∞ give ±1. */
    public static float tanhScalar(float x) {
        float a = Math.abs(x);
        float z = x * x;
        float q = Math.fma(z, T0, T1);
        q = Math.fma(q, z, T2);
        q = Math.fma(q, z, T3);
        q = Math.fma(q, z, T4);
        float small = Math.fma(q * z, x, x);
        float e = expScalar(a + a);
        float large = 1f - 2f / (e + 1f);
        if (x < 0f) {
            large = -large;
        }
        return a < TANH_SMALL ? small : large;
    }
}
