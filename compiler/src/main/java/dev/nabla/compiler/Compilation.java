package dev.nabla.compiler;

import dev.nabla.compiler.diag.Diagnostic;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The result of compiling one file: the models that compiled, and every diagnostic (errors, notes).
 *
 * @param models      the models without errors, in source order
 * @param diagnostics all diagnostics, in source order
 */
public record Compilation(List<ModelIr> models, List<Diagnostic> diagnostics) {

    public Compilation {
        models = List.copyOf(models);
        diagnostics = List.copyOf(diagnostics);
    }

    /** No errors (warnings and notes allowed). */
    public boolean ok() {
        return diagnostics.stream().noneMatch(Diagnostic::isError);
    }

    /** Every diagnostic rendered as {@code file:line:col: error: message}, source line, caret. */
    public String render() {
        return diagnostics.stream().map(Diagnostic::render).collect(Collectors.joining());
    }

    /**
     * The model called {@code nameOrNull}, or the first model when null.
     *
     * @throws IllegalArgumentException with a message fit for the user when there is no such model
     */
    public ModelIr model(String nameOrNull) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException(ok() ? "the file declares no model" : "the file has errors");
        }
        if (nameOrNull == null) {
            return models.get(0);
        }
        return models.stream().filter(m -> m.name().equals(nameOrNull)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no model named '" + nameOrNull + "' (models: "
                        + models.stream().map(ModelIr::name).collect(Collectors.joining(", ")) + ")"));
    }
}
