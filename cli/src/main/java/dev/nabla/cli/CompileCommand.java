package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.codegen.ModelClasses;
import dev.nabla.compiler.codegen.ModelCompiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nabla compile FILE [--model NAME] [--listing] [--emit-classes DIR]}: compiles models to JVM classes. */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compiles the models of a .nabla file to JVM bytecode (predict, trainStep, update).")
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

    @Override
    public Integer call() throws IOException {
        for (ModelIr m : source.loadSelected(spec.commandLine().getErr())) {
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
}
