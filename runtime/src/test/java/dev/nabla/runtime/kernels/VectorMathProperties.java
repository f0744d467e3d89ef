package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import org.junit.jupiter.api.Test;

/**
 * VectorMath's exp and tanh, as the vector kernels compute each lane: within 2 ulp of the correctly rounded value,
 * special values exact. The compiler's VectorMathKernelsTest holds the kernels to these bit for bit.
 */
class VectorMathProperties {

    /**
     * NaN, ±∞, ±0, the subnormal and largest floats; for exp the last finite result, the first infinite one, the
     * subnormal results, the first zero and the clamps; for tanh either side of the switch between the polynomial and
     * the exp form, and where it reaches 1. The compiler's VectorMathKernelsTest runs the kernels on the same values.
     */
    private static final float[] EDGES = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-8f, -1e-8f,
        88.72283f, 88.7229f, -87.33655f, -87.4f, -103.9f, -104f, -104.5f, -110f, -111f, 89f, 90f,
        0.625f, Math.nextDown(0.625f), -0.625f, Math.nextUp(-0.625f), 9f, 9.1f, 44.4f, -44.4f};

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
    void edgesAreWithinTwoUlpAndSpecialValuesExact() {
        for (float x : EDGES) {
            closeTo(StrictMath::exp, x, VectorMath.expScalar(x));
            closeTo(StrictMath::tanh, x, VectorMath.tanhScalar(x));
        }
        assertEquals(Float.floatToRawIntBits(VectorMath.ROUNDER), VectorMath.ROUNDER_BITS);
        assertEquals(0f, VectorMath.expScalar(Float.NEGATIVE_INFINITY));
        assertEquals(1f, VectorMath.expScalar(0f));
        assertEquals(1f, VectorMath.tanhScalar(Float.POSITIVE_INFINITY));
        assertEquals(-1f, VectorMath.tanhScalar(Float.NEGATIVE_INFINITY));
    }

    /** Eight floats made from two: the two, a thousandth, a negation, scalings, a sum, a quotient and a square. */
    private static void check(java.util.function.Function<Float, Float> f, DoubleUnaryOperator exact, float a, float b,
                              float bScale) {
        for (float x : new float[] {a, b, a * 1e-3f, -a, b * bScale, a + b, a / 7f, b * b}) {
            closeTo(exact, x, f.apply(x));
        }
    }

    @Property(tries = 300)
    void expIsWithinTwoUlp(@ForAll @FloatRange(min = -120f, max = 100f) float a,
                           @ForAll @FloatRange(min = -1f, max = 1f) float b) {
        check(VectorMath::expScalar, StrictMath::exp, a, b, 80f);
    }

    @Property(tries = 300)
    void tanhIsWithinTwoUlp(@ForAll @FloatRange(min = -30f, max = 30f) float a,
                            @ForAll @FloatRange(min = -1f, max = 1f) float b) {
        check(VectorMath::tanhScalar, StrictMath::tanh, a, b, 0.625f);
    }
}
