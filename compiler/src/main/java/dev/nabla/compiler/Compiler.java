package dev.nabla.compiler;

import dev.nabla.compiler.diag.Diagnostics;
import dev.nabla.compiler.elaborate.Frontend;
import dev.nabla.compiler.ir.Span;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The front door of the compiler: a {@code .nabla} file to its models' graphs and train blocks. */
public final class Compiler {

    private Compiler() {
    }

    public static Compilation compileFile(Path file) {
        String name = file.toString();
        String source;
        try {
            source = Files.readString(file);
        } catch (MalformedInputException e) {
            return unreadable(name, "it is not UTF-8 text");
        } catch (IOException | SecurityException e) {
            return unreadable(name, Files.isDirectory(file) ? "it is a directory"
                    : Files.exists(file) ? "cannot read it" : "no such file");
        }
        return compileSource(name, source);
    }

    /** Compiles {@code source} as if read from {@code fileName}; imports resolve against its directory. */
    public static Compilation compileSource(String fileName, String source) {
        Diagnostics diagnostics = new Diagnostics();
        try {
            List<ModelIr> models = Frontend.compile(fileName, source, diagnostics);
            return new Compilation(models, diagnostics.list());
        } catch (StackOverflowError e) {
            // Parsing and elaboration recurse over the expression tree: thousands of nested parentheses
            // are a user's input too, and must end in a message, not a crash.
            Diagnostics d = new Diagnostics();
            d.error(Span.at(fileName, 0, 0), "expressions are nested too deeply to compile");
            return new Compilation(List.of(), d.list());
        }
    }

    private static Compilation unreadable(String name, String reason) {
        Diagnostics d = new Diagnostics();
        d.error(Span.at(name, 0, 0), "cannot read " + name + ": " + reason);
        return new Compilation(List.of(), d.list());
    }
}
