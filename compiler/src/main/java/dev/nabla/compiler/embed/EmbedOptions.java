package dev.nabla.compiler.embed;

import java.nio.file.Path;

/**
 * How {@link ModelArtifacts#build} compiles a model for embedding.
 *
 * @param packageName   the Java package of the façade and kernel classes
 * @param inferenceOnly leave out the training kernels and the optimizer (no fine-tuning)
 * @param weights       a checkpoint to put in the artifact, or {@code null}
 */
public record EmbedOptions(String packageName, boolean inferenceOnly, Path weights) {

    /** Where the classes go without {@code --package}. */
    public static final String DEFAULT_PACKAGE = "dev.nabla.generated";
}
