package dev.nabla.cli;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code nabla check FILE...}: parses and type-checks model files, reporting every error. */
@Command(name = "check", description = "Check .nabla files: syntax, names, shapes and types, train blocks.")
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "model files to check")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean allOk = true;
        for (Path file : files) {
            Compilation c = Compiler.compileFile(file);
            err.print(c.render());
            err.flush();
            if (c.ok()) {
                out.println(file + ": ok");
            } else {
                allOk = false;
            }
        }
        out.flush();
        return allOk ? 0 : 1;
    }
}
