package dev.nabla.cli;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.codegen.ModelClasses;
import dev.nabla.compiler.codegen.ModelCompiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code nabla compile FILE [--model NAME] [--listing] [--emit-classes DIR]}: compiles models to JVM classes. */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compiles the models of a .nabla file to JVM bytecode (predict, trainStep, update).")
final class CompileCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "the .nabla file")
    Path file;

    @Option(names = "--model", paramLabel = "NAME", description = "compile only this model (default: every model)")
    String model;

    @Option(names = "--listing", description = "print the kernels as loops over named buffers")
    boolean listing;

    @Option(names = "--emit-classes", paramLabel = "DIR", description = "write the generated .class files under DIR")
    Path emitDir;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserError("no such file: " + file);
        }
        Compilation c = Compiler.compileFile(file);
        System.err.print(c.render());
        if (!c.ok()) {
            return 1;
        }
        List<ModelIr> models;
        try {
            models = model == null ? c.models() : List.of(c.model(model));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
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
}
