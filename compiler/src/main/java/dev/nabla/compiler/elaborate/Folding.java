package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.syntax.Expr;

/**
 * Arithmetic on numbers known at compile time (layer sizes, coefficients); integers stay integers except under '/'.
 * Comparisons of two numbers are booleans, which only a compile-time 'if' uses.
 */
final class Folding {

    private Folding() {
    }

    /** Comparisons of numbers give booleans, for a compile-time 'if' ({@code if rank(x) == 4}). */
    static Val fold(Expr.Binary b, Val.Num x, Val.Num y) {
        boolean integral = x.integral() && y.integral();
        double a = x.value();
        double c = y.value();
        return switch (b.op()) {
            case "+" -> new Val.Num(a + c, integral);
            case "-" -> new Val.Num(a - c, integral);
            case "*" -> new Val.Num(a * c, integral);
            case "/" -> {
                if (c == 0) {
                    throw new ElabError(b.span(), "division by zero");
                }
                yield new Val.Num(a / c, false);
            }
            case ">" -> new Val.Bool(a > c);
            case "<" -> new Val.Bool(a < c);
            case "==" -> new Val.Bool(a == c);
            default -> throw new IllegalStateException("not a folding operator: " + b.op());
        };
    }
}
