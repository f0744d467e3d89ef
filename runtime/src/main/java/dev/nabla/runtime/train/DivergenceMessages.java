package dev.nabla.runtime.train;

/** How a {@link DivergenceProbe.Finding} reads in the message that stops a run. */
final class DivergenceMessages {

    private DivergenceMessages() {
    }

    /** E.g. "`log` at model.nabla:7:12 first produced a non-finite value (NaN) in the forward pass". */
    static String cause(DivergenceProbe.Finding f) {
        String at = f.where().isEmpty() ? "" : " at " + f.where();
        return switch (f.phase()) {
            case WEIGHTS -> f.what() + " was already " + f.value() + " before the step: the previous update made it non-finite";
            case FORWARD -> f.what() + at + " first produced " + value(f) + " in the forward pass";
            case GRADIENT -> f.what() + ", in the gradient of the expression" + at + ", first produced " + value(f)
                    + " in the backward pass";
        };
    }

    private static String value(DivergenceProbe.Finding f) {
        return f.overflowOnly() ? "a value beyond float32's range (" + String.format("%.3g", f.value()) + ")"
                : "a non-finite value (" + f.value() + ")";
    }
}
