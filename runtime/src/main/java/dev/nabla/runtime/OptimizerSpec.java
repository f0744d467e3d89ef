package dev.nabla.runtime;

import java.util.Map;

/**
 * The optimizer compiled into a model's update kernel. Constant hyperparameters are baked into the
 * kernel; the ones that change per step are passed in the {@code hyper} array of
 * {@link CompiledModel#update}. Defaults match PyTorch's.
 *
 * @param kind         the update rule
 * @param lr           base learning rate (the schedule scales it; the kernel reads the current value from hyper)
 * @param momentum     SGD/NESTEROV momentum, RMSPROP momentum
 * @param beta1        ADAM/ADAMW first-moment decay
 * @param beta2        ADAM/ADAMW second-moment decay
 * @param alpha        RMSPROP smoothing constant
 * @param eps          ADAM/ADAMW/RMSPROP epsilon
 * @param weightDecay  L2 penalty added to the gradient (SGD, ADAM, RMSPROP) or decoupled decay (ADAMW)
 */
public record OptimizerSpec(Kind kind, double lr, double momentum, double beta1, double beta2,
                            double alpha, double eps, double weightDecay) {

    public enum Kind { SGD, NESTEROV, ADAM, ADAMW, RMSPROP }

    /** The optimizers by the name the language ({@code optimizer = nesterov(...)}) and the command line use. */
    public static final Map<String, Kind> NAMES = TrainConfig.names(Kind.values());

    /** Index in {@code hyper} of the current learning rate. */
    public static final int HYPER_LR = 0;
    /** Index in {@code hyper} of the 1-based step count (for Adam's bias correction). */
    public static final int HYPER_STEP = 1;
    /** Index in {@code hyper} of the factor every gradient is multiplied by first (global-norm clipping; 1 = none). */
    public static final int HYPER_GRAD_SCALE = 2;
    public static final int HYPER_SIZE = 3;

    public static OptimizerSpec sgd(double lr, double momentum, double weightDecay) {
        return new OptimizerSpec(Kind.SGD, lr, momentum, 0.9, 0.999, 0.99, 1e-8, weightDecay);
    }

    public static OptimizerSpec defaults(Kind kind) {
        return switch (kind) {
            case SGD, NESTEROV -> new OptimizerSpec(kind, 0.01, kind == Kind.NESTEROV ? 0.9 : 0, 0.9, 0.999, 0.99, 1e-8, 0);
            case ADAM -> new OptimizerSpec(kind, 1e-3, 0, 0.9, 0.999, 0.99, 1e-8, 0);
            case ADAMW -> new OptimizerSpec(kind, 1e-3, 0, 0.9, 0.999, 0.99, 1e-8, 1e-2);
            case RMSPROP -> new OptimizerSpec(kind, 1e-2, 0, 0.9, 0.999, 0.99, 1e-8, 0);
        };
    }

    /** How many OPT_STATE buffers of a parameter's shape this optimizer keeps per parameter. */
    public int stateSlots() {
        return switch (kind) {
            case SGD, NESTEROV -> momentum != 0 ? 1 : 0;
            case ADAM, ADAMW -> 2;
            case RMSPROP -> momentum != 0 ? 2 : 1;
        };
    }
}
