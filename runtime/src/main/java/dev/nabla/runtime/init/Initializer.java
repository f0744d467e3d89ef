package dev.nabla.runtime.init;

import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.InitSpec;
import dev.nabla.runtime.ModelSpec;

import java.util.Arrays;

/**
 * Fills PARAM and STATE buffers from their {@link InitSpec}, with PyTorch's fan-in/fan-out: for a weight
 * {@code [in, out]} fan-in is {@code in} and fan-out {@code out}; for a kernel {@code [out, in, kh, kw]}
 * fan-in is {@code in*kh*kw} and fan-out {@code out*kh*kw}; a rank-1 parameter uses its size for both.
 * Each buffer draws from its own stream derived from (seed, buffer name), so adding a parameter does not
 * change the others. GRAD and OPT_STATE buffers are zeroed.
 */
public final class Initializer {

    private Initializer() {
    }

    public static void initialize(ModelSpec spec, float[][] buffers, long seed) {
        for (int i = 0; i < buffers.length; i++) {
            BufferSpec b = spec.buffers().get(i);
            if (b.role() == BufferRole.PARAM || b.role() == BufferRole.STATE) {
                InitSpec init = b.init() != null ? b.init() : InitSpec.of(InitSpec.Kind.ZEROS);
                fill(init, b.shape(), buffers[i], Rng.derive(seed, b.name()));
            } else if (b.role() == BufferRole.GRAD || b.role() == BufferRole.OPT_STATE) {
                Arrays.fill(buffers[i], 0f);
            }
        }
    }

    /** Fills the first {@code prod(shape)} elements of {@code out}. */
    public static void fill(InitSpec init, int[] shape, float[] out, Rng rng) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        int[] fans = fans(shape);
        double fanIn = fans[0];
        double fanOut = fans[1];
        switch (init.kind()) {
            case ZEROS:
                Arrays.fill(out, 0, n, 0f);
                break;
            case ONES:
                Arrays.fill(out, 0, n, 1f);
                break;
            case CONSTANT:
                Arrays.fill(out, 0, n, (float) init.a());
                break;
            case UNIFORM:
                uniform(out, n, init.a(), init.b(), rng);
                break;
            case NORMAL:
                normal(out, n, init.a(), init.b(), rng);
                break;
            case GLOROT_UNIFORM:
                symmetricUniform(out, n, Math.sqrt(6 / (fanIn + fanOut)), rng);
                break;
            case GLOROT_NORMAL:
                normal(out, n, 0, Math.sqrt(2 / (fanIn + fanOut)), rng);
                break;
            case HE_UNIFORM:
                symmetricUniform(out, n, Math.sqrt(6 / fanIn), rng);
                break;
            case HE_NORMAL:
                normal(out, n, 0, Math.sqrt(2 / fanIn), rng);
                break;
            case SEED:
                for (int i = 0; i < n; i++) {
                    out[i] = rng.nextInt(1 << 24);
                }
                break;
            default:
                throw new IllegalArgumentException("unknown initializer " + init.kind());
        }
    }

    /** {fan_in, fan_out} of a parameter shape. */
    static int[] fans(int[] shape) {
        if (shape.length == 0) {
            return new int[] {1, 1};
        }
        if (shape.length == 1) {
            return new int[] {shape[0], shape[0]};
        }
        if (shape.length == 2) {
            return new int[] {shape[0], shape[1]};
        }
        int receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        return new int[] {shape[1] * receptive, shape[0] * receptive};
    }

    private static void symmetricUniform(float[] out, int n, double bound, Rng rng) {
        uniform(out, n, -bound, bound, rng);
    }

    private static void uniform(float[] out, int n, double lo, double hi, Rng rng) {
        for (int i = 0; i < n; i++) {
            out[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
    }

    private static void normal(float[] out, int n, double mean, double std, Rng rng) {
        for (int i = 0; i < n; i++) {
            out[i] = (float) (mean + std * rng.nextGaussian());
        }
    }
}
