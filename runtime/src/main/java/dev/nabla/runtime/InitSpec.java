package dev.nabla.runtime;

/**
 * How a parameter is initialised. Fan-in and fan-out follow PyTorch: for a 2-D weight {@code [in, out]}
 * fan-in is {@code in}; for a convolution kernel {@code [out, in, kh, kw]} it is {@code in*kh*kw}.
 *
 * @param kind initializer
 * @param a    first argument: the constant for CONSTANT, the low bound for UNIFORM, the mean for NORMAL
 * @param b    second argument: the high bound for UNIFORM, the standard deviation for NORMAL
 */
public record InitSpec(Kind kind, double a, double b) {

    public enum Kind {
        ZEROS, ONES, CONSTANT, UNIFORM, NORMAL,
        GLOROT_UNIFORM, GLOROT_NORMAL, HE_UNIFORM, HE_NORMAL,
        /**
         * Whole numbers below 2^24 drawn from the run's seed: the key of a model's random ops
         * ({@link dev.nabla.runtime.kernels.RandomStream}), so {@code --seed} changes the masks without recompiling.
         */
        SEED
    }

    public static InitSpec of(Kind kind) {
        return new InitSpec(kind, 0, 0);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CONSTANT -> "constant(" + a + ")";
            case UNIFORM -> "uniform(" + a + ", " + b + ")";
            case NORMAL -> "normal(" + a + ", " + b + ")";
            default -> kind.name().toLowerCase();
        };
    }
}
