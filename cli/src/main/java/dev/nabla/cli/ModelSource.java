package dev.nabla.cli;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code FILE [--model NAME]} arguments of every command that works on one model (a picocli mixin), and
 * the first step of all of them: compile the file, report its diagnostics, pick the model.
 */
final class ModelSource {

    @Parameters(index = "0", paramLabel = "FILE", description = "the .nabla file")
    Path file;

    @Option(names = "--model", paramLabel = "NAME", description = "the model (default: the file's first)")
    String model;

    /**
     * @throws UserError when the file is missing, does not compile (diagnostics already printed to {@code err}),
     *                   or has no model of that name
     */
    ModelIr load(PrintWriter err) {
        return model(compile(err), model);
    }

    /** As {@link #load}, for a command that needs the model's loss: {@code task} says what it would do ("trained"). */
    ModelIr loadWithLoss(PrintWriter err, String task) {
        ModelIr m = load(err);
        if (!m.trainable()) {
            throw new UserError("model " + m.name() + " has no loss, so it cannot be " + task
                    + "; a model without one can be run (nabla predict), not trained");
        }
        return m;
    }

    /** The model named by {@code --model}, or without it every model of the file. */
    List<ModelIr> loadSelected(PrintWriter err) {
        Compilation c = compile(err);
        return model == null ? c.models() : List.of(model(c, model));
    }

    private Compilation compile(PrintWriter err) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("no such file: " + file);
        }
        Compilation c = Compiler.compileFile(file);
        err.print(c.render());
        err.flush();
        if (!c.ok()) {
            throw new UserError(file + " has errors; nothing was run");
        }
        return c;
    }

    private ModelIr model(Compilation c, String name) {
        try {
            return c.model(name);
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }
}
