package dev.nabla.cli;

import dev.nabla.compiler.passes.Passes;
import picocli.CommandLine.Option;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code --no-pass NAME}: switches optimization passes off, for commands that compile a model. */
final class PassOptions {

    @Option(names = "--no-pass", paramLabel = "NAME", split = ",",
            description = "switch an optimization pass off (repeatable; safer-forms, fold-constants, simplify, cse, "
                    + "dead-code, or all)")
    List<String> disabled = List.of();

    Set<String> disabled() {
        Set<String> names = new LinkedHashSet<>();
        for (String n : disabled) {
            if (n.equals("all")) {
                names.addAll(Passes.names());
            } else if (!Passes.names().contains(n)) {
                throw new UserError("unknown pass '" + n + "' (the passes are " + String.join(", ", Passes.names()) + ")");
            } else {
                names.add(n);
            }
        }
        return names;
    }
}
