package dev.nabla.compiler.codegen;

/**
 * Where and how a model's classes are generated.
 *
 * @param mainClass        binary name of the class implementing {@code CompiledModel}; its helpers are
 *                         {@code mainClass$S0}, {@code mainClass$V}, ...
 * @param manifestResource a resource beside the main class holding its {@code ModelManifest}: the class then also
 *                         has a no-argument constructor reading its spec from it; {@code null} for none
 * @param inferenceOnly    only {@code predict}: no training kernels, no optimizer, no gradient or optimizer-state
 *                         buffers in the spec
 * @param profile          time every kernel call into {@link dev.nabla.runtime.KernelProfile} ({@code --profile})
 * @param health           the training kernels also measure gradient health (HEALTH buffers: the update's sums of
 *                         squares, activity counts of ReLU-family activations); without it they are exactly the
 *                         kernels of a model that never heard of it
 */
public record EmitTarget(String mainClass, String manifestResource, boolean inferenceOnly, boolean profile,
                         boolean health) {

    public EmitTarget(String mainClass, String manifestResource, boolean inferenceOnly) {
        this(mainClass, manifestResource, inferenceOnly, false, false);
    }

    /** This target, with or without gradient health. */
    public EmitTarget withHealth(boolean on) {
        return new EmitTarget(mainClass, manifestResource, inferenceOnly, profile, on);
    }

    /** This target with every kernel call timed. */
    public EmitTarget profiled() {
        return new EmitTarget(mainClass, manifestResource, inferenceOnly, true, health);
    }

    /** The package of classes compiled in-process ({@code dev.nabla.generated}). */
    public static final String DEFAULT_PACKAGE = "dev.nabla.generated";

    /** In-process: {@code dev.nabla.generated.NAME}, every entry point, no manifest. */
    public static EmitTarget inProcess(String modelName) {
        return new EmitTarget(DEFAULT_PACKAGE + "." + identifier(modelName), null, false);
    }

    /** {@code name} as a Java identifier: other characters become {@code _}, and a leading digit gets an {@code M}. */
    public static String identifier(String name) {
        StringBuilder s = new StringBuilder();
        for (char c : name.toCharArray()) {
            s.append(Character.isJavaIdentifierPart(c) ? c : '_');
        }
        return s.length() == 0 || !Character.isJavaIdentifierStart(s.charAt(0)) ? "M" + s : s.toString();
    }
}
