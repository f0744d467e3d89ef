package dev.nabla.runtime;

import java.util.List;
import java.util.Map;

/**
 * A model's {@code train} block, checked by the compiler and kept for the runtime. Paths are already
 * resolved against the model file's directory. Command-line flags override fields (see {@code with*}).
 *
 * @param optimizer     optimizer and its constant hyperparameters
 * @param schedule      learning-rate schedule
 * @param batchSize     mini-batch size
 * @param epochs        passes over the training set
 * @param clipNorm      global-norm gradient clipping threshold; 0 = off
 * @param seed          seed for initialisation, shuffling and random masks
 * @param shuffle       reshuffle the training set every epoch
 * @param dropLast      drop the last partial batch instead of training on it
 * @param trainData     where the training set comes from, {@code null} if the block names none
 * @param testData      the test set, or {@code null}
 * @param testSplit     fraction of the training data held out as the test set when {@code testData} is null (0 = none)
 * @param validationSplit fraction of the (remaining) training data held out for validation (0 = none)
 * @param earlyStopping patience in epochs on the validation loss; 0 = off
 * @param preprocess    preprocessing steps applied to the inputs, in order (e.g. "scale", "standardize")
 */
public record TrainConfig(OptimizerSpec optimizer, Schedule schedule, int batchSize, int epochs,
                          double clipNorm, long seed, boolean shuffle, boolean dropLast,
                          DataSpec trainData, DataSpec testData, double testSplit, double validationSplit,
                          int earlyStopping, List<String> preprocess) {

    public static final TrainConfig EMPTY = new TrainConfig(OptimizerSpec.sgd(0.01, 0, 0), Schedule.CONSTANT,
            32, 10, 0, 42, true, false, null, null, 0, 0, 0, List.of());

    public TrainConfig {
        preprocess = List.copyOf(preprocess);
    }

    /** The same block with another optimizer ({@code nabla train --optimizer}). */
    public TrainConfig withOptimizer(OptimizerSpec o) {
        return new TrainConfig(o, schedule, batchSize, epochs, clipNorm, seed, shuffle, dropLast, trainData, testData,
                testSplit, validationSplit, earlyStopping, preprocess);
    }

    /**
     * Learning-rate schedule; {@code factorAt} gives the multiplier of the base rate at a 0-based step.
     *
     * @param kind       CONSTANT, STEP (x gamma every {@code stepSize} epochs), EXPONENTIAL (x gamma per epoch),
     *                   COSINE (from 1 to 0 over all training steps, as PyTorch's CosineAnnealingLR with eta_min 0)
     * @param gamma      decay factor for STEP and EXPONENTIAL
     * @param stepSize   epochs between STEP decays
     * @param warmupSteps linear warm-up from 0 over this many steps (combines with every kind)
     */
    public record Schedule(Kind kind, double gamma, int stepSize, int warmupSteps) {
        public enum Kind { CONSTANT, STEP, EXPONENTIAL, COSINE }

        /** The schedules by the name the language uses ({@code schedule = cosine}). */
        public static final Map<String, Kind> NAMES = names(Kind.values());

        public static final Schedule CONSTANT = new Schedule(Kind.CONSTANT, 1, 1, 0);
    }

    /**
     * A dataset: a format and its path(s) plus format options.
     *
     * @param format  "idx" (images + labels files), "csv" or "npy"
     * @param paths   one or more files, resolved against the model file's directory
     * @param options format options, e.g. {@code label=-1}, {@code header=true}, {@code layout=sklearn}
     */
    public record DataSpec(String format, List<String> paths, Map<String, String> options) {

        /** The data formats, as the language ({@code data = csv(...)}) and the command line ({@code csv:FILE}) name them. */
        public static final List<String> FORMATS = List.of("csv", "idx", "npy");

        public DataSpec {
            paths = List.copyOf(paths);
            options = Map.copyOf(options);
        }
    }

    /**
     * The one vocabulary of the language and the command line: each constant by its name in lower case, in
     * declaration order, so a name accepted in one is accepted in the other.
     */
    static <K extends Enum<K>> Map<String, K> names(K[] kinds) {
        Map<String, K> out = new java.util.LinkedHashMap<>();
        for (K k : kinds) {
            out.put(k.name().toLowerCase(java.util.Locale.ROOT), k);
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
