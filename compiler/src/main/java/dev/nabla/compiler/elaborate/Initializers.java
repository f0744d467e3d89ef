package dev.nabla.compiler.elaborate;

import dev.nabla.runtime.InitSpec;

import java.util.List;
import java.util.Map;

/** Parameter initializers: plain names ({@code he_uniform}) and functions ({@code normal(0.02)}). */
final class Initializers {

    private static final Map<String, InitSpec.Kind> NAMED = Map.ofEntries(
            Map.entry("zeros", InitSpec.Kind.ZEROS), Map.entry("ones", InitSpec.Kind.ONES),
            Map.entry("glorot_uniform", InitSpec.Kind.GLOROT_UNIFORM),
            Map.entry("glorot_normal", InitSpec.Kind.GLOROT_NORMAL),
            Map.entry("xavier_uniform", InitSpec.Kind.GLOROT_UNIFORM),
            Map.entry("xavier_normal", InitSpec.Kind.GLOROT_NORMAL),
            Map.entry("he_uniform", InitSpec.Kind.HE_UNIFORM), Map.entry("he_normal", InitSpec.Kind.HE_NORMAL),
            Map.entry("kaiming_uniform", InitSpec.Kind.HE_UNIFORM),
            Map.entry("kaiming_normal", InitSpec.Kind.HE_NORMAL));

    private Initializers() {
    }

    static void register(Map<String, Val> table) {
        NAMED.forEach((name, kind) -> table.put(name, new Val.Init(InitSpec.of(kind))));
        TensorBuiltins.add(table, "constant", List.of("value"), Map.of(),
                (e, a) -> new Val.Init(new InitSpec(InitSpec.Kind.CONSTANT, a.number("value"), 0)));
        // given a shape, the same two are random tensors (RandomBuiltins)
        TensorBuiltins.add(table, "uniform", List.of("low", "high", "shape"), Map.of("shape", Val.ABSENT),
                Initializers::uniform);
        TensorBuiltins.add(table, "normal", List.of("mean", "std", "shape"), Map.of("std", Val.ABSENT, "shape", Val.ABSENT),
                Initializers::normal);
    }

    private static Val uniform(BuiltinFn.Emitter e, Args a) {
        double low = a.number("low");
        double high = a.number("high");
        if (!(low < high)) {
            throw new ElabError(a.call(), "uniform needs low < high, got " + low + " and " + high);
        }
        if (a.given("shape")) {
            return RandomBuiltins.uniform(e, a, low, high);
        }
        return new Val.Init(new InitSpec(InitSpec.Kind.UNIFORM, low, high));
    }

    /** {@code normal(std)} or {@code normal(mean, std)}; {@code normal(mean, std, shape)} is a random tensor. */
    private static Val normal(BuiltinFn.Emitter e, Args a) {
        if (a.given("shape") && !a.given("std")) {
            throw new ElabError(a.call(), "a random normal tensor needs mean, std and shape: normal(0, 1, [B, 10])");
        }
        boolean both = a.given("std");
        double mean = both ? a.number("mean") : 0;
        double std = both ? a.number("std") : a.number("mean");
        if (!(std > 0)) {
            throw new ElabError(a.call(), "normal needs a positive standard deviation, got " + std);
        }
        if (a.given("shape")) {
            return RandomBuiltins.normal(e, a, mean, std);
        }
        return new Val.Init(new InitSpec(InitSpec.Kind.NORMAL, mean, std));
    }

    /** The initializer a parameter declaration names; a bare number means a constant. */
    static InitSpec of(Val v, dev.nabla.compiler.ir.Span span) {
        if (v instanceof Val.Init i) {
            return i.spec();
        }
        if (v instanceof Val.Num n) {
            return new InitSpec(InitSpec.Kind.CONSTANT, n.value(), 0);
        }
        if (v instanceof Val.Poison) {
            throw ElabError.silent();
        }
        String hint = v instanceof Val.Builtin b && List.of("constant", "uniform", "normal").contains(b.fn().name())
                ? " (call it with arguments, e.g. " + b.fn().name() + "(...))" : "";
        throw new ElabError(span, "a parameter initializer must be one of zeros, ones, constant(v), uniform(lo, hi), "
                + "normal(std), glorot_uniform, glorot_normal, he_uniform, he_normal; got " + v.describe() + hint);
    }
}
