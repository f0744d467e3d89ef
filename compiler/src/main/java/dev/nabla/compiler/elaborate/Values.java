package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ir.Span;

/** Conversions of compile-time values shared by the evaluator and the built-ins. */
final class Values {

    private Values() {
    }

    static int integer(Val v, Span span, String what) {
        if (v instanceof Val.Poison) {
            throw ElabError.silent();
        }
        if (v instanceof Val.Num n && n.integral() && Math.abs(n.value()) <= Integer.MAX_VALUE) {
            return (int) n.value();
        }
        if (v instanceof Val.Batch b) {
            throw new ElabError(span, what + " must be an integer known at compile time, but the batch dimension "
                    + b.symbol() + " is only known at run time");
        }
        throw new ElabError(span, what + " must be an integer, got " + v.describe());
    }
}
