package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import org.junit.jupiter.api.Test;

/**
 * VectorMath's exp and tanh: each lane the same bits as the scalar twin (the same IEEE operations, so the same bits
 * in every JIT tier, which {@code lanewise(EXP)} does not give), and within 2 ulp of the correctly rounded value.
 */
class VectorMathProperties {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float[] EDGES = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-8f, -1e-8f,
        // exp: the last finite result, the first infinite one, the subnormal results, the first zero, the clamps
        88.72283f, 88.7229f, -87.33655f, -87.4f, -103.9f, -104f, -104.5f, -110f, -111f, 89f, 90f,
        // tanh: either side of the switch between the polynomial and the exp form, and where it reaches 1
        0.625f, Math.nextDown(0.625f), -0.625f, Math.nextUp(-0.625f), 9f, 9.1f, 44.4f, -44.4f};

    /** f over {@code x} a vector at a time. */
    private static float[] vector(UnaryOperator<FloatVector> f, float[] x) {
        float[] pad = java.util.Arrays.copyOf(x, (x.length + S.length() - 1) / S.length() * S.length());
        float[] y = new float[pad.length];
        for (int i = 0; i < pad.length; i += S.length()) {
            f.apply(FloatVector.fromArray(S, pad, i)).intoArray(y, i);
        }
        return java.util.Arrays.copyOf(y, x.length);
    }

    private static void sameBitsAsTwin(UnaryOperator<FloatVector> f, java.util.function.Function<Float, Float> twin,
                                       float[] x) {
        float[] y = vector(f, x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToIntBits(twin.apply(x[i])), Float.floatToIntBits(y[i]), "at x = " + x[i]);
        }
    }

    private static void closeTo(DoubleUnaryOperator exact, float x, float got) {
        float want = (float) exact.applyAsDouble(x);
        if (Float.isNaN(want) || Float.isInfinite(want)) {
            assertEquals(want, got, "at x = " + x);
            return;
        }
        // 2 ulp, and results that round to the subnormals only to within their absolute spacing
        double ulp = Math.max(Math.ulp(want), Float.MIN_NORMAL * 0x1p-23f);
        assertTrue(Math.abs(got - want) <= 2 * ulp, "at x = " + x + ": " + got + " against " + want);
    }

    @Test
    void edgesMatchTheTwinsAndTheExactValues() {
        sameBitsAsTwin(VectorMath::exp, VectorMath::expScalar, EDGES);
        sameBitsAsTwin(VectorMath::tanh, VectorMath::tanhScalar, EDGES);
        float[] e = vector(VectorMath::exp, EDGES);
        float[] t = vector(VectorMath::tanh, EDGES);
        for (int i = 0; i < EDGES.length; i++) {
            closeTo(StrictMath::exp, EDGES[i], e[i]);
            closeTo(StrictMath::tanh, EDGES[i], t[i]);
        }
        assertEquals(Float.floatToRawIntBits(VectorMath.ROUNDER), VectorMath.ROUNDER_BITS);
        assertEquals(0f, VectorMath.expScalar(Float.NEGATIVE_INFINITY));
        assertEquals(1f, VectorMath.expScalar(0f));
        assertEquals(1f, VectorMath.tanhScalar(Float.POSITIVE_INFINITY));
        assertEquals(-1f, VectorMath.tanhScalar(Float.NEGATIVE_INFINITY));
    }

    /** Eight floats made from two: the two, a thousandth, a negation, scalings, a sum, a quotient and a square. */
    private static void check(UnaryOperator<FloatVector> f, java.util.function.Function<Float, Float> twin,
                              DoubleUnaryOperator exact, float a, float b, float bScale) {
        float[] x = {a, b, a * 1e-3f, -a, b * bScale, a + b, a / 7f, b * b};
        sameBitsAsTwin(f, twin, x);
        float[] y = vector(f, x);
        for (int i = 0; i < x.length; i++) {
            closeTo(exact, x[i], y[i]);
        }
    }

    @Property(tries = 300)
    void expMatchesItsTwinAndIsWithinTwoUlp(@ForAll @FloatRange(min = -120f, max = 100f) float a,
                                            @ForAll @FloatRange(min = -1f, max = 1f) float b) {
        check(VectorMath::exp, VectorMath::expScalar, StrictMath::exp, a, b, 80f);
    }

    @Property(tries = 300)
    void tanhMatchesItsTwinAndIsWithinTwoUlp(@ForAll @FloatRange(min = -30f, max = 30f) float a,
                                             @ForAll @FloatRange(min = -1f, max = 1f) float b) {
        check(VectorMath::tanh, VectorMath::tanhScalar, StrictMath::tanh, a, b, 0.625f);
    }
}
