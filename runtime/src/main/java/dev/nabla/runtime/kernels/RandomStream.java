package dev.nabla.runtime.kernels;

/**
 * The counter-based generator behind the IR's random ops (dropout's masks, Gaussian dropout's noise). A draw is a
 * pure function of {@code (seed, step, stream, index)}: the model's seed, the training step, the call site (each
 * random op in a model has its own stream number) and the element's row-major position in the result. Nothing is
 * carried from one draw to the next, so:
 * <ul>
 *   <li>every step draws anew (the step is a state the training graph advances);</li>
 *   <li>a run is reproducible from its seed, and resuming from a checkpoint (which holds seed and step) continues
 *       the same stream;</li>
 *   <li>the values do not depend on how many threads compute a tensor, nor in which order;</li>
 *   <li>the reference interpreter and generated code call these same methods and agree bit for bit.</li>
 * </ul>
 * The mixing function is SplitMix64's finalizer, applied to a key derived from seed, step and stream and then to
 * that key plus the golden-ratio increment times the index (SplitMix64's own sequence, so neighbouring elements
 * are decorrelated). Seed and step arrive as floats because they live in the model's f32 state buffers: both are
 * whole numbers below 2^24, where floats are exact (at one step a second, 2^24 steps is 194 days of training).
 */
public final class RandomStream {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private RandomStream() {
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long bits(float seed, float step, int stream, int index) {
        long key = mix(((long) seed << 32 | (long) step & 0xFFFFFFFFL) + GOLDEN * (stream + 1L));
        return mix(key + GOLDEN * (index + 1L));
    }

    /** Uniform in [0, 1) with 24 random bits: every float of the form k / 2^24. */
    public static float uniform(float seed, float step, int stream, int index) {
        return (bits(seed, step, stream, index) >>> 40) * 0x1.0p-24f;
    }

    /**
     * Standard normal by Box-Muller from the two 32-bit halves of one draw. StrictMath, so the value is the same on
     * every JVM and in the interpreter; the first uniform lies in (0, 1], so the logarithm is finite.
     */
    public static float normal(float seed, float step, int stream, int index) {
        long b = bits(seed, step, stream, index);
        double u1 = ((b >>> 32) + 1) * 0x1.0p-32;
        double u2 = (b & 0xFFFFFFFFL) * 0x1.0p-32;
        return (float) (StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2));
    }
}
