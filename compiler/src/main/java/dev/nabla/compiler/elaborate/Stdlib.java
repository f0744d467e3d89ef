package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.diag.Diagnostics;
import dev.nabla.compiler.syntax.Decl;
import dev.nabla.compiler.syntax.Parser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The built-in names and the standard library written in Nabla, implicitly imported by every file. */
final class Stdlib {

    /** The file name std definitions are positioned in. */
    static final String FILE = "std.nabla";
    private static final String RESOURCE = "/dev/nabla/std/std.nabla";

    private Stdlib() {
    }

    /** A fresh scope holding every built-in function and value. */
    static Env builtins() {
        Map<String, Val> table = table();
        Env env = new Env(null);
        table.keySet().stream().sorted().forEach(name -> env.define(name, table.get(name), null));
        return env;
    }

    /** Every built-in function and value by name. */
    static Map<String, Val> table() {
        Map<String, Val> table = new HashMap<>();
        TensorBuiltins.register(table);
        WindowBuiltins.register(table);
        SequenceBuiltins.register(table);
        RandomBuiltins.register(table);
        Initializers.register(table);
        Regularizers.register(table);
        return table;
    }

    /**
     * The standard library's AST, parsed once per JVM (the AST is immutable): parsing it again for every compiled file
     * took as long as elaborating a small model. Diagnostics positioned in it get its text in {@code diagnostics}; if
     * it did not parse (a broken build), it is parsed into {@code diagnostics} to report why.
     */
    static Optional<Decl.SourceFile> parsed(Diagnostics diagnostics) {
        if (Parsed.AST.isEmpty()) {
            return Parser.parse(FILE, source(), diagnostics);
        }
        diagnostics.addSource(FILE, Parsed.SOURCE);
        return Parsed.AST;
    }

    /** Holds the parsed library, initialized on first use. */
    private static final class Parsed {
        static final String SOURCE = source();
        static final Optional<Decl.SourceFile> AST = Parser.parse(FILE, SOURCE, new Diagnostics());
    }

    static String source() {
        try (InputStream in = Stdlib.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the standard library " + RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
