package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.diag.Suggestions;
import dev.nabla.compiler.ir.Span;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The arguments of one call, bound to the callee's formal parameters, with typed accessors that explain mistakes. */
final class Args {

    /** An evaluated argument as written: {@code name} is null for a positional one. */
    record Actual(String name, Val val, Span span) {
    }

    private final String fn;
    private final Span call;
    private final Map<String, Actual> bound;
    private final Map<String, Val> defaults;

    private Args(String fn, Span call, Map<String, Actual> bound, Map<String, Val> defaults) {
        this.fn = fn;
        this.call = call;
        this.bound = bound;
        this.defaults = defaults;
    }

    /** Binds builtin arguments; {@code defaults} holds every optional formal. */
    static Args forBuiltin(BuiltinFn f, List<Actual> actuals, Span call) {
        return of(f.name(), f.formals(), f.defaults(), actuals, call);
    }

    static Args of(String fn, List<String> formals, Map<String, Val> defaults, List<Actual> actuals, Span call) {
        return new Args(fn, call, bind(fn, formals, defaults::containsKey, actuals, call), defaults);
    }

    /**
     * Matches positional arguments in order, then named ones by name. Reports too many arguments, unknown
     * or repeated names, and missing required ones.
     */
    static Map<String, Actual> bind(String fn, List<String> formals, Predicate<String> optional, List<Actual> actuals,
                                    Span call) {
        Map<String, Actual> out = new LinkedHashMap<>();
        int position = 0;
        for (Actual a : actuals) {
            if (a.name() == null) {
                if (position >= formals.size()) {
                    throw new ElabError(a.span(), "too many arguments: '" + fn + "' takes " + count(formals.size())
                            + ", got " + positionalCount(actuals));
                }
                out.put(formals.get(position++), a);
            } else if (!formals.contains(a.name())) {
                throw new ElabError(a.span(), "'" + fn + "' has no parameter named '" + a.name() + "'"
                        + Suggestions.didYouMean(a.name(), formals));
            } else if (out.containsKey(a.name())) {
                throw new ElabError(a.span(), "argument '" + a.name() + "' of '" + fn + "' is given twice");
            } else {
                out.put(a.name(), a);
            }
        }
        List<String> missing = new ArrayList<>();
        for (String f : formals) {
            if (!out.containsKey(f) && !optional.test(f)) {
                missing.add("'" + f + "'");
            }
        }
        if (!missing.isEmpty()) {
            throw new ElabError(call, "missing argument" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + " in the call of '" + fn + "'");
        }
        return out;
    }

    private static String count(int n) {
        return n == 1 ? "1 argument" : n + " arguments";
    }

    private static long positionalCount(List<Actual> actuals) {
        return actuals.stream().filter(a -> a.name() == null).count();
    }

    String fn() {
        return fn;
    }

    Span call() {
        return call;
    }

    Val get(String name) {
        Actual a = bound.get(name);
        return a != null ? a.val() : defaults.getOrDefault(name, Val.ABSENT);
    }

    boolean given(String name) {
        return !(get(name) instanceof Val.Absent);
    }

    /** Where the argument is written, or the call when it took its default. */
    Span span(String name) {
        Actual a = bound.get(name);
        return a != null ? a.span() : call;
    }

    ElabError wrong(String name, String expected) {
        return new ElabError(span(name), "argument '" + name + "' of '" + fn + "' must be " + expected + ", got "
                + get(name).describe());
    }

    double number(String name) {
        if (get(name) instanceof Val.Num n) {
            return n.value();
        }
        throw wrong(name, "a number");
    }

    int integer(String name) {
        return Values.integer(get(name), span(name), "argument '" + name + "' of '" + fn + "'");
    }

    boolean bool(String name) {
        if (get(name) instanceof Val.Bool b) {
            return b.value();
        }
        throw wrong(name, "true or false");
    }

    String string(String name) {
        if (get(name) instanceof Val.Str s) {
            return s.value();
        }
        throw wrong(name, "a string");
    }

    /** An integer or a list of integers. */
    List<Integer> integers(String name) {
        Val v = get(name);
        if (v instanceof Val.ListVal l) {
            List<Integer> out = new ArrayList<>();
            for (Val item : l.items()) {
                out.add(Values.integer(item, span(name), "each item of '" + name + "' of '" + fn + "'"));
            }
            return out;
        }
        return List.of(integer(name));
    }
}
