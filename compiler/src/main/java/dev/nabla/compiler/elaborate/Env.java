package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ir.Span;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A lexical scope: names bound to compile-time values, with an enclosing scope. */
final class Env {

    /** A bound name and where it was declared ({@code null} for built-ins). */
    record Binding(Val val, Span declared) {
    }

    private final Env parent;
    private final Map<String, Binding> names = new LinkedHashMap<>();

    Env(Env parent) {
        this.parent = parent;
    }

    /** Binds {@code name} here; returns the earlier binding in this same scope, if any (the caller reports it). */
    Optional<Binding> define(String name, Val val, Span declared) {
        Binding earlier = names.get(name);
        if (earlier != null) {
            return Optional.of(earlier);
        }
        names.put(name, new Binding(val, declared));
        return Optional.empty();
    }

    /** Rebinds a name already defined here (a failed declaration becomes poison). */
    void replace(String name, Val val) {
        names.computeIfPresent(name, (n, b) -> new Binding(val, b.declared()));
    }

    Optional<Binding> lookupHere(String name) {
        return Optional.ofNullable(names.get(name));
    }

    Optional<Binding> lookup(String name) {
        for (Env e = this; e != null; e = e.parent) {
            Binding b = e.names.get(name);
            if (b != null) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** Every visible name, for "did you mean" suggestions. */
    Set<String> visibleNames() {
        Set<String> out = new LinkedHashSet<>();
        for (Env e = this; e != null; e = e.parent) {
            out.addAll(e.names.keySet());
        }
        return out;
    }
}
