package dev.nabla.compiler.lower;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** An affine element index: {@code constant + sum(coef * var)}. */
public record Index(int constant, Map<LoopVar, Size> terms) {

    public static final Index ZERO = new Index(0, Map.of());

    public Index {
        terms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }

    public static Index of(LoopVar v) {
        return new Index(0, Map.of(v, Size.ONE));
    }

    public static Index constant(int c) {
        return new Index(c, Map.of());
    }

    public Index plus(Index o) {
        Map<LoopVar, Size> t = new LinkedHashMap<>(terms);
        o.terms.forEach((v, s) -> t.merge(v, s, Index::add));
        return new Index(constant + o.constant, t);
    }

    private static Size add(Size a, Size b) {
        if (a.batch() != b.batch()) {
            throw new IllegalArgumentException("cannot add " + a + " and " + b);
        }
        return new Size(a.c() + b.c(), a.batch());
    }

    public Index times(Size s) {
        if (constant != 0 && s.batch()) {
            throw new IllegalArgumentException("constant offset times batch");
        }
        Map<LoopVar, Size> t = new LinkedHashMap<>();
        terms.forEach((v, c) -> t.put(v, c.times(s)));
        return new Index(constant * s.c(), t);
    }

    /** The coefficient of {@code v}, zero when absent. */
    public Size coef(LoopVar v) {
        return terms.getOrDefault(v, Size.ZERO);
    }

    @Override
    public String toString() {
        String s = terms.entrySet().stream()
                .map(e -> e.getValue().isOne() ? e.getKey().name() : e.getKey().name() + "*" + e.getValue())
                .collect(Collectors.joining(" + "));
        if (s.isEmpty()) {
            return Integer.toString(constant);
        }
        return constant == 0 ? s : s + " + " + constant;
    }
}
