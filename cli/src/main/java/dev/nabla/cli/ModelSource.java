package dev.nabla.cli;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** The first step of every command that works on one model: compile the file, report diagnostics, pick the model. */
final class ModelSource {

    private ModelSource() {
    }

    /**
     * @param modelName the model to pick, or null for the file's first model
     * @throws UserError when the file is missing, does not compile (diagnostics already printed to {@code err}),
     *                   or has no model of that name
     */
    static ModelIr load(Path file, String modelName, PrintWriter err) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("no such file: " + file);
        }
        Compilation c = Compiler.compileFile(file);
        err.print(c.render());
        err.flush();
        if (!c.ok()) {
            throw new UserError(file + " has errors; nothing was run");
        }
        try {
            return c.model(modelName);
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }
}
