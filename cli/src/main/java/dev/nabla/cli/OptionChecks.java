package dev.nabla.cli;

/** Range checks of numeric options, made before any work, so a wrong value fails at once and is never reinterpreted. */
final class OptionChecks {

    /** The most kernel threads a command accepts (as the runtime's {@code TrainOptions}). */
    static final int MAX_THREADS = 64;

    private OptionChecks() {
    }

    /** {@code value} (null when the option is absent) is at least 1. */
    static void positive(String option, Number value) {
        if (value != null && value.longValue() < 1) {
            throw new UserError(option + " must be at least 1, got " + value);
        }
    }

    static void threads(Integer threads) {
        if (threads != null && (threads < 1 || threads > MAX_THREADS)) {
            throw new UserError("--threads must be between 1 and " + MAX_THREADS + ", got " + threads);
        }
    }
}
