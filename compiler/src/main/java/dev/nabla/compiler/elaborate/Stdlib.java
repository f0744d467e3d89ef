package dev.nabla.compiler.elaborate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

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
