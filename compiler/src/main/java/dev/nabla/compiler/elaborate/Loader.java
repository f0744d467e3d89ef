package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.diag.Diagnostics;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.syntax.Decl;
import dev.nabla.compiler.syntax.Parser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads files and their imports and builds the scope each file's definitions are evaluated in:
 * built-ins, then the standard library, then the imported files' definitions and the file's own.
 * Imports are not transitive: a file sees the definitions of the files it imports itself.
 */
final class Loader {

    /** A loaded file: its AST, the scope inside it, and the definitions it exports to importers. */
    record Unit(Decl.SourceFile file, Env globals, Map<String, Val.Def> exports) {
    }

    private final Diagnostics diagnostics;
    private final Env std;
    private final Map<Path, Optional<Unit>> loaded = new HashMap<>();
    private final Deque<Path> loading = new ArrayDeque<>();

    Loader(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
        this.std = new Env(Stdlib.builtins());
        Stdlib.parsed(diagnostics).ifPresent(f -> f.defs().forEach(d -> defineDef(std, d, new Val.Def(d, std))));
    }

    /** Loads a file given as text; its imports are read from disk relative to its directory. */
    Optional<Unit> load(String fileName, String source) {
        Path key = Path.of(fileName).toAbsolutePath().normalize();
        loading.push(key);
        try {
            Optional<Unit> unit = Parser.parse(fileName, source, diagnostics).map(this::scope);
            loaded.put(key, unit);
            return unit;
        } finally {
            loading.pop();
        }
    }

    private Unit scope(Decl.SourceFile file) {
        Env globals = new Env(std);
        for (Decl.Import i : file.imports()) {
            importInto(globals, file.path(), i);
        }
        Map<String, Val.Def> exports = new LinkedHashMap<>();
        for (Decl.Def d : file.defs()) {
            Val.Def def = new Val.Def(d, globals);
            if (defineDef(globals, d, def)) {
                exports.put(d.name(), def);
            }
        }
        return new Unit(file, globals, exports);
    }

    private boolean defineDef(Env env, Decl.Def d, Val.Def def) {
        Map<String, Decl.Formal> seen = new HashMap<>();
        for (Decl.Formal f : d.formals()) {
            if (seen.putIfAbsent(f.name(), f) != null) {
                diagnostics.error(f.span(), "parameter '" + f.name() + "' of '" + d.name() + "' is already declared");
            }
        }
        Optional<Env.Binding> earlier = env.define(d.name(), def, d.span());
        earlier.ifPresent(b -> diagnostics.error(d.span(), "'" + d.name() + "' is already defined ("
                + Evaluator.where(b.declared(), d.span()) + ")"));
        return earlier.isEmpty();
    }

    private void importInto(Env globals, String importer, Decl.Import i) {
        Path dir = Path.of(importer).getParent();
        Path target;
        try {
            target = (dir == null ? Path.of(i.path()) : dir.resolve(i.path())).normalize();
        } catch (InvalidPathException e) {
            diagnostics.error(i.span(), "'" + i.path() + "' is not a valid path");
            return;
        }
        Path key = target.toAbsolutePath().normalize();
        if (loading.contains(key)) {
            diagnostics.error(i.span(), "import cycle: " + cycle(key));
            return;
        }
        Optional<Unit> unit = loaded.get(key);
        if (unit == null) {
            unit = read(target, i.span()).flatMap(text -> load(target.toString(), text));
        }
        unit.ifPresent(u -> u.exports().forEach((name, def) -> globals.define(name, def, def.def().span())
                .ifPresent(b -> diagnostics.error(i.span(), "'" + name + "' imported from " + target
                        + " is already defined (" + Evaluator.where(b.declared(), i.span()) + ")"))));
    }

    private String cycle(Path back) {
        StringBuilder s = new StringBuilder();
        var it = loading.descendingIterator();
        boolean inCycle = false;
        while (it.hasNext()) {
            Path p = it.next();
            inCycle |= p.equals(back);
            if (inCycle) {
                s.append(p.getFileName()).append(" -> ");
            }
        }
        return s.append(back.getFileName()).toString();
    }

    private Optional<String> read(Path file, Span at) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            String reason = Files.exists(file) ? "cannot read it" : "no such file";
            diagnostics.error(at, "cannot import '" + file + "': " + reason);
            return Optional.empty();
        }
    }
}
