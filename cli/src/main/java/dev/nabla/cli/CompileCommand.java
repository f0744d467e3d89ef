package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.codegen.ModelClasses;
import dev.nabla.compiler.codegen.ModelCompiler;
import dev.nabla.compiler.embed.EmbedOptions;
import dev.nabla.compiler.embed.ModelArtifact;
import dev.nabla.compiler.embed.ModelJar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code nabla compile FILE [--model NAME] [--listing] [--emit-classes DIR]}: compiles models to JVM classes;
 * with {@code -o model.jar}, to a jar an application runs with only the runtime (see docs/embedding.md).
 */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compiles the models of a .nabla file to JVM bytecode (predict, trainStep, update); with -o, to a"
                + " jar of kernels, a typed façade per model, a manifest and the weights, which needs only nabla-runtime.")
final class CompileCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Without --model, every model of the file is compiled. */
    @Mixin
    ModelSource source;

    @Option(names = "--listing", description = "print the kernels as loops over named buffers")
    boolean listing;

    @Option(names = "--emit-classes", paramLabel = "DIR", description = "write the generated .class files under DIR")
    Path emitDir;

    @Option(names = {"-o", "--output"}, paramLabel = "JAR", description = "write a jar for embedding (needs a JDK)")
    Path jar;

    @Option(names = "--weights", paramLabel = "CKPT", description = "with -o: a checkpoint to put in the jar")
    Path weights;

    @Option(names = "--package", paramLabel = "PKG", defaultValue = EmbedOptions.DEFAULT_PACKAGE,
            description = "with -o: the Java package of the façade and kernels (default: ${DEFAULT-VALUE})")
    String packageName;

    @Option(names = "--inference-only", description = "with -o: leave out the training kernels and the optimizer")
    boolean inferenceOnly;

    @Option(names = "--self-contained", description = "with -o: put the runtime in too, with a Main-Class: "
            + "java -jar model.jar predict input.csv")
    boolean selfContained;

    @Override
    public Integer call() throws IOException {
        if (jar == null && (weights != null || inferenceOnly || selfContained
                || !packageName.equals(EmbedOptions.DEFAULT_PACKAGE))) {
            throw new UserError("--weights, --package, --inference-only and --self-contained go with -o JAR");
        }
        long start = System.nanoTime();
        List<ModelIr> models = source.loadSelected(spec.commandLine().getErr());
        if (jar != null) {
            return writeJar(models, start);
        }
        for (ModelIr m : models) {
            ModelClasses classes = ModelCompiler.compile(m, m.config().optimizer());
            if (listing) {
                System.out.print(classes.listing());
            }
            if (emitDir != null) {
                classes.writeClasses(emitDir);
            }
            System.err.println("compiled " + m.name() + ": " + classes.classes().size() + " classes, main "
                    + classes.mainClass() + (emitDir != null ? " (written under " + emitDir + ")" : ""));
        }
        return 0;
    }

    private int writeJar(List<ModelIr> models, long start) {
        if (weights != null && models.size() > 1) {
            throw new UserError(source.file + " declares " + models.size() + " models: choose the one the weights"
                    + " belong to with --model NAME");
        }
        if (weights != null && !Files.isRegularFile(weights)) {
            throw new UserError("no such checkpoint: " + weights);
        }
        Path parent = jar.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UserError("cannot write " + jar + ": no such directory " + parent);
        }
        List<ModelArtifact> artifacts = ModelJar.compile(jar, models, new EmbedOptions(packageName, inferenceOnly, weights),
                selfContained);
        for (ModelArtifact a : artifacts) {
            System.err.println("compiled " + a.manifest().model() + " to " + a.facadeClass()
                    + (a.weights() != null ? " with weights" : " without weights")
                    + (inferenceOnly ? ", inference only" : ""));
        }
        System.err.printf("wrote %s (%d KiB%s) in %.0f ms%n", jar, Math.max(1, fileSize() / 1024),
                selfContained ? ", runtime included" : "", (System.nanoTime() - start) / 1e6);
        return 0;
    }

    private long fileSize() {
        try {
            return Files.size(jar);
        } catch (IOException e) {
            return 0;
        }
    }
}
